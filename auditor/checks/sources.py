"""Every threshold source the checks cite, gathered from the check modules themselves, so the
documentation cannot drift from the code: ``python -m auditor.checks.sources docs/sources.md``."""
from __future__ import annotations

import sys
from pathlib import Path

from .base import Source
from .registry import ALL_CHECKS


def cited_sources() -> list[tuple[str, Source]]:
    """(check id, source) for each module-level Source of each registered check, in registry order."""
    out: list[tuple[str, Source]] = []
    for module in ALL_CHECKS:
        seen = set()
        for value in vars(module).values():
            if isinstance(value, Source) and value not in seen:
                seen.add(value)
                out.append((module.META.id, value))
    return out


def markdown() -> str:
    lines = ["# Threshold sources", "",
             "Generated from the check modules (`python -m auditor.checks.sources docs/sources.md`). "
             "*Proposed* marks a cut-off auditor proposes because none is published; a policy file "
             "overrides every threshold (see docs/policy.md).", "",
             "| check | source | link | proposed |", "|---|---|---|---|"]
    for check, src in cited_sources():
        link = f"<{src.url}>" if src.url else ""
        title = src.title.replace("|", "\\|")
        lines.append(f"| `{check}` | {title} | {link} | {'yes' if src.proposed else ''} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    Path(sys.argv[1]).write_text(markdown(), encoding="utf-8")
    print(f"wrote {sys.argv[1]}")
