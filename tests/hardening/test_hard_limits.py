"""run_timeout_ms and the step timeout are hard limits, whatever the page does.

A history flood (100 000 pushState calls; replaceState in an endless loop) used to keep the browser
process busy for minutes, past any limit; a page that never yields must not hold a walk past its
run limit either. Each walk here ends within its limit plus the documented grace
(docs/broken-sites.md: run_timeout_ms + 20 s per walk), asserted with a wide margin: the bound
holds, how fast it is is not the point. The report of what was captured is written every time.
"""
from __future__ import annotations

import time

import pytest

from .clirun import CliRun, audit, good_first_step, is_image, scenario_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The documented per-walk grace is 20 s; the margin on top covers starting Python and Chromium and
# writing the reports on a loaded 2-core machine.
START_AND_REPORT_S = 30


def timed(tmp_path, text: str) -> tuple[CliRun, float]:
    t0 = time.monotonic()
    res = audit(tmp_path, text)
    return res, time.monotonic() - t0


def flood_step(n: str) -> str:
    return good_first_step() + f"- stage: cart\n  name: flood\n  actions:\n    - goto: /flood?n={n}\n"


def assert_partial_report(res: CliRun) -> None:
    assert "Traceback" not in res.stderr, res.stderr
    assert res.run_dir is not None and (res.run_dir / "index.html").is_file(), "no report was written"
    stages = res.journey["stages"]
    assert stages and stages[0]["stage"] == "start" and is_image(res.run_dir / stages[0]["screenshot"])


@pytest.mark.parametrize("n", ["100000", "forever"])
def test_history_flood_ends_within_the_run_limit(tmp_path, fault, n):
    limit_ms = 20_000
    res, wall_s = timed(tmp_path, scenario_text(f"flood-{n}", fault.url, flood_step(n),
                                                limits=f"{{step_timeout_ms: 5000, run_timeout_ms: {limit_ms}}}"))
    assert wall_s < limit_ms / 1000 + 20 + START_AND_REPORT_S, f"took {wall_s:.0f} s"
    assert_partial_report(res)
    fails = res.journey["failures"]
    if n == "forever":  # an endless loop is a page that never yields, whichever call noticed it
        assert [(f["stage"], f["kind"]) for f in fails] == [("flood", "unresponsive")], fails
        assert res.rc == 3
    else:  # throttled as in a shopper's Chrome: the page itself ends up audited, or is reported busy
        assert all(f["kind"] == "unresponsive" for f in fails), fails


def test_run_limit_holds_against_a_page_that_never_yields_even_with_a_longer_action_timeout(tmp_path, fault):
    """The click's own timeout (60 s) is longer than the run limit (8 s): the run limit wins."""
    limit_ms = 8000
    steps = (good_first_step("/busy?after=600000") + "- stage: cart\n  name: busy\n  actions:\n"
             "    - click: {selector: '#spin', timeout_ms: 60000}\n")
    res, wall_s = timed(tmp_path, scenario_text("run-bound", fault.url, steps,
                                                limits=f"{{step_timeout_ms: 4000, run_timeout_ms: {limit_ms}}}"))
    assert wall_s < limit_ms / 1000 + 20 + START_AND_REPORT_S, f"took {wall_s:.0f} s"
    assert_partial_report(res)
    f = res.failure
    assert (f["stage"], f["kind"]) == ("busy", "unresponsive"), f
    assert res.journey["duration_ms"] < limit_ms + 20_000, res.journey["duration_ms"]
