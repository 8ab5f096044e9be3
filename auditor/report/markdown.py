"""summary.md: sized for a pull-request comment or a GitHub job summary (≤ ~60 lines, < 65,000 chars).

Page text is escaped for GitHub Markdown: every ASCII punctuation character gets a backslash
(CommonMark allows that for all of them), so a product name cannot open a link, an image, a
table cell, an autolink or an HTML tag; line breaks and invisible direction controls are removed.
"""
from __future__ import annotations

import re
import string
import unicodedata
from typing import Sequence

from ..model import AuditRun
from .catalog import SEVERITY_ORDER, Item, at_or_above, counts, fail_on, format_value, journey_status, verdicts
from .compare import Comparison

MAX_CHARS = 65_000
MAX_TOP = 10
MAX_CHECKS = 15
MAX_JOURNEYS = 4
_PUNCT = frozenset(string.punctuation)
_SPACE = re.compile(r"\s+")
_OUTCOME = {"failed": "❌ fail", "passed": "✅ pass", "error": "⚠️ error", "not_applicable": "➖ n/a"}


def md(text: object, limit: int = 120) -> str:
    """Page (or any) text as inert Markdown: one line, at most ``limit`` characters before escaping."""
    s = "" if text is None else str(text)
    s = "".join(ch for ch in s if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t\n")
    s = _SPACE.sub(" ", s).strip()
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in s)


def _where(it: Item) -> str:
    return f"{md(it.finding.stage, 40)} · {md(it.finding.device, 30)}"


def render_markdown(run: AuditRun, items: Sequence[Item], comparison: Comparison | None = None,
                    html_link: str = "index.html") -> str:
    gate = run.gate
    c = counts(items)
    level = fail_on(run)
    if gate is None:
        head = "## ➖ Checkout friction report"
    elif gate.passed:
        head = "## ✅ Checkout friction: gate passed"
    else:
        head = f"## ❌ Checkout friction: gate failed (exit {gate.exit_code})"
    names = ", ".join(md(n, 60) for n in dict.fromkeys(j.scenario for j in run.journeys)) or "no journeys"
    tally = " · ".join(f"{c[s]} {s}" for s in SEVERITY_ORDER)
    lines = [head, "",
             f"**{names}** · run {md(run.run_id, 60)} · {tally} · fails on {md(level)} · "
             f"[full report]({html_link})", ""]

    unfinished = [j for j in run.journeys if journey_status(j) != "complete"]
    for j in unfinished[:MAX_JOURNEYS]:
        status = journey_status(j)
        if status == "failed" and j.failure:
            f = j.failure
            step = f"step {f.step + 1}" if f.step >= 0 else "sign-in"
            lines.append(f"> ⛔ **{md(j.scenario, 40)} · {md(j.device.name, 30)}** stopped at {step} "
                         f"({md(f.stage, 40)}): {md(f.kind, 30)}: {md(f.message, 160)}")
        elif status == "stopped":
            lines.append(f"> ⏹ **{md(j.scenario, 40)} · {md(j.device.name, 30)}**: {md(j.stopped, 160)}")
    if len(unfinished) > MAX_JOURNEYS:
        lines.append(f"> … and {len(unfinished) - MAX_JOURNEYS} more journeys that did not finish")
    if lines[-1] != "":
        lines.append("")

    vs = verdicts(run, items)
    if vs:
        lines += ["| Check | Verdict | Worst finding |", "|---|---|---|"]
        for v in vs[:MAX_CHECKS]:
            title = v.failure_title if v.outcome == "failed" else v.title
            worst = (f"{v.worst.finding.severity} #{v.worst.n}: {md(v.worst.finding.title, 90)} ({_where(v.worst)})"
                     if v.worst else md("; ".join(v.reasons), 100) if v.outcome in ("error", "not_applicable") else "")
            lines.append(f"| {md(title, 70)} | {_OUTCOME.get(v.outcome, md(v.outcome))} | {worst} |")
        if len(vs) > MAX_CHECKS:
            lines.append(f"| … {len(vs) - MAX_CHECKS} more checks in the full report | | |")
        lines.append("")

    if items:
        lines += [f"### Top findings ({min(len(items), MAX_TOP)} of {len(items)})", "",
                  "| # | Severity | Finding | Stage · device | Measured | Threshold |", "|---|---|---|---|---|---|"]
        for it in items[:MAX_TOP]:
            f = it.finding
            sev = f"**{f.severity}**" if at_or_above(f.severity, level) else f.severity
            new = " 🆕" if it.status == "new" else ""
            lines.append(f"| [{it.n}]({html_link}#{it.anchor}) | {sev}{new} | {md(f.title, 90)} | {_where(it)} | "
                         f"{md(format_value(f.measured, f.unit), 40)} | {md(format_value(f.threshold, f.unit), 40)} |")
        lines.append("")
    else:
        lines += ["No friction found in the captured stages.", ""]

    if comparison is not None:
        lines.append(f"**Compared with {md(comparison.against, 60)}:** {len(comparison.new)} new · "
                     f"{len(comparison.fixed_ids)} fixed · {len(comparison.unchanged)} unchanged")
        worse = [d for d in comparison.metrics if d.direction == "worse" and d.metric in ("lcp_ms", "ttfb_ms")][:3]
        for d in worse:
            lines.append(f"- slower: {md(d.metric.split('_')[0].upper())} {md(d.stage, 40)} · {md(d.device, 30)}: "
                         f"{format_value(d.before, 'ms')} → {format_value(d.after, 'ms')}")
        lines.append("")
    if gate is not None and gate.regressions:
        lines += [f"- regression: {md(r, 150)}" for r in gate.regressions[:3]] + [""]

    lines.append(f"<sub>auditor {md(run.tool_version or '')} · [Open the full report]({html_link}): journey map, "
                 "annotated screenshots, every finding with its evidence.</sub>")
    text = "\n".join(lines) + "\n"
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 40].rsplit("\n", 1)[0] + "\n\n… (cut)\n"
