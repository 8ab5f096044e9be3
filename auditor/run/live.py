"""The audit of a page that a test drives (the pytest plugin's ``ux_audit``), and of a scenario walked
in a browser that someone else launched (its scenario items): the pipeline's own steps on one journey.

    audit = PageAudit(page, name="test_checkout", path="tests/test_shop.py::test_checkout", device=…,
                      policy=…, report_dir=Path("test-results/…/ux-audit"))
    audit.capture("cart")             # walk/live.py: the page as it is now, masked
    audit.assert_no("surprise-fees")  # a check budget (gate/budgets.py), judged now
    failure = audit.gate()            # check_run + write_report; the failure message, or None

Checks and the verdict are check_run's, budgets gate/budgets.py's, the report report/'s.
"""
from __future__ import annotations

import difflib
import os
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from ..checks.registry import check_ids
from ..config.budgets import METRICS, Budget
from ..config.policy import Policy
from ..gate.budgets import evaluate
from ..gate.verdict import gate_findings
from ..model import SEVERITIES, STAGE_KINDS, AuditRun, Device, Finding, Journey, StageCapture, slug
from ..report import write_report
from ..scenario.types import Scenario
from ..walk.live import LivePage
from .pipeline import check_run, walk_in
from .plan import AuditOptions, Job

SHOWN_REASONS = 20  # gate reasons listed in a failure message; the report has them all


class PageAudit:
    """The stages captured of pages a test drives, and the audit of them: one journey named after the
    test. ``disabled`` (why): capture nothing and judge nothing (a browser other than Chromium)."""

    def __init__(self, page: Any, *, name: str, path: str, device: Device, policy: Policy, report_dir: Path,
                 first_party: tuple[str, ...] = (), disabled: str = ""):
        self.page, self.name, self.path, self.device = page, name, path, device
        self.policy, self.report_dir, self.first_party, self.disabled = policy, Path(report_dir), first_party, disabled
        self._pages: dict[int, LivePage] = {}
        self._stages: list[StageCapture] = []
        self._secrets: list[str] = []
        self._run: AuditRun | None = None
        self.run_id = slug(name)

    @property
    def stages(self) -> tuple[StageCapture, ...]:
        return tuple(self._stages)

    def capture(self, stage: str, *, kind: str | None = None, label: str = "",
                page: Any = None) -> StageCapture | None:
        """Capture ``page`` (default: the test's) as it is now, as stage ``stage``; ``kind`` (default:
        ``stage``) is what the checks know it as: landing, product, cart, checkout, payment, review…
        A stage captured again gets a numbered id (``cart-2``). None when auditing is off (not Chromium)."""
        kind = kind or stage
        if slug(kind) != kind:
            raise ValueError(f"capture: stage kind {kind!r} must use a-z, 0-9, - and _ "
                             f"(built-in kinds: {', '.join(STAGE_KINDS)})")
        if self.disabled:
            return None
        taken = {s.stage for s in self._stages}
        stage_id = next(s for n in range(1, len(taken) + 2) if (s := stage if n == 1 else f"{stage}-{n}") not in taken)
        cap = self._live(page or self.page).capture(stage_id, kind=kind, index=len(self._stages), label=label)
        self._stages.append(cap)
        self._run = None
        return cap

    def secret(self, value: str) -> None:
        """Mask ``value`` wherever a later capture finds it (text, DOM, URLs, screenshots)."""
        self._secrets.append(value)
        for live in self._pages.values():
            live.mask.add(value)

    def _live(self, page: Any) -> LivePage:
        if id(page) not in self._pages:
            self._pages[id(page)] = LivePage(page, device=self.device.name, run_dir=self.report_dir,
                                             secrets=self._secrets, first_party=self.first_party)
        return self._pages[id(page)]

    def journey(self) -> Journey:
        return Journey(scenario=self.name, scenario_path=self.path, device=self.device, stages=self.stages)

    def run(self) -> AuditRun:
        """The checks and the verdict over the stages captured so far."""
        if self._run is None:
            self._run = judge([self.journey()], self.policy, self.run_id, {"test": self.path})
        return self._run

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.run().findings

    def assert_no(self, check: str, *, severity: str = "info") -> None:
        """Fail unless check ``check`` (an id such as ``surprise-fees``) ran over the stages captured so
        far and found nothing at or above ``severity``. A check that could not judge them (no stage of
        its kinds, disabled by the policy, errored) fails too: it cannot vouch for the page."""
        __tracebackhide__ = True
        check_id = _known(check.strip().lower().replace("_", "-"), check_ids(), "check")
        _known(severity, SEVERITIES, "severity")
        self._assert(Budget(check=check_id, max_findings=0, severity=severity, name=f"no {check_id} findings"
                            + (f" at {severity} or worse" if severity != "info" else ""), **_caller()))

    def assert_budget(self, *, device: str = "", stages: Iterable[str] = (), **limits: float) -> None:
        """Fail when a metric is over its limit: ``assert_budget(checkout_fields=12, lcp_ms=2500)``,
        judged as a policy budget is (gate/budgets.py: timings on a single load get the tolerance;
        a metric nothing measured fails)."""
        __tracebackhide__ = True
        if not limits:
            raise ValueError("ux_audit.assert_budget: give at least one limit, e.g. checkout_fields=12")
        where = _caller()
        self._assert(*(Budget(metric=_known(m, tuple(METRICS), "metric"), max=float(v), device=device,
                              stages=tuple(stages), **where) for m, v in limits.items()))

    def _assert(self, *budgets: Budget) -> None:
        __tracebackhide__ = True
        if self.disabled:
            return
        if not self._stages:
            raise AssertionError("ux_audit: nothing captured yet; call ux_audit.capture(stage) first")
        broken = [o.text for o in evaluate(self.run(), replace(self.policy, budgets=budgets))
                  if o.status in ("failed", "not-evaluated")]
        if broken:
            raise AssertionError("\n".join(broken))

    def write(self) -> str:
        """Write the report; "report: <its index.html>"."""
        return _written(self.run(), self.report_dir)

    def gate(self) -> str | None:
        """After the test: write the report; the failure message if the gate failed, else None."""
        return _verdict(self.run(), self.policy, self.report_dir)


