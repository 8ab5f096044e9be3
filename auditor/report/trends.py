"""Small inline-SVG trend charts from past runs (oldest first), as numbers the template draws.

Each past run is ``{"run_id", "created_at", "metrics": {(scenario, device, stage, metric): value},
"findings": {"critical": n, …}, "regressions": [text, …]}`` (as ``History.trends`` returns them).
Keys and values of any other shape are dropped: history files are read, not trusted. Series are
told apart by scenario, so two scenarios with a stage of the same name never share a line.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..model import AuditRun
from .catalog import SEVERITY_ORDER, Item, counts, format_metric, rate

TREND_METRICS = ("lcp_ms", "ttfb_ms")
W, H, PAD = 160, 40, 4  # sparkline box, px
BAR_W, BAR_H, BAR_LABEL = 18, 72, 12  # the top BAR_LABEL px hold the totals


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) and f >= 0 else None


@dataclass(frozen=True, slots=True)
class Spark:
    key: str  # "<device>/<stage>", or "<scenario> · <device>/<stage>" when the run has several
    metric: str
    points: str  # SVG polyline points
    last_xy: tuple[float, float]
    last: float
    first: float
    rating: str
    label: str  # accessible summary


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    run_id: str
    segments: tuple[tuple[str, float, float, int], ...]  # (severity, y, height, count)
    total: int
    top: float  # y of the bar's top


@dataclass(frozen=True, slots=True)
class Trends:
    runs: int
    sparks: tuple[Spark, ...]
    bars: tuple[Bar, ...]
    chart_w: int
    regressions: tuple[tuple[str, str], ...]  # (run id, text), newest first


MetricKey = tuple[str, str, str, str]  # (scenario, device, stage, metric)


def _trend_key(k: Any) -> bool:
    return isinstance(k, tuple) and len(k) == 4 and all(isinstance(x, str) for x in k) and k[3] in TREND_METRICS


def current_entry(run: AuditRun, items: Sequence[Item]) -> dict:
    metrics = {(j.scenario, j.device.name, s.stage, m): getattr(s.timing, m)
               for j in run.journeys for s in j.stages for m in TREND_METRICS}
    regressions = list(run.gate.regressions) if run.gate else []
    return {"run_id": run.run_id, "created_at": run.created_at, "metrics": metrics, "findings": counts(items),
            "regressions": regressions}


def _spark(key: str, metric: str, values: list[float | None]) -> Spark | None:
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return None
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = (hi - lo) or 1.0
    step = (W - 2 * PAD) / max(len(values) - 1, 1)
    xy = [(round(PAD + i * step, 1), round(H - PAD - (v - lo) / span * (H - 2 * PAD), 1)) for i, v in pts]
    first, last = pts[0][1], pts[-1][1]
    label = (f"{metric.split('_')[0].upper()} {key}: {format_metric(metric, first)} → {format_metric(metric, last)} "
             f"over {len(pts)} runs")
    return Spark(key, metric, " ".join(f"{x},{y}" for x, y in xy), xy[-1], last, first, rate(metric, last), label)


def trend_view(trends: Sequence[Mapping] | None, run: AuditRun, items: Sequence[Item]) -> Trends | None:
    if not trends:
        return None
    runs = [t for t in trends if isinstance(t, Mapping)]
    if not runs or str(runs[-1].get("run_id")) != run.run_id:
        runs.append(current_entry(run, items))
    per_run: list[dict[MetricKey, Any]] = []
    keys: dict[tuple[str, str, str], None] = {}
    for t in runs:
        metrics = t.get("metrics") if isinstance(t.get("metrics"), Mapping) else {}
        mine = {k: v for k, v in metrics.items() if _trend_key(k)}
        per_run.append(mine)
        for sc, device, stage, _ in mine:
            keys.setdefault((sc, device, stage), None)
    several = len({sc for sc, _, _ in keys}) > 1
    sparks = []
    for sc, device, stage in keys:
        label = f"{sc} · {device}/{stage}" if several and sc else f"{device}/{stage}"
        for metric in TREND_METRICS:
            values = [_num(m.get((sc, device, stage, metric))) for m in per_run]
            s = _spark(label, metric, values)
            if s:
                sparks.append(s)
    totals = [{s: int(_num((t.get("findings") or {}).get(s)) or 0) for s in SEVERITY_ORDER} for t in runs]
    top = max((sum(c.values()) for c in totals), default=0) or 1
    bars = []
    for i, (t, c) in enumerate(zip(runs, totals)):
        y, segs = float(BAR_H), []
        for sev in SEVERITY_ORDER:
            h = c[sev] / top * (BAR_H - BAR_LABEL)
            if c[sev]:
                y -= h
                segs.append((sev, round(y, 1), round(h, 1), c[sev]))
        bars.append(Bar(i * (BAR_W + 6), str(t.get("run_id", "")), tuple(segs), sum(c.values()), round(y, 1)))
    regressions = []
    for t in reversed(runs):
        for text in (t.get("regressions") or [])[:10]:
            regressions.append((str(t.get("run_id", "")), str(text)))
    return Trends(len(runs), tuple(sparks), tuple(bars), len(runs) * (BAR_W + 6), tuple(regressions[:20]))
