"""This run against an earlier one (or a baseline): findings new / fixed / unchanged by
``Finding.fingerprint()``, and timing deltas per stage and device."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import AuditRun, Finding, to_dict
from .catalog import METRIC_BY_KEY

COMPARED_METRICS = ("lcp_ms", "ttfb_ms", "fcp_ms", "cls", "load_ms")
# Below these a change is noise on a shared CI machine, not a regression.
NOISE_MS, NOISE_SHARE, NOISE_CLS = 50.0, 0.10, 0.01


@dataclass(frozen=True, slots=True)
class MetricDelta:
    scenario: str
    device: str
    stage: str
    metric: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> str:
        """better | worse | same | "" (one side missing). Lower is better for every compared metric."""
        d = self.delta
        if d is None:
            return ""
        noise = NOISE_CLS if self.metric == "cls" else max(NOISE_MS, NOISE_SHARE * abs(self.before or 0.0))
        if abs(d) <= noise:
            return "same"
        return "worse" if d > 0 else "better"


@dataclass(frozen=True, slots=True)
class Comparison:
    against: str  # run id of the earlier run / baseline
    against_created: str
    status: dict[str, str]  # fingerprint → "new" | "unchanged", for every current finding
    fixed: tuple[Finding, ...]  # findings of the earlier run that are gone (when it is known in full)
    fixed_ids: tuple[str, ...]  # their fingerprints (all that a baseline may know)
    metrics: tuple[MetricDelta, ...] = ()
    source: str = "previous"  # previous | gate

    @property
    def new(self) -> list[str]:
        return [fp for fp, s in self.status.items() if s == "new"]

    @property
    def unchanged(self) -> list[str]:
        return [fp for fp, s in self.status.items() if s == "unchanged"]


def compare(run: AuditRun, previous: AuditRun) -> Comparison:
    before = {f.fingerprint(): f for f in previous.findings}
    now = {f.fingerprint(): f for f in run.findings}
    status = {fp: ("unchanged" if fp in before else "new") for fp in now}
    fixed = tuple(f for fp, f in before.items() if fp not in now)
    return Comparison(against=previous.run_id, against_created=previous.created_at, status=status, fixed=fixed,
                      fixed_ids=tuple(f.fingerprint() for f in fixed), metrics=metric_deltas(run, previous))


def from_gate(run: AuditRun) -> Comparison | None:
    """When the gate compared with a baseline but no earlier run was given: fingerprints only."""
    g = run.gate
    if g is None or not (g.new or g.fixed or g.unchanged):
        return None
    new, same = set(g.new), set(g.unchanged)
    status = {}
    for f in run.findings:
        fp = f.fingerprint()
        status[fp] = "new" if fp in new else "unchanged" if fp in same else "new"
    return Comparison(against="baseline", against_created="", status=status, fixed=(), fixed_ids=tuple(g.fixed),
                      source="gate")


def metric_deltas(run: AuditRun, previous: AuditRun) -> tuple[MetricDelta, ...]:
    old = {(j.scenario, j.device.name, s.stage): s.timing for j in previous.journeys for s in j.stages}
    out = []
    for j in run.journeys:
        for s in j.stages:
            prev = old.get((j.scenario, j.device.name, s.stage))
            if prev is None:
                continue
            for m in COMPARED_METRICS:
                out.append(MetricDelta(j.scenario, j.device.name, s.stage, m, getattr(prev, m), getattr(s.timing, m)))
    return tuple(out)


def to_json(c: Comparison | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "against": c.against,
        "against_created_at": c.against_created,
        "source": c.source,
        "new": c.new,
        "unchanged": c.unchanged,
        "fixed": c.fixed_ids,
        "fixed_findings": [dict(to_dict(f), fingerprint=f.fingerprint()) for f in c.fixed],
        "metrics": [
            {"scenario": m.scenario, "device": m.device, "stage": m.stage, "metric": m.metric,
             "unit": METRIC_BY_KEY[m.metric].unit, "before": m.before, "after": m.after, "delta": m.delta,
             "direction": m.direction}
            for m in c.metrics
        ],
    }
