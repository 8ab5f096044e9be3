"""``auditor history``: recorded runs as a compact terminal table, then per-stage timing trends as
sparklines with an arrow (▲ worse, ▼ better, = within the tolerance)."""
from __future__ import annotations

import statistics
from pathlib import Path

from ..model import SEVERITIES
from ..config.policy import Tolerance
from .measure import fmt

BARS = "▁▂▃▄▅▆▇█"
TREND = (("lcp_ms", "LCP"), ("ttfb_ms", "TTFB"))


def sparkline(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = (hi - lo) or 1.0
    return "".join(" " if v is None else BARS[min(int((v - lo) / span * (len(BARS) - 1) + 0.5), len(BARS) - 1)]
                   for v in values)


def arrow(metric: str, values: list[float | None], tol: Tolerance = Tolerance()) -> str:
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return " "
    before = statistics.median(known[:-1])
    margin = tol.margin(metric, before)
    return "▲" if known[-1] > before + margin else "▼" if known[-1] < before - margin else "="


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_history(runs: list[dict], *, path: Path, total: int, scenario: str | None = None) -> str:
    """``runs`` newest first, as History.runs() returns them."""
    what = f" of scenario matching {scenario!r}" if scenario else ""
    if not runs:
        return f"{path}: no runs{what} recorded ({total} in all)"
    lines = [f"{path}: {len(runs)} most recent run{'s' if len(runs) != 1 else ''}{what} ({total} recorded)", "",
             f"  {'when (UTC)':<16}  {'run':<46}  {'verdict':<13} {'crit':>4} {'maj':>4} {'min':>4} {'info':>4} "
             f"{'regr':>4}  report"]
    for r in runs:
        c = r["counts"]
        when = r["created_at"][:16].replace("T", " ")
        report = "pruned" if r["pruned_at"] else ("kept" if r["report_dir"] else "–")
        lines.append(f"  {when:<16}  {_cut(r['run_id'], 46):<46}  {_cut(r['verdict'] or '', 13):<13} "
                     + " ".join(f"{c.get(s, 0):>4}" for s in reversed(SEVERITIES))
                     + f" {len(r['regressions']):>4}  {report}")
    series = runs[0]["series"]
    chain = [r for r in reversed(runs) if r["series"] == series]  # oldest first
    if len(chain) >= 2:
        lines += ["", f"  Trends of {_cut(series, 70)}, oldest → newest ({len(chain)} runs):"]
        keys = list(dict.fromkeys((sc, d, s) for sc, d, s, m in chain[-1]["metrics"] if m == TREND[0][0]))
        several = len({sc for sc, _, _ in keys}) > 1
        for scenario, device, stage in keys:
            cells = []
            for metric, name in TREND:
                vals = [r["metrics"].get((scenario, device, stage, metric)) for r in chain]
                known = [v for v in vals if v is not None]
                if len(known) < 2:
                    continue
                cells.append(f"{name:<4} {sparkline(vals)} {fmt(metric, known[0]):>7} → {fmt(metric, known[-1]):<7} "
                             f"{arrow(metric, vals)}")
            if cells:
                where = f"{scenario}: {stage} [{device}]" if several else f"{stage} [{device}]"
                lines.append(f"    {_cut(where, 26):<26}  " + "   ".join(cells))
        totals = [sum(r["counts"].values()) for r in chain]
        lines.append(f"    {'findings (all)':<26}  {sparkline(totals)} {totals[0]} → {totals[-1]} "
                     f"{'▲' if totals[-1] > totals[-2] else '▼' if totals[-1] < totals[-2] else '='}")
    regs = [(r["run_id"], t) for r in runs[:3] for t in r["regressions"][:3]]
    if regs:
        lines += ["", "  Regressions in the latest runs:"] + [f"    {rid}: {_cut(t, 150)}" for rid, t in regs]
    return "\n".join(lines)
