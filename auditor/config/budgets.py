"""Budgets: hard limits a release must stay within, written in the policy::

    budgets:
      - {metric: lcp_ms, max: 2.5s, device: mobile, stages: [product, cart, checkout]}
      - {metric: checkout_fields, max: 12}
      - {check: surprise-fees, max_findings: 0}
      - {check: forced-account, max_findings: 0, severity: critical}

A broken budget fails the gate (exit 1) with a reason naming the budget, where it was written, the
measured value and where it was measured. Timings are judged on the median of repeated loads; a
median of fewer than ``tolerance.min_samples`` loads fails only beyond the tolerance (so one noisy
load cannot flip the gate), and the reason says how many loads it rests on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model import SEVERITIES, AuditRun, Journey, severity_rank
from .policy import TIMING_METRICS, Policy
from ..gate.measure import checkout_counts, device_matches, fmt, median_of, samples_text, stage_matches

# metric → what it measures (the source of the table in docs/policy.md)
METRICS = {
    "ttfb_ms": "time to first byte of the stage's page, ms",
    "fcp_ms": "first contentful paint, ms",
    "lcp_ms": "largest contentful paint, ms",
    "dcl_ms": "DOMContentLoaded, ms",
    "load_ms": "load event, ms",
    "cls": "cumulative layout shift (unitless)",
    "step_ms": "response time of a step that changes the page without loading a document, ms",
    "checkout_fields": "text fields a new guest is shown from the cart to the order review (the long-form count)",
    "checkout_elements": "form elements (fields, selects, checkboxes, radio groups) from the cart to the review",
}
KEYS = {"metric": "", "check": "", "max": "", "max_findings": "", "device": "", "stages": "", "severity": "",
        "name": ""}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*\Z")


@dataclass(frozen=True, slots=True)
class Budget:
    metric: str = ""  # a METRICS name; "" for a check budget
    check: str = ""  # a check id; "" for a metric budget
    max: float | None = None  # metric budgets: the largest allowed value
    max_findings: int | None = None  # check budgets: the most findings allowed
    device: str = ""  # "" any; a device name; "mobile" / "desktop" also match any device of that kind
    stages: tuple[str, ...] = ()  # stage ids or kinds; () every stage
    severity: str = "info"  # check budgets count findings at or above this severity
    name: str = ""
    path: str = ""
    line: int = 0
    key: str = ""  # "budgets[2]"

    @property
    def ident(self) -> tuple:
        """A higher policy layer's budget on the same target replaces this one."""
        return (self.metric, self.check, self.device, self.stages, self.severity if self.check else "")

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.metric:
            text = f"{self.metric} ≤ {fmt(self.metric, self.max)}"
        else:
            sev = f" at {self.severity} or worse" if self.severity != "info" else ""
            text = f"{self.check}: at most {self.max_findings} finding{'s' if self.max_findings != 1 else ''}{sev}"
        if self.device:
            text += f" on {self.device}"
        if self.stages:
            text += f" at {', '.join(self.stages)}"
        return text


# ---- parsing (called by policy.py with its yamlsrc.Source) ---------------------------------------

def parse_budgets(src, node, key: str) -> tuple[Budget, ...]:
    from ..checks.registry import check_ids
    from .yamlsrc import join

    out = []
    for i, item in enumerate(src.sequence(node, key) or []):
        k = join(key, i)
        m = src.mapping(item, k, KEYS, hint="e.g. {metric: lcp_ms, max: 2500} or {check: surprise-fees, "
                                             "max_findings: 0}")
        if m is None:
            continue
        mark = src.checkpoint()
        metric = src.choice(m["metric"], join(k, "metric"), METRICS, "") if "metric" in m else ""
        check = src.choice(m["check"], join(k, "check"), check_ids(), "") if "check" in m else ""
        if ("metric" in m) == ("check" in m):
            src.fail(item, k, "a budget names either a metric or a check", "e.g. {metric: checkout_fields, max: 12}")
            continue
        wrong = ("max_findings", "severity") if "metric" in m else ("max",)
        for name in (n for n in wrong if n in m):
            src.fail(item.key_lines[name], join(k, name), f"{name!r} does not apply to a "
                     f"{'metric' if 'metric' in m else 'check'} budget",
                     "metric budgets take max; check budgets take max_findings and severity")
        need = "max" if "metric" in m else "max_findings"
        if need not in m:
            src.fail(item, k, f"missing required key {need!r}")
        stages = _stages(src, m.get("stages"), join(k, "stages"))
        budget = Budget(
            metric=metric or "", check=check or "", device=src.string(m.get("device"), join(k, "device"), "") or "",
            stages=stages, name=src.string(m.get("name"), join(k, "name"), "") or "",
            severity=src.choice(m["severity"], join(k, "severity"), SEVERITIES, "info") if "severity" in m else "info",
            max=_limit(src, m["max"], join(k, "max"), metric) if "max" in m and metric else None,
            max_findings=src.integer(m["max_findings"], join(k, "max_findings"), 0, minimum=0)
            if "max_findings" in m else None,
            path=src.path, line=item.line, key=k)
        if src.checkpoint() == mark:
            out.append(budget)
    return tuple(out)


def _stages(src, node, key) -> tuple[str, ...]:
    if node is None:
        return ()
    if node.kind == "scalar":
        one = src.string(node, key)
        return (one,) if one else ()
    return tuple(s for i, n in enumerate(src.sequence(node, key) or []) if (s := src.string(n, f"{key}[{i}]")))


def _limit(src, node, key, metric) -> float | None:
    """A number in the metric's unit; timings also as "2.5s" / "2500 ms"."""
    v = node.value
    if metric.endswith("_ms") and isinstance(v, str) and (m := _DURATION.match(v)):
        return float(m.group(1)) * (1000 if m.group(2) == "s" else 1)
    counts = metric.startswith("checkout_")
    ok = node.kind == "scalar" and isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
    if not ok or (counts and not isinstance(v, int)):
        unit = "a whole number ≥ 0" if counts else "a duration such as 2500 (ms) or 2.5s" \
            if metric.endswith("_ms") else "a number ≥ 0"
        src.fail(node, key, f"expected {unit}, found {node.describe()}")
        return None
    return float(v)


# ---- evaluation ---------------------------------------------------------------------------------

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
