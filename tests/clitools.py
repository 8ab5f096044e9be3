"""Running ``auditor`` as users do, in a process of its own, for every test package.

Also: walking on a thread of its own, for tests that drive the pipeline in-process. pytest-playwright's
session browser keeps an event loop on the test thread, and Playwright's sync API refuses to start a
second one there.
"""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

AUDITOR = (sys.executable, "-m", "auditor.cli")


def run_cli(*args, timeout: float = 240, cwd: Path | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*AUDITOR, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env=env)


def start_cli(*args, cwd: Path | None = None, **popen) -> subprocess.Popen:
    return subprocess.Popen([*AUDITOR, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=cwd, **popen)


def only_run_dir(out: Path) -> Path:
    dirs = [d for d in Path(out).iterdir() if (d / "report.json").is_file()]
    assert len(dirs) == 1, dirs
    return dirs[0]


def walk_on_a_thread(scenario, opts, run_dir: Path, devices=(), timeout: float | None = None):
    """``run.pipeline.walk_jobs`` for one scenario (on ``devices``, default: its own), on a thread of its own."""
    from auditor.run.pipeline import walk_jobs
    from auditor.run.plan import plan_jobs

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(walk_jobs, plan_jobs([scenario], devices), opts, run_dir).result(timeout=timeout)
