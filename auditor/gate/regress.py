"""Regressions: a timing worse than its reference by more than the tolerance, or a finding that the
last run did not have. The reference is a baseline's median or the median of the last runs in the
history; the comparison is the same for both.

A timing is *flagged* when its median is worse than the reference by more than the tolerance (twice
the tolerance when it rests on fewer than ``tolerance.min_samples`` loads). It *gates* (fails the run
when ``fail_on_regression`` is on) only when it rests on at least ``min_samples`` loads and even the
fastest of them is beyond the tolerance: contention on a shared CI machine slows some loads down, it
never speeds one up, so a real slowdown shows in every load and noise does not. A gate that flips on
noise is not trusted. Steps that load a page are judged by its page timings; steps that load no
document (SPA) by their response time, as the slow-load check does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from ..model import AuditRun, severity_rank
from ..config.policy import Policy
from .measure import StageValue, fmt, samples_text, stage_values

NAMES = {"ttfb_ms": "TTFB", "fcp_ms": "FCP", "lcp_ms": "LCP", "dcl_ms": "DCL", "load_ms": "Load", "cls": "CLS",
         "step_ms": "Step response", "soft_load_ms": "Load (soft navigation)"}

# (scenario, device, stage, metric, throttle) → (reference value, what it is: "median of the last 5 runs")
Reference = Callable[[StageValue], "tuple[float, str] | None"]
FLAGGED_ONLY = "flagged, not gated"  # marks the regressions that cannot fail the gate (notify.py reads it)


@dataclass(frozen=True, slots=True)
class Regression:
    text: str
    gating: bool  # may fail the gate (fail_on_regression decides whether it does)
    fingerprint: str = ""  # the new finding's, for a finding regression


def ref_key(v: StageValue) -> tuple:
    return (v.scenario, v.device, v.stage, v.metric, v.throttle)


def timing_regressions(run: AuditRun, reference: Reference, policy: Policy) -> list[Regression]:
    tol, out = policy.tolerance, []
    for v in stage_values(run, policy.regressions.metrics):
        if (v.metric not in ("step_ms", "soft_load_ms")) != v.navigated:
            continue  # a page is judged by its page timings, a step that loaded no document by its response time
        ref = reference(v)
        if ref is None:
            continue
        before, basis = ref
        margin = tol.margin(v.metric, before)
        enough = v.samples >= tol.min_samples
        if v.value <= before + (margin if enough else 2 * margin):
            continue
        gating = enough and v.fastest > before + margin
        text = (f"{NAMES.get(v.metric, v.metric)} {v.at}: {fmt(v.metric, v.value)} vs {fmt(v.metric, before)} "
                f"({basis}), +{fmt(v.metric, v.value - before)}, tolerance {tol.describe(v.metric)}; "
                f"{samples_text(v.samples, v.contended)}")
        if not enough:
            text += (f" — {FLAGGED_ONLY} (timing gates on a median of {tol.min_samples}+ loads: "
                     f"--repeat {tol.min_samples})")
        elif not gating:
            text += (f" — {FLAGGED_ONLY}: the fastest load ({fmt(v.metric, v.fastest)}) is within the tolerance, "
                     "so some loads were slow, not all (noise, or a partial slowdown)")
        out.append(Regression(text, gating))
    return out


def finding_regressions(run: AuditRun, last_seen: Mapping[tuple[str, str], tuple[str, frozenset]],
                        policy: Policy) -> list[Regression]:
    """Findings that the last complete walk of the same scenario and device did not have. They gate
    when at or above ``fail_on`` (the verdict leaves out those a baseline accepts)."""
    out = []
    floor = None if policy.fail_on == "never" else severity_rank(policy.fail_on)
    for f in run.findings:
        prev = last_seen.get((f.scenario, f.device))
        if prev is None or f.fingerprint() in prev[1]:
            continue
        out.append(Regression(f"new since run {prev[0]}: {f.severity}: {f.title} — {f.stage} [{f.device}]",
                              floor is not None and severity_rank(f.severity) >= floor, f.fingerprint()))
    return out
