"""The pipeline in one place: scenarios → walk → checks → gate → report files.

    plan_jobs()   Scenario × Device → ordered jobs (the unit of sharding and of workers; plan.py)
    walk_jobs()   jobs → Journeys (browser work; serial here, processes in workers.py); walk_in() in a given browser
    check_run()   Journeys → CheckResults → AuditRun with its gate verdict
    write()       AuditRun → reports/<run-id>/
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from .. import __version__
from ..gate.pipeline import record_and_compare
from ..gate.verdict import decide
from ..model import AuditRun, Journey
from ..scenario.types import Scenario
from .interrupt import RunInterrupted, interrupted_options, signals
from .phases import phase
from .plan import AuditOptions, Job, new_run_id, plan_jobs
from .shard import key_of, take_shard


def walk_jobs(jobs: Sequence[Job], opts: AuditOptions, run_dir: Path, *, contended: bool = False) -> list[Journey]:
    from ..walk.session import browser_session
    from ..walk.walker import WalkInterrupted

    journeys: list[Journey] = []
    try:  # SIGINT and SIGTERM reach here as KeyboardInterrupt (run/interrupt.py installs the handlers)
        with browser_session(opts.browser_path, opts.connect) as browser:
            walk_in(browser, jobs, opts, run_dir, contended=contended, into=journeys)
    except WalkInterrupted as stopped:  # the journey so far, then the browser was closed on the way out
        raise RunInterrupted([*journeys, stopped.journey]) from None
    except KeyboardInterrupt:  # between journeys, or while a browser started or signed in
        raise RunInterrupted(journeys) from None
    return journeys


def walk_in(browser: Any, jobs: Sequence[Job], opts: AuditOptions, run_dir: Path, *, contended: bool = False,
            into: list[Journey] | None = None) -> list[Journey]:
    """The jobs walked one after the other in ``browser``: walk_jobs' own, or one that someone else
    launched (the pytest plugin walks in pytest-playwright's). ``into``: the list each journey is
    appended to once walked, so that an interrupted run still has the ones before."""
    from ..walk.walker import WalkOptions, walk_journey

    journeys = [] if into is None else into
    with tempfile.TemporaryDirectory(prefix="auditor-state-") as state_dir:
        wopts = WalkOptions(run_dir=run_dir, repeat=opts.repeat, throttle=opts.throttle, contended=contended,
                            progress=opts.progress, state_dir=Path(state_dir))
        for job in jobs:
            if opts.progress:
                opts.progress(f"walking {job.scenario.name} on {job.device.name}")
            with phase("walk"):  # capture and tab set-up inside it are timed as phases of their own
                journeys.append(walk_journey(browser, job.scenario, job.device, wopts))
    return journeys


def check_run(journeys: Sequence[Journey], opts: AuditOptions, run_id: str, *, options: dict[str, Any] | None = None,
              judge: bool = True) -> AuditRun:
    """The checks over the journeys, and (``judge``) the gate's verdict. One shard of a sharded run is
    not judged: its merge is."""
    from ..checks.runner import run_checks  # here, not on top: warmed up while the browser starts

    results = []
    with phase("checks"):
        for j in journeys:
            results.extend(run_checks(j, opts.policy, debug=opts.debug))
    run = AuditRun(run_id=run_id, created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   journeys=tuple(journeys), results=tuple(results), options=options or {},
                   tool_version=__version__)
    return replace(run, gate=decide(run, opts.policy)) if judge else run


def run_options(opts: AuditOptions, scenarios: Sequence[Scenario]) -> dict[str, Any]:
    return {"repeat": opts.repeat, "throttle": opts.throttle, "workers": opts.workers,
            "policy": opts.policy.path or "(defaults)", "fail_on": opts.policy.fail_on,
            "scenarios": [{"name": s.name, "path": s.path, "base_url": s.base_url} for s in scenarios],
            "python": sys.version.split()[0], "cpus": os.cpu_count(), **opts.extra}


def _warm_up() -> None:
    """Import what runs after the walk (report, Pillow, Jinja2 and its templates, history) on a
    thread while the browser starts: the walk waits on Chromium, so the ~0.15 s is off the
    critical path. Imports are thread-safe; a failure here surfaces again where it matters."""
    def work() -> None:
        try:
            from ..checks import runner  # noqa: F401 - every check module and its word lists
            from ..report.html import environment
            env = environment()
            for name in env.list_templates():
                env.get_template(name)
        except Exception:  # noqa: BLE001 - the real import later reports it properly
            pass
    threading.Thread(target=work, name="auditor-warm-up", daemon=True).start()


def audit(scenarios: Sequence[Scenario], opts: AuditOptions) -> tuple[AuditRun, Path]:
    """Walk, check, gate and write the report. Returns the run and its directory."""
    from ..report import write_report

    jobs = plan_jobs(scenarios, opts.devices)  # refuses a plan whose journeys would share files: before any
    cut: dict[str, Any] = {}                    # directory is made
    if opts.shard:
        jobs, cut = take_shard(jobs, opts.shard)
    run_id = opts.run_id or new_run_id(opts.label or (scenarios[0].name if len(scenarios) == 1 else "audit"))
    run_dir = Path(opts.out_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    _warm_up()
    with signals() as sig:
        stopped: dict[str, Any] = {}
        try:
            if opts.workers > 1 and len(jobs) > 1:
                from .workers import walk_parallel
                journeys = walk_parallel(jobs, opts, run_dir)
            else:
                journeys = walk_jobs(jobs, opts, run_dir)
        except RunInterrupted as exc:  # report what was captured, marked: its verdict is exit 130
            journeys, stopped = exc.journeys, interrupted_options(sig, [key_of(j) for j in jobs], exc.journeys)
        sig.walking = False
        walk_s = time.monotonic() - t0
        options = run_options(opts, scenarios) | {"walk_seconds": round(walk_s, 2)} | cut | stopped
        run = check_run(journeys, opts, run_id, options=options, judge=not opts.shard)
        with phase("gate"):  # baseline, history, retention, notify
            run, trends = record_and_compare(run, run_dir, opts.policy, opts.gate, opts.progress)
        with phase("report"):  # annotation inside it is a phase of its own
            write_report(run, run_dir, trends=trends)
    return run, run_dir
