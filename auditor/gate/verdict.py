"""Findings + policy (+ baseline, + history) → the gate verdict and the process exit code.

Precedence: a journey that could not be walked (exit 3) outranks friction (exit 1): a gate must
never pass a release because the checkout page failed to load. Everything else that fails the gate
is exit 1, each with a reason:

- a finding at or above ``fail_on`` (with a baseline: only findings not in it),
- a check that crashed (it could not vouch for its part of the page),
- a broken budget (gate/budgets.py),
- with ``fail_on_regression``: a timing regression judged on a median, or a finding the last run did
  not have, at or above ``fail_on`` (gate/regress.py).

What was looked at and did not fail (a timing over a budget but within the tolerance, a regression
flagged on a single load) goes to ``notes``/``regressions``: shown, never silent, never flapping.
"""
from __future__ import annotations

from dataclasses import replace

from ..config.policy import Policy
from ..errors import EXIT_GATE_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNREACHABLE
from ..model import AuditRun, GateResult, severity_rank
from . import budgets as _budgets
from .regress import finding_regressions, timing_regressions


def gate_findings(run: AuditRun, fail_on: str, only=None):
    """Findings at or above ``fail_on``; with ``only`` (fingerprints), just those."""
    if fail_on == "never":
        return []
    floor = severity_rank(fail_on)
    return [f for f in run.findings if severity_rank(f.severity) >= floor and (only is None or f.fingerprint() in only)]


def decide(run: AuditRun, policy: Policy, *, baseline=None, past=None) -> GateResult:
    """``baseline``: a gate.baseline.Baseline; ``past``: a gate.history.Past (earlier runs)."""
    reasons: list[str] = []
    notes: list[str] = []
    stopped = interrupted_reason(run)
    reasons += stopped
    failed_walks = [j for j in run.journeys if j.failures]
    for j in failed_walks:
        f = j.failure
        reasons.append(f"{j.scenario} [{j.device.name}]: step {f.step + 1} ({f.stage}) failed: {f.kind}: {f.message}")

    new = fixed = unchanged = ()
    if baseline is not None:
        new, fixed, unchanged = baseline.compare(run)
        if unchanged:
            notes.append(f"{len(unchanged)} finding(s) accepted by the baseline {baseline.path}")
    blocking = gate_findings(run, policy.fail_on, set(new) if baseline is not None else None)
    for f in blocking:
        reasons.append(f"{f.severity}: {f.title} — {f.stage} [{f.device}]" + (" (new)" if baseline is not None else ""))
    errors = [r for r in run.results if r.outcome == "error"]
    for r in errors:
        reasons.append(f"check {r.check} errored on {r.journey}: {r.reason}")

    outcomes = _budgets.evaluate(run, policy)
    broken = [o for o in outcomes if o.status == "failed"]
    reasons += [o.text for o in broken]
    notes += [o.text for o in outcomes if o.status in ("warned", "not-evaluated")]

    regressions = []
    if baseline is not None:
        regressions += timing_regressions(run, baseline.reference(), policy)
    if past is not None:
        regressions += timing_regressions(run, past.reference, policy)
        accepted = set(unchanged)
        regressions += [r for r in finding_regressions(run, past.last_seen, policy) if r.fingerprint not in accepted]
    listed = {f.fingerprint() for f in blocking}
    gating = [r for r in regressions if r.gating and policy.fail_on_regression]
    reasons += [f"regression: {r.text}" for r in gating if r.fingerprint not in listed]
    if regressions and not policy.fail_on_regression:
        notes.append(f"{len(regressions)} regression(s) flagged; fail_on_regression is off")

    failing = bool(blocking or broken or gating or (errors and policy.fail_on != "never"))
    # interrupted > could not be walked > friction > passed
    code = next(c for c, on in ((EXIT_INTERRUPTED, stopped), (EXIT_UNREACHABLE, failed_walks),
                                (EXIT_GATE_FAILED, failing), (EXIT_OK, True)) if on)
    return GateResult(passed=code == EXIT_OK, exit_code=code, fail_on=policy.fail_on, reasons=tuple(reasons),
                      new=tuple(new), fixed=tuple(fixed), unchanged=tuple(unchanged),
                      regressions=tuple(dict.fromkeys(r.text for r in regressions)),
                      budgets=tuple(o.to_json() for o in outcomes), notes=tuple(notes))


def interrupted_reason(run: AuditRun) -> list[str]:
    """A run stopped by SIGINT/SIGTERM (run/interrupt.py) is exit 130 whatever its captures show."""
    stopped = run.options.get("interrupted")
    if not stopped:
        return []
    return [f"interrupted by {stopped['signal']}: {stopped['walked']} of {stopped['planned']} journey(s) walked, "
            f"{stopped['partial']} of them cut short; this verdict covers what was captured"]


def regate(run: AuditRun, policy: Policy, **kw) -> AuditRun:
    return replace(run, gate=decide(run, policy, **kw))
