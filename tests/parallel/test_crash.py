"""A browser that dies, or a worker process that dies, costs its journey (a step failure, exit 3),
never a hang or a lost job; the worker reopens its browser and a replacement worker takes the queue."""
from __future__ import annotations

import os
import re
import signal

import pytest

from auditor.run.pipeline import check_run
from auditor.run.plan import AuditOptions, plan_jobs
from auditor.run.workers import walk_parallel
from auditor.scenario.load import load_scenario

from .helpers import browser_main_pid, cmdline, descendants, mini_scenario, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_dead_browser_and_dead_worker_become_step_failures(slow_shop, tmp_path):
    names = ("victim browser", "victim worker", "bystander")
    scenarios = [load_scenario(mini_scenario(tmp_path, n), base_url=slow_shop.url) for n in names]
    jobs = plan_jobs(scenarios)
    pids: dict[str, int] = {}
    walking: dict[str, str] = {}
    lines: list[str] = []
    killed: list[int] = []

    def progress(line: str) -> None:
        # Runs in the parent between worker messages. The kill comes at the slow second step
        # (the server holds it for seconds), so it always lands while that job is being walked.
        lines.append(line)
        if m := re.match(r"\[(w\d+)\] started \(pid (\d+)", line):
            pids[m.group(1)] = int(m.group(2))
        if m := re.match(r"\[(w\d+)\] walking (.+) on desktop", line):
            walking[m.group(1)] = m.group(2)
        if (m := re.match(r"\[(w\d+)\] desktop\s+2/2\s+category", line)) and walking.get(m.group(1)) in names[:2]:
            worker = pids[m.group(1)]
            if walking[m.group(1)] == "victim browser":
                os.kill(browser_main_pid(worker), signal.SIGKILL)
            else:
                killed.extend([worker, *descendants(worker)])
                os.kill(worker, signal.SIGKILL)

    # One worker walks the jobs in order, so every path is taken deterministically: the browser
    # dies under job 1, is reopened for job 2, whose worker dies; a replacement walks job 3.
    journeys = walk_parallel(jobs, AuditOptions(workers=1, progress=progress), tmp_path / "run")

    assert [j.scenario for j in journeys] == list(names)
    browser_gone, worker_gone, bystander = journeys
    # The walker itself saw the browser die: what it captured before is kept.
    assert [s.kind for s in browser_gone.stages] == ["landing"]
    assert browser_gone.failures[0].stage == "category" and browser_gone.failures[0].kind != "crash"
    assert any("reopened" in line for line in lines if line.startswith("[w1]"))
    # The worker died with its captures: the parent records where it was.
    failure = worker_gone.failures[0]
    assert len(worker_gone.failures) == 1 and failure.kind == "crash" and failure.stage == "category"
    assert "killed by SIGKILL at step 2 (category)" in failure.message
    assert any(line.startswith("[w2] started") for line in lines)
    assert not bystander.failures and [s.kind for s in bystander.stages] == ["landing", "category"]

    run = check_run(journeys, AuditOptions(), "crash-test")
    assert run.gate.exit_code == 3
    assert any("victim worker" in r and "crash" in r for r in run.gate.reasons)
    # The killed worker's Playwright driver and browser go away with it (no orphans left running).
    assert wait_until(lambda: not [pid for pid in killed if _state(pid) != "Z"]), \
        [(pid, cmdline(pid)[:1]) for pid in killed if _state(pid) != "Z"]


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
