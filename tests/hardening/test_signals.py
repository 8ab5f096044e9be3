"""SIGINT and SIGTERM during a run (issue 18.8): the report of what was captured is written, marked interrupted,
recorded in the history, and the run exits 130 — with workers and without. (Before: a serial run died of
SIGTERM with 143 and no word, a run with workers exited 130 "interrupted"; neither wrote anything.)

Each run walks three scenarios whose second step waits on a page that never answers; the signal comes once
the walks are there. A terminal's Ctrl-C signals the whole process group (driver and browsers too), a
cancelled CI job sends SIGTERM to auditor alone: both are tested.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from parallel.helpers import session_processes, wait_until

from auditor.errors import EXIT_INTERRUPTED
from auditor.run.interrupt import Signals

from .clirun import scenario_text

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]

STEPS = """
- stage: landing
  actions:
    - goto: /page/{name}
- stage: product
  actions:
    - goto: /hang
"""


def interrupted_run(tmp_path: Path, fault, how: str, *extra: str) -> tuple[subprocess.CompletedProcess, Path]:
    files = []
    for name in ("one", "two", "three"):
        text = scenario_text(name, fault.url, STEPS.format(name=name), limits="{step_timeout_ms: 60000}")
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        files.append(f"{name}.yaml")
    workers = int(extra[extra.index("--workers") + 1]) if "--workers" in extra else 1
    proc = subprocess.Popen([sys.executable, "-m", "auditor.cli", "run", *files, "--out", "reports", *extra],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own session, like a terminal's foreground job
    try:
        seen: list[str] = []
        for line in proc.stderr:  # wait until every worker's walk waits on the hanging page
            seen.append(line)
            if sum("2/2  product" in s for s in seen) == workers:
                break
        assert proc.poll() is None, "".join(seen)
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert wait_until(lambda: not session_processes(proc.pid)), session_processes(proc.pid)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, "".join(seen) + err), tmp_path / "reports"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("how", "extra"), [("sigterm", ()), ("ctrl-c", ()), ("sigterm", ("--workers", "2")),
                                            ("ctrl-c", ("--workers", "2"))])
def test_a_signal_reports_what_was_captured_and_exits_130(tmp_path, fault, how, extra):
    res, out = interrupted_run(tmp_path, fault, how, *extra)
    name = "SIGINT" if how == "ctrl-c" else "SIGTERM"
    assert res.returncode == EXIT_INTERRUPTED, res.stderr
    assert f"interrupted by {name}" in res.stderr and "the report of what was captured" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    (run_dir,) = [p.parent for p in out.glob("*/report.json")]
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    stopped = report["run"]["options"]["interrupted"]
    walked = 2 if extra else 1
    assert (stopped["signal"], stopped["planned"], stopped["walked"], stopped["partial"]) == (name, 3, walked, walked)
    assert len(stopped["not_walked"]) == 3 - walked
    assert report["gate"]["exit_code"] == EXIT_INTERRUPTED and not report["gate"]["passed"]
    assert report["gate"]["reasons"][0].startswith(f"interrupted by {name}")
    for journey in report["journeys"]:  # the landing page was captured; the hanging step is marked
        assert [s["stage"] for s in journey["stages"]] == ["landing"]
        assert (run_dir / journey["stages"][0]["screenshot"]).is_file()
        assert [(f["stage"], f["kind"]) for f in journey["failures"]] == [("product", "interrupted")]
    assert (run_dir / "index.html").is_file() and (run_dir / "summary.md").is_file()
    with sqlite3.connect(out / "history.sqlite") as con:
        assert con.execute("SELECT exit_code, verdict FROM runs").fetchall() == [(130, "interrupted")]


@pytest.mark.browser
@pytest.mark.slow
def test_an_interrupted_shard_exits_130(tmp_path, fault):
    """A shard exits 0 whatever it found, so its CI siblings go on; a shard that was stopped says so."""
    res, out = interrupted_run(tmp_path, fault, "sigterm", "--shard", "1/1")
    assert res.returncode == EXIT_INTERRUPTED, res.stderr
    (report,) = out.glob("*/report.json")
    assert json.loads(report.read_text(encoding="utf-8"))["run"]["options"]["interrupted"]["walked"] == 1
    merged = subprocess.run([sys.executable, "-m", "auditor.cli", "merge", str(report.parent), "--out", "merged"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert merged.returncode == 2 and "was interrupted by SIGTERM and is incomplete" in merged.stderr, merged.stderr


def test_after_the_walk_a_first_signal_waits_for_the_report_and_a_second_stops_at_once():
    said: list[str] = []
    state = Signals(say=said.append)
    with pytest.raises(KeyboardInterrupt):
        state.handle(signal.SIGTERM, None)  # during the walk: stop it
    state.walking = False
    with pytest.raises(KeyboardInterrupt):
        state.handle(signal.SIGINT, None)  # a second one, after it: stop everything
    later = Signals(say=said.append, walking=False)
    later.handle(signal.SIGTERM, None)  # the walk was over: the report is finished first
    assert later.first == "SIGTERM" and "finishing its report" in said[-1]
    with pytest.raises(KeyboardInterrupt):
        later.handle(signal.SIGTERM, None)
