"""Helpers for the workers / shards / merge / remote-browser tests.

The CLI runs in subprocesses (as CI runs it, and because pytest-playwright may hold a sync
Playwright in this process, which a second one cannot nest in). Findings derived from timings
(slow-load) are left out of every comparison: their values legitimately vary between runs.
"""
from __future__ import annotations

import dataclasses
import os
import re
import time
from pathlib import Path

from auditor.demo import PROFILES, SCENARIO
from auditor.report import load_report
from clitools import only_run_dir, run_cli, start_cli  # noqa: F401 - this package's helpers

DEMO_SCENARIO = SCENARIO
TIMING_CHECKS = {"slow-load"}
# Every friction except the server delays: the same findings, and a walk that takes half the time.
FRICTION_NO_DELAY = dataclasses.replace(PROFILES["friction"], slow={})

# Two steps, the second slow on the slow shop: long enough that a kill always lands mid-walk.
MINI_SCENARIO = """\
name: {name}
base_url: http://127.0.0.1:9
devices: [desktop]
steps:
  - stage: landing
    actions:
      - goto: /
  - stage: category
    actions:
      - click: "nav.main-nav a[href='/c/coffee-gear']"
"""
SLOW_CATEGORY_MS = 3000




def comparable(run_dir: Path):
    """What must not depend on how the journeys were walked: journeys in plan order with their
    stages, and every finding that is not a timing (identity, severity, evidence selectors)."""
    run = load_report(run_dir)
    journeys = [(j.scenario, j.device.name, tuple((s.stage, s.kind, s.label) for s in j.stages),
                 tuple((f.stage, f.kind) for f in j.failures), j.stopped) for j in run.journeys]
    findings = sorted((f.fingerprint(), f.check, f.severity, f.stage, f.device, f.title,
                       tuple(e.selector or "" for e in f.evidence))
                      for f in run.findings if f.check not in TIMING_CHECKS)
    outcomes = sorted((r.check, r.journey, r.outcome) for r in run.results if r.check not in TIMING_CHECKS)
    return journeys, findings, outcomes


def mini_scenario(folder: Path, name: str) -> Path:
    path = folder / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.yaml"
    path.write_text(MINI_SCENARIO.format(name=name), encoding="utf-8")
    return path


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc; the test machine is Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def browser_main_pid(worker_pid: int, timeout: float = 10) -> int:
    """The Chromium browser process (not a renderer or zygote) a worker drives."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for pid in descendants(worker_pid):
            argv = cmdline(pid)
            if argv and "chrom" in Path(argv[0]).name and not any(a.startswith("--type=") for a in argv):
                return pid
        time.sleep(0.1)
    raise AssertionError(f"no browser process below worker {worker_pid}")


def session_processes(sid: int) -> list[int]:
    """Processes still alive in session ``sid`` (zombies excluded)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(entry))
    return alive


def wait_until(condition, timeout: float = 15, every: float = 0.1) -> bool:
    """Poll ``condition`` until it holds; processes take a moment to go away after a kill."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())
