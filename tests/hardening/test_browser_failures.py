"""The browser itself fails: the tab crashes, or the whole browser goes away mid-run. Each is a step
failure on the journey, the stages before it are kept, and the report is still written.

These faults cannot come from a web page, so they are injected into the walk: the step's action
crashes the tab (chrome://crash) or closes the browser. The walk runs in-process, on its own
thread (pytest-playwright's session browser owns the main thread's event loop).
"""
from __future__ import annotations

import pytest
from clitools import walk_on_a_thread

from auditor.report import write_report
from auditor.run.pipeline import check_run
from auditor.run.plan import AuditOptions
from auditor.scenario.load import load_scenario_text
from auditor.walk import walker

from .clirun import good_first_step, scenario_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def walk_with_fault(tmp_path, monkeypatch, fault, text: str, inject):
    """Walk ``text``; when an action clicks "#heading" (the good page's h1), ``inject(page)`` runs instead."""
    real = walker.run_action

    def run_action(page, action, **kw):
        if action.selector == "#heading":
            inject(page)
            return True
        return real(page, action, **kw)

    monkeypatch.setattr(walker, "run_action", run_action)
    sc = load_scenario_text(text)
    opts = AuditOptions(out_dir=tmp_path)
    run_dir = tmp_path / "run"
    journeys = walk_on_a_thread(sc, opts, run_dir, timeout=150)
    run = check_run(journeys, opts, "browser-fault")
    files = write_report(run, run_dir)
    return run, files


STEPS = good_first_step() + """\
- stage: cart
  name: broken
  actions:
    - click: "#heading"
- stage: checkout
  name: never
  actions:
    - goto: /page/never
"""


def crash_tab(page):
    try:
        page.goto("chrome://crash", timeout=5000)
    except Exception:
        pass


def test_crashed_tab_is_a_step_failure(tmp_path, monkeypatch, fault):
    text = scenario_text("crash", fault.url, STEPS, extra="on_error: continue\n")
    run, files = walk_with_fault(tmp_path, monkeypatch, fault, text, crash_tab)
    (j,) = run.journeys
    assert [(f.stage, f.kind) for f in j.failures] == [("broken", "crash")], j.failures
    assert [s.stage for s in j.stages] == ["start"]
    assert run.gate.exit_code == 3
    assert "crash" in files.index_html.read_text(encoding="utf-8")


def test_browser_that_dies_mid_run_fails_every_journey_left(tmp_path, monkeypatch, fault):
    text = scenario_text("dies", fault.url, STEPS).replace("devices: [desktop]", "devices: [desktop, mobile]")
    run, files = walk_with_fault(tmp_path, monkeypatch, fault, text, lambda page: page.context.browser.close())
    desktop, mobile = run.journeys
    assert [s.stage for s in desktop.stages] == ["start"]
    assert [(f.stage, f.kind) for f in desktop.failures] == [("broken", "browser")], desktop.failures
    assert mobile.stages == () and mobile.failures[0].kind == "browser", mobile.failures
    assert run.gate.exit_code == 3
    assert files.report_json.is_file() and "browser" in files.index_html.read_text(encoding="utf-8")
