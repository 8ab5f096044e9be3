"""--connect WS_ENDPOINT: journeys walked in a remote Playwright browser server (started here, locally)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from auditor.report import load_report
from auditor.walk.browser import IGNORED_DEFAULT_ARGS, launch_args, resolve_browser

from .helpers import mini_scenario, only_run_dir, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory):
    """`playwright launch-server` with auditor's own browser and flags; yields its ws:// endpoint."""
    cfg = tmp_path_factory.mktemp("server") / "server.json"
    config = {"headless": True, "host": "127.0.0.1", "port": 0, "args": launch_args(),
              "ignoreDefaultArgs": list(IGNORED_DEFAULT_ARGS)}
    exe = resolve_browser().executable
    if exe:
        config["executablePath"] = exe
    cfg.write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "playwright", "launch-server", "--browser", "chromium",
                             "--config", str(cfg)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        endpoint = proc.stdout.readline().strip()  # the server prints its endpoint once it listens
        assert endpoint.startswith("ws://127.0.0.1:"), (endpoint, proc.stderr.read() if proc.poll() else "")
        yield endpoint
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_connect_walks_in_the_remote_browser(browser_server, friction_shop, tmp_path, workers):
    scenarios = [mini_scenario(tmp_path, "remote one"), mini_scenario(tmp_path, "remote two")]
    # A local launch would fail on this path: passing proves the remote browser did the walking.
    res = run_cli("run", *scenarios, "--base-url", friction_shop.url, "--connect", browser_server,
                  "--browser-path", str(tmp_path / "no-such-chromium"), "--workers", workers, "--out", tmp_path / "out")
    assert res.returncode in (0, 1), res.stderr[-3000:]
    run = load_report(only_run_dir(tmp_path / "out"))
    assert [j.scenario for j in run.journeys] == ["remote one", "remote two"]
    assert all(not j.failures and [s.kind for s in j.stages] == ["landing", "category"] for j in run.journeys)
    if workers == "2":
        assert res.stderr.count("one remote browser") == 2  # each worker connected on its own


@pytest.mark.parametrize("workers", ["1", "2"])
def test_unreachable_browser_server_is_a_usage_error(friction_shop, tmp_path, workers):
    scenarios = [mini_scenario(tmp_path, "one"), mini_scenario(tmp_path, "two")]
    res = run_cli("run", *scenarios, "--base-url", friction_shop.url, "--connect", "ws://127.0.0.1:9/nobody",
                  "--workers", workers, "--out", tmp_path / "out")
    assert res.returncode == 2
    assert "could not connect to the browser server at ws://127.0.0.1:9/nobody" in res.stderr
    assert "Traceback" not in res.stderr
