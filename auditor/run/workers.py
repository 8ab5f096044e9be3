"""``--workers N``: walk the planned jobs in N spawned processes, one browser each.

    parent (this module)                          worker k  (spawned; ignores Ctrl-C)
      │ resolves the browser once, spawns N ───────▶ opens ONE browser (local or --connect)
      │ ◀─────────────────────── Started(pid, browser)
      │ WalkJob(i, job) ───────────────────────────▶ walk_journey() in a fresh context
      │ ◀──── Said(text), StepStarted(step, stage) … Walked(i, Journey as a dict)
      │ next job from the queue, or None (exit) ───▶
      └ watches every process: a worker that dies turns its job into a StepFailure at its last step

The messages are the dataclasses of events.py. Why processes and a pipe per worker: Playwright's
sync API must not cross a fork ("spawn" start method), and a private pipe has no shared lock that a killed worker could leave held — so a crash
costs one journey, never a hang. The parent hands out jobs as workers become free (dynamic, like a
queue) but returns journeys in plan order, so the report equals a serial run's apart from timings.
Journeys travel as ``model.to_dict`` dicts; screenshots are written by the workers straight into
the run directory (the walker names them per journey, so workers never collide).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Sequence

from ..errors import AuditorError, BrowserNotFound
from ..model import Journey, StepFailure, from_dict, to_dict
from ..walk.browser import ENV_VAR, resolve_browser
from ..walk.session import browser_session, ignored_signals
from ..walk.walker import WalkInterrupted, WalkOptions, walk_journey
from .events import Fatal, Said, Started, StepStarted, Walked, WalkJob, WorkerEvent
from .interrupt import RunInterrupted
from .plan import AuditOptions, Job, Progress

POLL_S = 1.0  # how often the parent looks at deadlines when no worker says anything
STOP_GRACE_S = 8.0  # after Ctrl-C: time a worker gets to close its browser before it is killed
DEADLINE_GRACE_S = 120.0  # on top of the scenario's own run time limit, before a silent worker is killed
# What a read from a worker's pipe raises when the worker died mid-message.
_CUT_OFF = (EOFError, OSError, pickle.UnpicklingError)


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs besides its jobs. Picklable: it crosses the spawn boundary."""

    run_dir: Path
    repeat: int
    throttle: str
    contended: bool
    browser_path: str | None
    connect: str | None
    debug: bool = False


# ---- worker side ---------------------------------------------------------------------------------


class _Stop(KeyboardInterrupt):
    """SIGTERM from the parent: unwind so the browser and Playwright close cleanly. A KeyboardInterrupt,
    so a walk in progress ends the way an interrupted serial walk does: with the journey so far."""


def _on_sigterm(signum, frame):  # noqa: ARG001
    # The walk is torn down mid-call from here on: an event that reaches a closing page's listener is
    # logged by Playwright as a traceback nobody can act on (seen once in 800 s of a loaded suite).
    logging.getLogger("playwright").setLevel(logging.CRITICAL)
    raise _Stop()


class _Browsers:
    """The worker's one browser, reopened when it has died (crashed, or the remote server dropped)."""

    def __init__(self, cfg: WorkerConfig, say=lambda text: None):
        self.cfg, self.say = cfg, say
        self.stack = ExitStack()
        self.browser = None
        self.opened = 0

    def get(self):
        if self.browser is not None and self.browser.is_connected():
            return self.browser
        self.stack.close()  # the dead browser's Playwright driver goes with it
        self.browser = None
        self.browser = self.stack.enter_context(browser_session(self.cfg.browser_path, self.cfg.connect))
        self.opened += 1
        if self.opened > 1:
            self.say("the browser had gone away: reopened it")
        return self.browser

    def close(self) -> None:
        self.stack.close()


def failed_journey(job: Job, kind: str, message: str, *, step: int = 0, stage: str | None = None) -> Journey:
    """A journey with no captures and one failure: what a job becomes when its walk was lost."""
    steps = job.scenario.steps
    if stage is None:
        stage = steps[step].name if 0 <= step < len(steps) else "(walk)"
    failure = StepFailure(step=step, stage=stage, action="", kind=kind, message=message)
    return Journey(scenario=job.scenario.name, scenario_path=job.scenario.path, device=job.device, stages=(),
                   failures=(failure,), started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   base_url=job.scenario.base_url)


