"""Findings + policy → the gate verdict and the process exit code.

Precedence: a journey that could not be walked (exit 3) outranks friction (exit 1): a gate must
never pass a release because the checkout page failed to load.
"""
from __future__ import annotations

from ..errors import EXIT_GATE_FAILED, EXIT_OK, EXIT_UNREACHABLE
from ..model import AuditRun, GateResult, severity_rank
from ..policy import Policy


def gate_findings(run: AuditRun, fail_on: str):
    if fail_on == "never":
        return []
    floor = severity_rank(fail_on)
    return [f for f in run.findings if severity_rank(f.severity) >= floor]


def decide(run: AuditRun, policy: Policy) -> GateResult:
    reasons: list[str] = []
    failed_walks = [j for j in run.journeys if j.failures]
    for j in failed_walks:
        f = j.failure
        reasons.append(f"{j.scenario} [{j.device.name}]: step {f.step + 1} ({f.stage}) failed: {f.kind}: {f.message}")
    blocking = gate_findings(run, policy.fail_on)
    for f in blocking:
        reasons.append(f"{f.severity}: {f.title} — {f.stage} [{f.device}]")
    errors = [r for r in run.results if r.outcome == "error"]
    for r in errors:
        reasons.append(f"check {r.check} errored on {r.journey}: {r.reason}")
    if failed_walks:
        code = EXIT_UNREACHABLE
    elif blocking or (errors and policy.fail_on != "never"):
        # A check that crashed could not vouch for its part of the page: fail safe, say why.
        code = EXIT_GATE_FAILED
    else:
        code = EXIT_OK
    return GateResult(passed=code == EXIT_OK, exit_code=code, fail_on=policy.fail_on, reasons=tuple(reasons))