def _known(name: str, known: Iterable[str], what: str) -> str:
    choices = tuple(known)
    if name in choices:
        return name
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ValueError(f"unknown {what} {name!r}; {hint}known: {', '.join(choices)}")


def _caller() -> dict[str, Any]:
    """Where a test called an assert_ helper: the budget's "where" in its messages."""
    frame = sys._getframe(2)
    return {"path": shown(Path(frame.f_code.co_filename)), "line": frame.f_lineno}


def shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


def judge(journeys: list[Journey], policy: Policy, run_id: str, options: dict[str, Any]) -> AuditRun:
    return check_run(journeys, AuditOptions(policy=policy), run_id, options={"policy": policy.path or "(defaults)",
                                                                            "fail_on": policy.fail_on, **options})


def failure_message(run: AuditRun, policy: Policy, where: str) -> str:
    """The failure message: each reason the gate gave (every finding at or above fail_on, a failed
    step, a broken budget), which checks found them, and where the report is."""
    reasons = run.gate.reasons if run.gate else ()
    listed = [f"  {r}" for r in reasons[:SHOWN_REASONS]]
    if len(reasons) > SHOWN_REASONS:
        listed.append(f"  … and {len(reasons) - SHOWN_REASONS} more in the report")
    by_check = Counter(f.check for f in gate_findings(run, policy.fail_on))
    lines = [f"auditor: the UX gate failed (fail_on: {policy.fail_on}, policy: {policy.path or 'defaults'}):", *listed]
    if by_check:
        lines.append("findings by check: " + ", ".join(f"{c} ×{n}" for c, n in by_check.items()))
    return "\n".join(lines + [where])


def _written(run: AuditRun, run_dir: Path) -> str:
    return f"report: {shown(write_report(run, run_dir).index_html)}"


def _verdict(run: AuditRun, policy: Policy, run_dir: Path) -> str | None:
    """Write the report; the failure message when the gate failed, else None."""
    where = _written(run, run_dir)
    return None if run.gate is None or run.gate.passed else failure_message(run, policy, where)


def walk_and_judge(scenario: Scenario, device: Device, browser: Any, policy: Policy, run_dir: Path) -> str | None:
    """Walk ``scenario`` on ``device`` in ``browser`` (the pipeline's walk_in), check, judge and write
    the report to ``run_dir``; the failure message, or None when the gate passed."""
    journeys = walk_in(browser, [Job(scenario, device)], AuditOptions(policy=policy), run_dir)
    return _verdict(judge(journeys, policy, slug(f"{scenario.name}-{device.name}"), {"scenario": scenario.path}),
                    policy, run_dir)