def worker_main(wid: int, conn, cfg: WorkerConfig) -> None:
    """Entry point of a spawned worker: one browser, jobs from ``conn`` until None or EOF."""
    # Ctrl-C in a terminal signals its foreground process group. In a group of its own, with its
    # driver and browser, a worker hears it only from the parent, which stops workers in order:
    # a browser that got the SIGINT itself would die mid-walk and the worker would reopen it.
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    if not cfg.debug:  # a driver torn down mid-call makes asyncio log tracebacks nobody can act on
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    def send(event: WorkerEvent) -> None:
        conn.send(event)

    browsers = _Browsers(cfg, say=lambda text: send(Said(text)))
    try:
        with tempfile.TemporaryDirectory(prefix=f"auditor-state-w{wid}-") as state_dir:
            try:
                browsers.get()
            except Exception as exc:  # noqa: BLE001 - e.g. BrowserNotFound, or a broken Playwright install
                send(Fatal(str(exc) if isinstance(exc, AuditorError) else
                           f"the browser could not be started: {_first_line(exc)}"))
                return
            send(Started(os.getpid(), "remote browser" if cfg.connect else "browser"))
            wopts = WalkOptions(run_dir=cfg.run_dir, repeat=cfg.repeat, throttle=cfg.throttle,
                                contended=cfg.contended, state_dir=Path(state_dir),
                                progress=lambda text: send(Said(text)),
                                step_started=lambda step, stage: send(StepStarted(step, stage)))
            while (order := conn.recv()) is not None:
                walk: WalkJob = order
                try:
                    journey = _walk_one(browsers, walk.job, wopts)
                except WalkInterrupted as stopped:  # the parent was interrupted: what was captured goes to it
                    send(Walked(walk.index, to_dict(stopped.journey)))
                    break
                send(Walked(walk.index, to_dict(journey)))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass  # stopped by the parent, or the parent is gone
    finally:
        try:
            browsers.close()
        except BaseException:  # noqa: BLE001 - a browser that died while stopping is no news
            pass


