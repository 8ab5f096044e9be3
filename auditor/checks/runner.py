"""Run the registered checks over a journey; a crashing check becomes an error result, never a
failed run (Lighthouse's _runAudit, axe's incomplete results)."""
from __future__ import annotations

import traceback
from typing import Any, Iterable

from ..config.policy import DEFAULT_POLICY, Policy
from ..model import CheckResult, Finding, Journey, Passed
from .base import Context, NotApplicable
from .registry import ALL_CHECKS


def _stages_for(meta, journey: Journey):
    return [s for s in journey.stages if not meta.applies_to or s.kind in meta.applies_to]


def _why_none(meta, journey: Journey) -> str:
    kinds = ", ".join(meta.applies_to) or "any"
    why = f"no {kinds} stage was captured"
    if journey.failure:
        why += f" (the walk stopped at step {journey.failure.step + 1}, {journey.failure.stage})"
    elif journey.stopped:
        why += " (the walk stopped before the order was placed)"
    return why


def run_check(module, journey: Journey, policy: Policy, trees: dict[str, Any], *, debug: bool = False) -> CheckResult:
    meta = module.META
    ctx = Context(meta, journey, policy.options_for(meta), trees)
    try:
        items: list[Finding | Passed] = []
        if meta.scope == "stage":
            stages = _stages_for(meta, journey)
            if not stages:
                raise NotApplicable(_why_none(meta, journey))
            reasons = []
            for stage in stages:
                try:
                    items.extend(module.run(stage, ctx))
                except NotApplicable as exc:
                    reasons.append(f"{stage.stage}: {exc}")
            if not items and len(reasons) == len(stages):
                raise NotApplicable("; ".join(reasons))
        else:
            items = list(module.run(journey, ctx))
    except NotApplicable as exc:
        return CheckResult(meta.id, journey.id, "not_applicable", reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - isolate a broken check from the run
        if debug:
            raise
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return CheckResult(meta.id, journey.id, "error",
                           reason=f"{type(exc).__name__}: {exc} ({last.filename.rsplit('/', 1)[-1]}:{last.lineno})")
    findings = tuple(i for i in items if isinstance(i, Finding))
    passed = tuple(i for i in items if isinstance(i, Passed))
    return CheckResult(meta.id, journey.id, "failed" if findings else "passed", findings, passed)


def run_checks(journey: Journey, policy: Policy = DEFAULT_POLICY, *, checks: Iterable = None,
               debug: bool = False) -> tuple[CheckResult, ...]:
    trees: dict[str, Any] = {}  # each stage's DOM parsed once, shared by all checks
    modules = ALL_CHECKS if checks is None else tuple(checks)
    return tuple(run_check(m, journey, policy, trees, debug=debug) for m in modules if policy.enabled(m.META.id))
