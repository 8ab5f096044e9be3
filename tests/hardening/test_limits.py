"""Bounded by design: every limit holds with a tiny value, and every cut is written in the report."""
from __future__ import annotations

import dataclasses

import pytest
from clitools import walk_on_a_thread
from PIL import Image

from auditor.report import write_report
from auditor.run.pipeline import check_run
from auditor.run.plan import AuditOptions
from auditor.scenario.load import load_scenario_text

from .clirun import audit, good_first_step, scenario_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_caps_on_dom_screenshot_and_element_table_are_reported(tmp_path, fault):
    steps = good_first_step() + "- stage: product\n  name: big\n  actions:\n    - goto: /big?n=300&h=3000\n"
    limits = "{step_timeout_ms: 5000, max_dom_bytes: 2000, max_screenshot_height: 600, max_elements: 25}"
    res = audit(tmp_path, scenario_text("caps", fault.url, steps, limits=limits))
    assert "Traceback" not in res.stderr and res.rc in (0, 1), res.stderr
    big = next(s for s in res.journey["stages"] if s["stage"] == "big")
    notes = " | ".join(big["notes"])
    for expected in ("element table cut at 25 elements (limits.max_elements)",
                     "DOM snapshot cut at 2000 characters (limits.max_dom_bytes)",
                     "screenshot cut at 600 CSS px", "(limits.max_screenshot_height)"):
        assert expected in notes, notes
    full = next(s for s in res.capture()["stages"] if s["stage"] == "big")
    assert len(full["dom"]) <= 2000 and len(full["elements"]) <= 25
    assert big["page_height"] > 3000 and big["screenshot_height"] == 600
    with Image.open(res.run_dir / big["screenshot"]) as im:
        assert im.height <= 600 * big["device_scale_factor"]
    page = res.text("index.html")
    assert "element table cut at 25 elements" in page and "DOM snapshot cut at 2000 characters" in page


def test_run_time_limit_ends_the_walk_as_a_run_timeout(tmp_path, fault):
    steps = good_first_step() + "- stage: cart\n  name: broken\n  actions:\n    - goto: /hang\n"
    res = audit(tmp_path, scenario_text("run-limit", fault.url, steps,
                                        limits="{step_timeout_ms: 6000, run_timeout_ms: 6000}"))
    assert "Traceback" not in res.stderr and res.rc == 3
    f = res.failure
    assert (f["kind"], f["stage"]) == ("run-timeout", "broken"), f
    assert "limits.run_timeout_ms" in f["message"]
    assert [s["stage"] for s in res.journey["stages"]] == ["start"]
    assert "run-timeout" in res.text("index.html")


def test_step_timeout_bounds_each_action(tmp_path, fault):
    steps = good_first_step() + "- stage: cart\n  name: broken\n  actions:\n    - wait_for: '#never'\n"
    res = audit(tmp_path, scenario_text("step-limit", fault.url, steps, limits="{step_timeout_ms: 1200}"))
    assert res.rc == 3 and res.failure["kind"] == "selector" and "1200ms" in res.failure["message"]


def test_too_many_steps_are_cut_and_the_cut_is_a_journey_note(tmp_path, fault):
    """The loader refuses a file with more steps than limits.max_steps; a Scenario built in code is
    cut by the walker instead, and says so."""
    text = scenario_text("max-steps", fault.url, good_first_step() + "- stage: cart\n  actions:\n    - goto: /page/two\n")
    sc = load_scenario_text(text)
    sc = dataclasses.replace(sc, limits=dataclasses.replace(sc.limits, max_steps=1))
    run_dir = tmp_path / "run"
    opts = AuditOptions(out_dir=tmp_path)
    journeys = walk_on_a_thread(sc, opts, run_dir, ("desktop",))
    (j,) = journeys
    assert [s.stage for s in j.stages] == ["start"]
    assert any("only the first 1 were walked (limits.max_steps)" in n for n in j.notes), j.notes
    files = write_report(check_run(journeys, opts, "max-steps"), run_dir)
    assert "limits.max_steps" in files.index_html.read_text(encoding="utf-8")
