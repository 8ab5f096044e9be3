"""The gate layer's one seam in the pipeline: after the checks, before the report.

    run = check_run(…)                           # findings, plain verdict (policy + budgets)
    run, trends = record_and_compare(run, run_dir, policy, gate, progress)
                                                 # + baseline, + history, record, prune, notify
    write_report(run, run_dir, trends=trends)
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from ..config.policy import Policy
from ..model import AuditRun
from .baseline import load_baseline
from .history import History
from .notify import notify_run
from .verdict import regate


@dataclass(frozen=True)
class GateOptions:
    baseline: Path | None = None  # gate only on what is not in this baseline file
    history: Path | None = None  # the SQLite run history; None: no history
    keep_runs: int | None = None  # overrides the policy's retention.keep_runs
    notify: str | None = None  # webhook URL; overrides the policy's notify.url
    secrets: frozenset[str] = frozenset()  # values the scenarios marked secret: never in a notification
    trend_runs: int = 20


def record_and_compare(run: AuditRun, run_dir: Path, policy: Policy, g: GateOptions | None,
                       progress: Callable[[str], None] | None = None) -> tuple[AuditRun, list[dict[str, Any]] | None]:
    """Judge ``run`` against the baseline and the history, record it, prune old report directories
    and notify, under the run's ``policy``. No gate options, or a run without a verdict (one shard
    of a sharded run), leave it alone: its merge is judged."""
    if g is None or run.gate is None:
        return run, None
    if g.keep_runs is not None:
        policy = replace(policy, retention=replace(policy.retention, keep_runs=g.keep_runs))
    if g.notify:
        policy = replace(policy, notify=replace(policy.notify, url=g.notify))
    say = progress or (lambda text: None)
    baseline = None
    if g.baseline is not None:
        baseline = load_baseline(g.baseline)
    trends = None
    if g.history is None:
        if baseline is not None:  # without one, check_run's verdict stands as it is
            run = regate(run, policy, baseline=baseline)
    else:
        with History(g.history) as h:
            run = regate(run, policy, baseline=baseline, past=h.past(run, policy))
            trends = h.trends(run, g.trend_runs)
            h.record(run, run_dir, baseline=str(g.baseline or ""))
            pruned = h.prune(policy.retention, run)
        say(f"history: recorded {run.run_id} in {g.history}"
            + (f"; pruned {len(pruned)} old report director{'y' if len(pruned) == 1 else 'ies'}" if pruned else ""))
    if notify_run(run, run_dir, policy.notify, g.secrets):
        say("notification sent")
    return run, trends
