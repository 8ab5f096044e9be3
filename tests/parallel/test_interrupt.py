"""Ctrl-C (or a CI cancel's SIGTERM) during `run --workers 2`: the run stops promptly, says so, exits 130,
and leaves no worker, Playwright driver or browser process behind."""
from __future__ import annotations

import os
import signal

import pytest

from .helpers import mini_scenario, session_processes, start_cli, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_interrupt_stops_every_process(slow_shop, tmp_path, how):
    scenarios = [mini_scenario(tmp_path, f"shopper {n}") for n in range(3)]
    # Its own session, like a terminal's foreground job: Ctrl-C goes to every process in it.
    proc = start_cli("run", *scenarios, "--base-url", slow_shop.url, "--workers", "2", "--out", tmp_path / "out",
                     start_new_session=True)
    try:
        seen = []
        for line in proc.stderr:  # wait until both workers are mid-walk
            seen.append(line)
            if sum("2/2  category" in s for s in seen) == 2:
                break
        assert proc.poll() is None, "".join(seen)
        if how == "ctrl-c":  # the terminal signals the whole foreground group, workers and browsers too
            os.killpg(proc.pid, signal.SIGINT)
        else:  # only the parent is told: it must stop its workers itself
            os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert wait_until(lambda: not session_processes(proc.pid)), session_processes(proc.pid)
