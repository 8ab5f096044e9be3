"""summary.md: sized for a pull-request comment or a GitHub job summary (≤ ~60 lines, < 65,000 chars).

Page text is made inert with as few escapes as keep it so, because people read this file raw too:
the characters that open emphasis, code, links, images or table cells get a backslash
(\\ ` * _ ~ [ ] |), < > become entities (so no HTML tag can form), & only where it would start an
entity, $ only when two of them could open GitHub math, and a leading # cannot make a heading.
Things GitHub would turn into links by themselves (URLs, www., e-mail addresses, @mentions, #123
references) are put in code spans, where nothing is a link. Line breaks and invisible control
characters are removed. "$2.50", "2,819 ms" and "(TTFB)" stay as they are.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from ..model import AuditRun
from .catalog import (SEVERITY_ORDER, Group, Item, at_or_above, counts, fail_on, format_value, group_items,
                      journey_status, per_device, verdicts)
from .compare import Comparison

MAX_CHARS = 65_000
MAX_TOP = 10
MAX_CHECKS = 15
MAX_JOURNEYS = 4
_SPACE = re.compile(r"\s+")
_OUTCOME = {"failed": "❌ fail", "passed": "✅ pass", "error": "⚠️ error", "not_applicable": "➖ n/a"}
_ESCAPE = {ch: "\\" + ch for ch in "\\`*_~[]|"} | {"<": "&lt;", ">": "&gt;"}
# What GitHub links without any markup: URLs, www. hosts, e-mail addresses, @mentions, #123 references.
_AUTOLINK = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{0,30}://[^\s`<>]*"
    r"|\bwww\.[^\s`<>]+"
    r"|[^\s`<>@()\[\]|]+@[^\s`<>@()\[\]|]+\.[^\s`<>@()\[\]|]+"
    r"|(?<![\w@])@[a-z0-9][\w-]*(?:/[\w.-]+)?"
    r"|(?<![\w&])(?:#|gh-)\d+\b")
_ENTITY = re.compile(r"&(?=#?[a-z0-9]+;)", re.IGNORECASE)


def _escape_text(s: str, dollars: bool) -> str:
    s = "".join(_ESCAPE.get(ch, ch) for ch in _ENTITY.sub("&amp;", s))
    return s.replace("$", "\\$") if dollars else s


def md(text: object, limit: int = 120) -> str:
    """Page (or any) text as inert Markdown: one line, at most ``limit`` characters before escaping."""
    s = "" if text is None else str(text)
    s = "".join(ch for ch in s if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t\n")
    s = _SPACE.sub(" ", s).strip()
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    dollars = s.count("$") > 1  # one $ cannot open GitHub math; two might
    out, pos = [], 0
    for m in _AUTOLINK.finditer(s):
        token = m.group(0).rstrip(".,;:!?)'\"") or m.group(0)  # sentence punctuation is not part of a URL
        out.append(_escape_text(s[pos:m.start()], dollars))
        # In a code span nothing is a link or markup; | would still end a table cell, so it is encoded.
        out.append("`" + token.replace("|", "%7C") + "`")
        pos = m.start() + len(token)
    out.append(_escape_text(s[pos:], dollars))
    result = "".join(out)
    return "\\" + result if result[:1] in ("#", "-", "+", "=") else result


def _where(it: Item) -> str:
    return f"{md(it.finding.stage, 40)} · {md(it.finding.device, 30)}"


def _values(g: Group, attr: str) -> str:
    """The measured value (or threshold) once when every device agrees, else per device."""
    pairs = per_device(g.items, lambda f: format_value(getattr(f, attr), f.unit))
    if len(pairs) == 1 and not pairs[0][0]:
        return md(pairs[0][1], 40)
    return " · ".join(f"{md(t, 30)} {md(d, 20)}" for d, t in pairs)


def _group_row(g: Group, level: str, html_link: str) -> str:
    f = g.finding
    sev = f"**{g.severity}**" if at_or_above(g.severity, level) else g.severity
    new = " 🆕" if any(it.status == "new" for it in g.items) else ""
    nums = " ".join(f"[{it.n}]({html_link}#{it.anchor})" for it in g.items)
    where = f"{md(f.stage, 40)} · {', '.join(md(d, 30) for d in g.devices)}"
    values = f"{_values(g, 'measured')} | {_values(g, 'threshold')}"
    return f"| {nums} | {sev}{new} | {md(f.title, 90)} | {where} | {values} |"


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
        groups = group_items(items)
        shown = groups[:MAX_TOP]
        across = f", {len(items)} findings across devices" if len(groups) != len(items) else ""
        lines += [f"### Top problems ({len(shown)} of {len(groups)}{across})", "",
                  "| # | Severity | Finding | Stage · devices | Measured | Threshold |", "|---|---|---|---|---|---|"]
        lines += [_group_row(g, level, html_link) for g in shown]
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
    broken = [b for b in (gate.budgets if gate is not None else ()) if b.get("status") == "failed"]
    if broken:
        lines += [f"- budget broken: {md(str(b.get('text') or b.get('budget')), 150)}" for b in broken[:5]] + [""]

    lines.append(f"<sub>auditor {md(run.tool_version or '')} · [Open the full report]({html_link}): journey map, "
                 "annotated screenshots, every finding with its evidence.</sub>")
    text = "\n".join(lines) + "\n"
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 40].rsplit("\n", 1)[0] + "\n\n… (cut)\n"