def _walk_one(browsers: _Browsers, job: Job, wopts: WalkOptions) -> Journey:
    try:
        browser = browsers.get()
        wopts.progress(f"walking {job.scenario.name} on {job.device.name}")
        return walk_journey(browser, job.scenario, job.device, wopts)
    except AuditorError as exc:  # the browser could not be reopened
        return failed_journey(job, "browser", _first_line(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. the browser died between two steps
        return failed_journey(job, "browser", f"the browser failed: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


# ---- parent side ---------------------------------------------------------------------------------


@dataclass
class _Worker:
    wid: int
    proc: Any
    conn: Any
    job: int | None = None  # index into the plan of the job it is walking
    deadline: float = 0.0
    last_step: StepStarted | None = None
    replacement: bool = False


@dataclass
class _Pool:
    jobs: Sequence[Job]
    cfg: WorkerConfig
    progress: Progress | None
    workers: dict[int, _Worker] = field(default_factory=dict)
    results: dict[int, Journey] = field(default_factory=dict)
    pending: list[int] = field(default_factory=list)
    size: int = 1  # how many workers should be alive while jobs are waiting
    restarts_left: int = 0  # replacements are bounded: a browser that never opens must not loop
    next_wid: int = 1

    def __post_init__(self) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.pending = list(range(len(self.jobs)))
        self.restarts_left = len(self.jobs)

    def say(self, w: _Worker, text: str) -> None:
        if self.progress:
            self.progress(f"[w{w.wid}] {text}")

    def start_worker(self, replacement: bool = False) -> None:
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        wid, self.next_wid = self.next_wid, self.next_wid + 1
        proc = self.ctx.Process(target=worker_main, args=(wid, child_end, self.cfg), name=f"auditor-worker-{wid}",
                                daemon=True)
        with ignored_signals(signal.SIGINT):  # inherited: a Ctrl-C before the worker leaves the group is no traceback
            proc.start()
        child_end.close()  # so the parent sees EOF when the worker dies
        self.workers[wid] = _Worker(wid, proc, parent_end, replacement=replacement)

    def assign(self, w: _Worker) -> None:
        i = self.pending.pop(0) if self.pending else None
        w.job, w.last_step = i, None
        if i is not None:
            limits = self.jobs[i].scenario.limits
            w.deadline = time.monotonic() + limits.run_timeout_ms / 1000 * (self.cfg.repeat + 1) + DEADLINE_GRACE_S
        try:
            w.conn.send(None if i is None else WalkJob(i, self.jobs[i]))
        except OSError:  # it died right after its last message: the job waits for another worker
            if i is not None:
                self.pending.insert(0, i)
            w.job = None

    def handle(self, w: _Worker, event: WorkerEvent, *, alive: bool = True) -> None:
        match event:
            case Started():
                self.say(w, event.text())
                if alive:
                    self.assign(w)
            case Said(text):
                self.say(w, text.strip())
            case StepStarted():
                w.last_step = event
            case Walked(index, journey):
                self.results[index] = from_dict(Journey, journey)
                w.job = None
                if alive:
                    self.assign(w)
            case Fatal(message):
                if not w.replacement:  # the configured browser cannot be used at all: a usage error
                    raise BrowserNotFound(message)
                self.say(w, f"could not open a browser: {message.splitlines()[0]}")

    def lost(self, w: _Worker, why: str) -> None:
        """The worker is gone: its job becomes a failed journey; a replacement takes the queue."""
        while True:  # it may have finished its job just before it went away
            try:
                if not w.conn.poll():
                    break
                event = w.conn.recv()
            except _CUT_OFF:  # EOF, or a message cut off by the crash
                break
            self.handle(w, event, alive=False)
        del self.workers[w.wid]
        w.proc.join(timeout=5)
        if w.job is not None:
            job = self.jobs[w.job]
            at = w.last_step
            step, stage = (at.step, at.stage) if at else (0, None)
            where = f" at step {step + 1} ({stage})" if at else ""
            self.results[w.job] = failed_journey(
                job, "crash", f"the worker walking this journey {why}{where}; what it had captured is lost. "
                "Re-run to audit it (the other journeys are unaffected).", step=step, stage=stage)
            self.say(w, f"lost {job.scenario.name} on {job.device.name}: worker {why}")
        if self.pending and len(self.workers) < self.size and self.restarts_left > 0:
            self.restarts_left -= 1
            self.start_worker(replacement=True)

    def run(self, n: int) -> list[Journey]:
        self.size = n
        for _ in range(n):
            self.start_worker()
        while len(self.results) < len(self.jobs):
            if not self.workers:  # every replacement failed to open a browser
                for i in self.pending:
                    self.results[i] = failed_journey(self.jobs[i], "browser", "no worker could open a browser")
                break
            by_conn = {w.conn: w for w in self.workers.values()}
            by_sentinel = {w.proc.sentinel: w for w in self.workers.values()}
            for ready in wait(list(by_conn) + list(by_sentinel), timeout=POLL_S):
                w = by_conn.get(ready) or by_sentinel.get(ready)
                if w is None or w.wid not in self.workers:
                    continue
                if ready in by_conn:
                    try:
                        event = w.conn.recv()
                    except _CUT_OFF:  # EOF, or a message cut off by the crash
                        event = None
                    if event is not None:
                        self.handle(w, event)
                        continue
                w.proc.join(timeout=5)
                self.lost(w, _exit_text(w.proc.exitcode))
            now = time.monotonic()
            for w in list(self.workers.values()):
                if w.job is not None and now > w.deadline:
                    w.proc.kill()
                    w.proc.join(timeout=5)
                    self.lost(w, "stopped answering and was killed after its run time limit")
        return [self.results[i] for i in range(len(self.jobs))]

    def stop_walks(self) -> list[Journey]:
        """Interrupted: SIGTERM to every worker that is walking, whose walker then sends the journey so far;
        they get STOP_GRACE_S. Returns the journeys walked (complete or partial) in plan order; a job whose
        worker did not answer in time is a journey with no stages and a failure of kind ``interrupted``."""
        in_flight = {w.wid: w.job for w in self.workers.values() if w.job is not None}
        busy = [self.workers[wid] for wid in in_flight]
        for w in busy:
            w.proc.terminate()
        end = time.monotonic() + STOP_GRACE_S
        while any(w.job is not None for w in busy) and time.monotonic() < end:
            waiting = {w.conn: w for w in busy if w.job is not None}
            for ready in wait(list(waiting), timeout=max(0.05, end - time.monotonic())):
                w = waiting[ready]
                try:
                    event = w.conn.recv()
                except _CUT_OFF:  # it exited without a word: its captures are lost
                    w.job = None
                    continue
                if isinstance(event, Walked):
                    self.handle(w, event, alive=False)
        for i in in_flight.values():
            if i not in self.results:
                self.results[i] = failed_journey(self.jobs[i], "interrupted", "the run was interrupted and this "
                                                 "journey's worker stopped before it could report what it captured")
        return [self.results[i] for i in sorted(self.results)]

    def shutdown(self) -> None:
        """Stop every worker: ask, then terminate (browsers close), then kill what is left."""
        for w in self.workers.values():
            try:
                w.conn.send(None)
            except OSError:
                pass
            if w.proc.is_alive():
                w.proc.terminate()
        end = time.monotonic() + STOP_GRACE_S
        for w in self.workers.values():
            w.proc.join(timeout=max(0.1, end - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=5)
            w.conn.close()
        self.workers.clear()


def _exit_text(code: int | None) -> str:
    if code is None:
        return "vanished"
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def walk_parallel(jobs: Sequence[Job], opts: AuditOptions, run_dir: Path) -> list[Journey]:
    """Walk ``jobs`` in min(opts.workers, len(jobs)) processes; journeys come back in plan order."""
    n = max(1, min(opts.workers, len(jobs)))
    browser_path = opts.browser_path
    if not opts.connect and (opts.browser_path or os.environ.get(ENV_VAR)):
        # A given path is checked once, here. Otherwise each worker asks the driver it starts anyway
        # (asking from here would start one more, about a second); the first worker that finds no
        # browser raises the run's one BrowserNotFound (see _Pool.handle).
        browser_path = resolve_browser(opts.browser_path).executable
    cfg = WorkerConfig(run_dir=Path(run_dir).resolve(), repeat=opts.repeat, throttle=opts.throttle,
                       contended=n > 1, browser_path=browser_path, connect=opts.connect, debug=opts.debug)
    pool = _Pool(jobs, cfg, opts.progress)
    if opts.progress:
        opts.progress(f"walking {len(jobs)} journeys in {n} worker processes (timings marked as contended)")
    try:  # SIGINT and SIGTERM reach here as KeyboardInterrupt (run/interrupt.py installs the handlers)
        return pool.run(n)
    except KeyboardInterrupt:
        raise RunInterrupted(pool.stop_walks()) from None
    finally:
        pool.shutdown()
