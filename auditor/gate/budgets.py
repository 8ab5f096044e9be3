"""Budgets judged: each policy budget (config/budgets.py) against a run's timings, checkout form size
or findings. A broken budget fails the gate (exit 1) with a reason naming the budget, where it was
written, the measured value and where it was measured. Timings are judged on the median of repeated
loads; a median of fewer than ``tolerance.min_samples`` loads fails only beyond the tolerance (so one
noisy load cannot flip the gate), and the reason says how many loads it rests on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config.budgets import Budget
from ..config.policy import TIMING_METRICS, Policy
from ..model import AuditRun, Journey, severity_rank
from .measure import checkout_counts, device_matches, fmt, median_of, samples_text, stage_matches


@dataclass(frozen=True, slots=True)
class Outcome:
    budget: Budget
    status: str  # passed | failed | warned (over the line, within the tolerance) | not-evaluated
    at: str = ""  # "product [mobile]"
    measured: Any = None
    limit: Any = None
    samples: int = 0
    text: str = ""

    def to_json(self) -> dict:
        return {"budget": self.budget.label, "where": self.budget.where, "status": self.status, "at": self.at,
                "measured": self.measured, "limit": self.limit, "samples": self.samples, "text": self.text}


def evaluate(run: AuditRun, policy: Policy) -> list[Outcome]:
    out: list[Outcome] = []
    for b in policy.budgets:
        journeys = [j for j in run.journeys if device_matches(b.device, j)]
        if not journeys:
            out.append(Outcome(b, "not-evaluated", text=f"budget {_head(b)}: not evaluated: no "
                               f"{b.device or 'journey'} in this run"))
            continue
        for j in journeys:
            if b.check:
                out.append(_check_budget(run, b, j))
            elif b.metric in TIMING_METRICS:
                out.extend(_timing_budget(b, j, policy))
            else:
                out.append(_count_budget(b, j))
    return out


def _head(b: Budget) -> str:
    return f'"{b.label}" ({b.where})'


def _missing_stages(b: Budget, j: Journey) -> list[str]:
    return [n for n in b.stages if not any(s.stage == n or s.kind == n for s in j.stages)]


def _unjudged(b: Budget, j: Journey, why: str) -> Outcome:
    """Nothing to measure: a budget that cannot be judged must not pass (a walk that stopped is exit 3)."""
    status = "not-evaluated" if j.failures else "failed"
    return Outcome(b, status, at=f"[{j.device.name}]", text=f"budget {_head(b)} could not be judged on "
                   f"{j.scenario} [{j.device.name}]: {why}")


def _timing_budget(b: Budget, j: Journey, policy: Policy) -> list[Outcome]:
    tol, out = policy.tolerance, []
    missing = _missing_stages(b, j)
    if missing:
        out.append(_unjudged(b, j, f"no {', '.join(missing)} stage was captured"))
    for s in (s for s in j.stages if stage_matches(b.stages, s)):
        value, n = median_of(s, b.metric)
        if value is None:
            continue
        few = n < tol.min_samples or s.timing.contended
        limit = b.max + tol.margin(b.metric, b.max) if few else b.max
        at = f"{s.stage} [{j.device.name}]"
        basis = samples_text(n, s.timing.contended)
        if value <= b.max:
            out.append(Outcome(b, "passed", at, value, b.max, n))
            continue
        allowance = (f"the tolerance ({tol.describe(b.metric)}) allowed for fewer than {tol.min_samples} loads"
                     if n < tol.min_samples else f"the tolerance ({tol.describe(b.metric)}) allowed for contended "
                     "measurements")
        if value <= limit:
            out.append(Outcome(b, "warned", at, value, b.max, n, f"budget {_head(b)}: {at} {fmt(b.metric, value)} "
                               f"({basis}) is over {fmt(b.metric, b.max)} but within {allowance}: not failed; "
                               f"judge it on a median with --repeat {tol.min_samples}"))
        else:
            over = f", over {fmt(b.metric, limit)}: the limit plus {allowance}" if few else ""
            out.append(Outcome(b, "failed", at, value, b.max, n, f"budget {_head(b)} broken: {at} "
                               f"{fmt(b.metric, value)} ({basis}){over}"))
    if not out:
        out.append(_unjudged(b, j, f"{b.metric} was not measured on any matching stage"))
    return out


def _count_budget(b: Budget, j: Journey) -> Outcome:
    counts = checkout_counts(j)
    if counts is None:
        return _unjudged(b, j, "no checkout, payment or review stage was captured")
    what = b.metric.removeprefix("checkout_")
    value = counts[what]
    at = f"checkout [{j.device.name}]"
    if value <= b.max:
        return Outcome(b, "passed", at, value, b.max, 1)
    split = ", ".join(f"{k}: {v}" for k, v in counts["per_stage"].items()) if what == "fields" else ""
    return Outcome(b, "failed", at, value, b.max, 1, f"budget {_head(b)} broken: {value} {what} on the checkout "
                   f"stages of {j.scenario} [{j.device.name}]" + (f" ({split})" if split else ""))


def _check_budget(run: AuditRun, b: Budget, j: Journey) -> Outcome:
    at = f"[{j.device.name}]"
    result = next((r for r in run.results if r.check == b.check and r.journey == j.id), None)
    if result is None or result.outcome == "error":
        return _unjudged(b, j, "the check did not run" if result is None else f"the check errored: {result.reason}")
    if result.outcome == "not_applicable" and not j.failures:
        return _unjudged(b, j, f"the check was not applicable: {result.reason}")
    kinds = {s.stage: s for s in j.stages}
    floor = severity_rank(b.severity)
    hits = [f for f in result.findings if severity_rank(f.severity) >= floor
            and (not b.stages or (f.stage in kinds and stage_matches(b.stages, kinds[f.stage])))]
    if len(hits) <= (b.max_findings or 0):
        return Outcome(b, "passed", at, len(hits), b.max_findings, 1)
    listed = "; ".join(f"{f.severity} {f.title} ({f.stage})" for f in hits[:3]) + (" …" if len(hits) > 3 else "")
    return Outcome(b, "failed", at, len(hits), b.max_findings, 1,
                   f"budget {_head(b)} broken: {len(hits)} finding{'s' if len(hits) != 1 else ''} on "
                   f"{j.scenario} [{j.device.name}]: {listed}")
