"""Word lists and host lists for the trust and fee checks, kept in ``data/*.json``.

They are data because they change (hosts move, shops invent new fee names) and because adding a
language should not need a code review of the check. Each list is a set of regular-expression
fragments compiled once, case-insensitively.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def compile_any(fragments: list[str] | tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{f})" for f in fragments), re.IGNORECASE)


@lru_cache(maxsize=None)
def pattern(name: str, key: str) -> re.Pattern:
    """``pattern("trust_lexicon", "returns")``: one alternation of the list under ``key``."""
    return compile_any(tuple(load(name)[key]))


@lru_cache(maxsize=None)
def patterns(name: str, key: str) -> tuple[tuple[str, re.Pattern], ...]:
    """A mapping of lists (``"fees"``: kind → fragments) as ordered (kind, pattern) pairs."""
    return tuple((k, compile_any(tuple(v))) for k, v in load(name)[key].items())


def earliest(text: str, named: tuple[tuple[str, re.Pattern], ...]) -> tuple[str, int] | None:
    """The name whose pattern matches ``text`` first (ties go to the earlier name)."""
    best: tuple[str, int] | None = None
    for name, pat in named:
        m = pat.search(text)
        if m and (best is None or m.start() < best[1]):
            best = (name, m.start())
    return best


def host_of(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def host_in(url: str, hosts: list[str] | tuple[str, ...]) -> bool:
    """Suffix match on the host name, so ``cdn.judge.me`` matches the entry ``judge.me``."""
    host = host_of(url)
    return bool(host) and any(host == h or host.endswith("." + h) for h in hosts)
