"""The parent's side of the worker protocol, without a browser: typed events in, journeys and printed
lines out; a lost worker's journey says the step its last StepStarted named."""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from auditor.errors import BrowserNotFound
from auditor.model import Device, Journey, to_dict
from auditor.run.events import Fatal, Said, Started, StepStarted, Walked, WalkJob
from auditor.run.plan import Job
from auditor.run.workers import WorkerConfig, _Pool, _Worker
from auditor.scenario.load import load_scenario_text

SCENARIO = """
name: events
base_url: http://127.0.0.1:1
devices: [desktop]
steps:
  - stage: landing
    actions: [{goto: /}]
  - stage: checkout
    name: shipping-address
    actions: [{goto: /checkout}]
"""


@dataclass
class FakeConn:
    """The parent's end of a worker's pipe: what the parent sent, and what is left to read."""

    inbox: list = field(default_factory=list)
    sent: list = field(default_factory=list)

    def send(self, obj) -> None:
        self.sent.append(obj)

    def poll(self) -> bool:
        return bool(self.inbox)

    def recv(self):
        if not self.inbox:
            raise EOFError
        return self.inbox.pop(0)


class FakeProc:
    def join(self, timeout=None) -> None:
        pass


@pytest.fixture
def pool(tmp_path: Path):
    scenario = load_scenario_text(SCENARIO)
    jobs = [Job(scenario, Device("desktop", 1280, 800))] * 2
    lines: list[str] = []
    cfg = WorkerConfig(run_dir=tmp_path, repeat=1, throttle="none", contended=True, browser_path=None, connect=None)
    p = _Pool(jobs, cfg, lines.append, size=0)  # size 0: a lost worker is not replaced (no process here)
    p.lines = lines
    return p


def worker(pool: _Pool, wid: int = 1, *, replacement: bool = False) -> _Worker:
    w = _Worker(wid, FakeProc(), FakeConn(), replacement=replacement)
    pool.workers[wid] = w
    return w


def test_events_cross_a_process_boundary_as_they_are():
    scenario = load_scenario_text(SCENARIO)
    events = [WalkJob(0, Job(scenario, scenario.devices[0])), Started(42, "browser"), Said("  desktop  1/2  landing"),
              StepStarted(1, "shipping-address"), Walked(0, {"scenario": "events"}), Fatal("no browser")]
    assert [pickle.loads(pickle.dumps(e)) for e in events] == events


def test_events_are_printed_and_results_kept_in_plan_order(pool):
    w = worker(pool)
    pool.handle(w, Started(4242, "remote browser"))
    assert w.job == 0 and w.conn.sent == [WalkJob(0, pool.jobs[0])]
    pool.handle(w, Said("  desktop  1/2  landing\n"))
    pool.handle(w, StepStarted(0, "landing"))
    journey = Journey(scenario="events", scenario_path="", device=pool.jobs[0].device, stages=())
    pool.handle(w, Walked(0, to_dict(journey)))
    assert pool.results[0] == journey and w.job == 1 and w.conn.sent[-1] == WalkJob(1, pool.jobs[1])
    assert w.last_step is None  # a new job starts before its first step
    assert pool.lines == ["[w1] started (pid 4242, one remote browser)", "[w1] desktop  1/2  landing"]


def test_a_lost_worker_reports_the_step_it_was_walking(pool):
    """Read from the StepStarted events, not from the text the walker prints."""
    w = worker(pool)
    pool.handle(w, Started(1, "browser"))
    w.conn.inbox += [StepStarted(0, "landing"), Said("  desktop  2/2  shipping-address"),
                     StepStarted(1, "shipping-address")]
    pool.lost(w, "was killed by SIGKILL")
    (failure,) = pool.results[0].failures
    assert (failure.kind, failure.step, failure.stage) == ("crash", 1, "shipping-address")
    assert "was killed by SIGKILL at step 2 (shipping-address); what it had captured is lost" in failure.message
    assert pool.lines[-1] == "[w1] lost events on desktop: worker was killed by SIGKILL"


def test_a_worker_lost_before_any_step_names_no_step(pool):
    w = worker(pool)
    pool.handle(w, Started(1, "browser"))
    pool.lost(w, "exited with code 1")
    (failure,) = pool.results[0].failures
    assert (failure.step, failure.stage) == (0, "landing") and " at step" not in failure.message


def test_a_browser_that_cannot_open_is_a_usage_error_unless_a_replacement_says_it(pool):
    with pytest.raises(BrowserNotFound, match="no chromium here"):
        pool.handle(worker(pool, 1), Fatal("no chromium here\nmore"))
    pool.handle(worker(pool, 2, replacement=True), Fatal("no chromium here\nmore"))
    assert pool.lines == ["[w2] could not open a browser: no chromium here"]
