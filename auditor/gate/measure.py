"""What the gate reads off a run: per-stage timing medians with their sample counts, the checkout
form size, and which journeys and stages a budget or baseline entry refers to.

Timings are judged on the median of the repeated loads (``--repeat N`` keeps the raw values in
``Timing.samples``); the sample count travels with the value so every verdict can say what it
rests on.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Iterator, Sequence

from ..analysis import forms as F
from ..model import AuditRun, Journey, StageCapture


def fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric == "cls":
        return f"{value:.3g}"
    if metric.endswith("_ms"):
        return f"{value:.0f} ms" if abs(value) < 1000 else f"{value / 1000:.2f}".rstrip("0").rstrip(".") + " s"
    return f"{value:g}"


def loads(stage: StageCapture, metric: str) -> list[float]:
    """Every load's value of ``metric`` (one when the walk was not repeated)."""
    vals = [float(v) for s in stage.timing.samples if (v := s.get(metric)) is not None]
    if not vals and getattr(stage.timing, metric, None) is not None:
        vals = [float(getattr(stage.timing, metric))]
    return vals


def median_of(stage: StageCapture, metric: str) -> tuple[float | None, int]:
    """(median, number of loads it rests on); (None, 0) when the metric was not captured."""
    vals = loads(stage, metric)
    return (float(statistics.median(vals)), len(vals)) if vals else (None, 0)


def samples_text(n: int, contended: bool = False) -> str:
    text = "median of %d loads" % n if n > 1 else "a single load"
    return text + (", measured while other workers shared the CPU" if contended else "")


@dataclass(frozen=True, slots=True)
class StageValue:
    scenario: str
    device: str
    stage: str
    kind: str
    metric: str
    value: float
    samples: int
    throttle: str
    contended: bool
    fastest: float = 0.0  # the best of the loads: contention only ever slows a load down
    navigated: bool = True  # False: a step that loaded no document (SPA), judged by step_ms

    @property
    def at(self) -> str:
        return f"{self.stage} [{self.device}]"


def stage_values(run: AuditRun, metrics: Sequence[str]) -> Iterator[StageValue]:
    for j in run.journeys:
        for s in j.stages:
            for m in metrics:
                vals = loads(s, m)
                if vals:
                    yield StageValue(j.scenario, j.device.name, s.stage, s.kind, m, float(statistics.median(vals)),
                                     len(vals), s.timing.throttle or "none", s.timing.contended, min(vals),
                                     s.timing.navigated)


def device_matches(want: str, journey: Journey) -> bool:
    """A budget's ``device``: the device's name, or "mobile"/"desktop" for any device of that kind."""
    if not want or want == journey.device.name:
        return True
    return want in ("mobile", "desktop") and journey.device.is_mobile == (want == "mobile")


def stage_matches(stages: Sequence[str], stage: StageCapture) -> bool:
    return not stages or stage.stage in stages or stage.kind in stages


def checkout_counts(journey: Journey) -> dict | None:
    """The long-form check's count: fields and elements a new guest is shown from the cart to the order
    review, each field once; None when no checkout stage was captured."""
    from ..checks.form_length import checkout_shown  # deferred (start-up): tests/test_imports.py

    found = checkout_shown(journey)
    if found is None:
        return None
    _, shown = found
    per_stage = {s.stage: sum(1 for e in new if F.is_field(e)) for s, new in shown if new}
    return {"fields": sum(per_stage.values()), "elements": sum(len(new) for _, new in shown),
            "per_stage": per_stage}
