"""--workers 2 over 4 jobs (2 scenarios × 2 devices) against the friction shop: the same report as a
serial run apart from timings, with the timings marked as measured under contention."""
from __future__ import annotations

import re
import time

import pytest

from auditor.report import load_report

from .helpers import comparable, only_run_dir, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def parallel_run(friction_shop, two_scenarios, tmp_path_factory):
    out = tmp_path_factory.mktemp("workers")
    t0 = time.monotonic()
    res = run_cli("run", *two_scenarios, "--base-url", friction_shop.url, "--workers", "2", "--out", out)
    seconds = time.monotonic() - t0
    assert res.returncode in (0, 1), res.stderr[-3000:]
    return res, only_run_dir(out), seconds


def test_workers_report_equals_the_serial_report(serial_run, parallel_run):
    s_res, s_dir, s_seconds = serial_run
    p_res, p_dir, p_seconds = parallel_run
    walk = [load_report(d).options["walk_seconds"] for d in (s_dir, p_dir)]
    print(f"\n4 journeys, wall time (walk only): serial {s_seconds:.1f} s ({walk[0]} s), "
          f"--workers 2 {p_seconds:.1f} s ({walk[1]} s)")
    serial, parallel = comparable(s_dir), comparable(p_dir)
    assert parallel[0] == serial[0]  # the same journeys, in plan order, with the same stages
    assert len(serial[0]) == 4 and all(len(j[2]) >= 6 and not j[3] for j in serial[0])
    assert parallel[1] == serial[1] and serial[1]  # the friction shop has findings to compare
    assert parallel[2] == serial[2]
    assert p_res.returncode == s_res.returncode
    assert load_report(p_dir).gate.passed == load_report(s_dir).gate.passed


def test_timings_are_marked_contended_only_with_workers(serial_run, parallel_run):
    serial, parallel = load_report(serial_run[1]), load_report(parallel_run[1])
    assert all(s.timing.contended for j in parallel.journeys for s in j.stages)
    assert not any(s.timing.contended for j in serial.journeys for s in j.stages)
    assert parallel.options["workers"] == 2


def test_worker_progress_reaches_stderr_prefixed(parallel_run):
    err = parallel_run[0].stderr
    assert "in 2 worker processes" in err
    for w in ("w1", "w2"):
        assert f"[{w}] started" in err and f"[{w}] walking " in err
        assert re.search(rf"\[{w}\] (desktop|mobile)\s+\d+/\d+\s+\S+", err)  # the walker's step lines


def test_every_journey_keeps_its_own_screenshots(parallel_run):
    run_dir = parallel_run[1]
    shots = [s.screenshot for j in load_report(run_dir).journeys for s in j.stages]
    assert len(shots) == len(set(shots))  # two scenarios on one device do not share file names
    assert all((run_dir / rel).is_file() for rel in shots)
