"""Every way a staging site breaks ends in a recorded step failure, never a hang or a traceback.

Each test walks a two-step scenario through `auditor run` (a real process, as CI runs it): a good
first stage on the fault server, then the failing one. It asserts the failure's kind and stage,
that a screenshot of what the browser showed was saved, that the first stage is still in
report.json and captures/, the exit code (3: the site could not be audited) and that index.html
and report.json say what went wrong. Step timeouts are small so the hang tests stay fast; the
process timeout (clirun.TIMEOUT_S) is generous, so a regression that hangs fails instead of
blocking the suite.
"""
from __future__ import annotations

import json

import pytest
from markupsafe import escape

from .clirun import CliRun, audit, good_first_step, is_image, scenario_text
from .faultserver import closed_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STEP = "- stage: cart\n  name: broken\n  actions:\n"


def failing(*actions: str) -> str:
    return good_first_step() + STEP + "".join(f"    - {a}\n" for a in actions)


def assert_failed(res: CliRun, kind: str, *, stage: str = "broken", screenshot: bool = True, rc: int = 3) -> dict:
    """The shared contract of a failing site; returns the failure from report.json for more checks."""
    assert "Traceback" not in res.stderr, res.stderr
    assert res.rc == rc, f"exit {res.rc}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}"
    assert res.run_dir is not None, "no report was written"
    f = res.failure
    assert (f["kind"], f["stage"]) == (kind, stage), f
    assert f["message"]
    if screenshot:
        assert f["screenshot"], f"no failure screenshot: {f}"
        assert is_image(res.run_dir / f["screenshot"]), f["screenshot"]
    # Everything captured before the failure is kept: in report.json, in captures/, on disk.
    stages = [s["stage"] for s in res.journey["stages"]]
    assert stages[:1] == ["start"], stages
    assert stage not in stages
    start = res.journey["stages"][0]
    assert is_image(res.run_dir / start["screenshot"])
    full = res.capture()
    assert full["stages"][0]["stage"] == "start" and full["stages"][0]["elements"], "start stage lost from captures/"
    assert full["failures"][0]["kind"] == kind
    # ...and the reports say what went wrong, and where.
    page = res.text("index.html")
    assert str(escape(f["message"][:40])) in page, "index.html lacks the failure"
    assert kind in page and stage in page
    if f["screenshot"]:
        assert f["screenshot"] in page, "index.html does not show the failure screenshot"
    report = json.loads(res.text("report.json"))
    assert report["summary"]["journeys"][res.journey["id"]] == "failed"
    assert kind in res.text("summary.md")
    return f


def test_connection_refused_is_retried_with_backoff_then_fails(tmp_path, fault):
    text = scenario_text("refused", fault.url, failing(f"goto: http://127.0.0.1:{closed_port()}/"),
                         retry="{attempts: 3, backoff_ms: 50, max_backoff_ms: 80}")
    res = audit(tmp_path, text)
    f = assert_failed(res, "connection")
    assert "ERR_CONNECTION_REFUSED" in f["message"] and f["attempts"] == 3
    notes = res.journey["notes"]
    assert len(notes) == 2 and "attempt 2/3, backoff 50 ms" in notes[0] and "attempt 3/3, backoff 80 ms" in notes[1]
    assert "attempt 2/3, backoff 50 ms" in res.text("index.html"), "retries must be visible in the report"
    assert "after 3 attempts" in res.text("index.html")


def test_transient_5xx_recovers_after_a_retry_and_says_so(tmp_path, fault):
    text = scenario_text("flaky", fault.url, good_first_step() + STEP + "    - goto: /flaky/once?fail=1&code=503\n",
                         retry="{attempts: 2, backoff_ms: 20}")
    res = audit(tmp_path, text)
    assert "Traceback" not in res.stderr
    assert not res.journey["failures"], res.journey["failures"]
    assert [s["stage"] for s in res.journey["stages"]] == ["start", "broken"]
    assert any("HTTP 503" in n and "attempt 2/2" in n for n in res.journey["notes"]), res.journey["notes"]
    assert "retried" in res.stderr, "retries are shown in the progress output too"


def test_dns_failure_of_an_invalid_host(tmp_path, fault):
    text = scenario_text("dns", fault.url, failing("goto: http://shop.invalid/"),
                         extra="allowed_domains: [shop.invalid]\n")
    f = assert_failed(audit(tmp_path, text), "dns")
    assert "ERR_NAME_NOT_RESOLVED" in f["message"]
    # Chromium asks the system's DNS server even for .invalid (checked with strace); this rule keeps it local.
    from auditor.walk.browser import launch_args
    assert "--host-resolver-rules=MAP *.invalid ~NOTFOUND" in launch_args()


def test_untrusted_tls_certificate(tmp_path, fault, tls_fault):
    text = scenario_text("tls", fault.url, failing(f"goto: {tls_fault.url}/ok"))
    f = assert_failed(audit(tmp_path, text), "tls")
    assert "ERR_CERT" in f["message"]


def test_server_that_never_answers_times_out(tmp_path, fault):
    text = scenario_text("hang", fault.url, failing("goto: /hang"), limits="{step_timeout_ms: 2500}")
    f = assert_failed(audit(tmp_path, text), "timeout")
    assert "2500ms" in f["message"]


def test_server_that_stalls_mid_response_times_out(tmp_path, fault):
    text = scenario_text("partial", fault.url, failing("goto: /partial"), limits="{step_timeout_ms: 2500}")
    assert_failed(audit(tmp_path, text), "timeout")


@pytest.mark.parametrize("code", [404, 500])
def test_http_error_status_on_a_stage(tmp_path, fault, code):
    f = assert_failed(audit(tmp_path, scenario_text(f"http-{code}", fault.url, failing(f"goto: /status/{code}"))),
                      "http")
    assert f"HTTP {code}" in f["message"]


def test_redirect_loop(tmp_path, fault):
    assert_failed(audit(tmp_path, scenario_text("loop", fault.url, failing("goto: /loop"))), "redirect-loop")


def test_selector_that_never_appears(tmp_path, fault):
    text = scenario_text("selector", fault.url, failing("goto: /missing", "wait_for: {selector: '#never', timeout_ms: 1500}"))
    f = assert_failed(audit(tmp_path, text), "selector")
    assert f["action"] == "wait_for #never" and "never appeared" in f["message"]


@pytest.mark.parametrize("dialog", ["alert", "confirm", "prompt"])
def test_javascript_dialog(tmp_path, fault, dialog):
    f = assert_failed(audit(tmp_path, scenario_text(dialog, fault.url, failing(f"goto: /dialog/{dialog}"))), "dialog")
    assert dialog in f["message"] and "Are you sure" in f["message"]


def test_beforeunload_dialog_when_leaving(tmp_path, fault):
    text = scenario_text("beforeunload", fault.url, good_first_step("/beforeunload") + STEP + "    - click: '#leave'\n")
    f = assert_failed(audit(tmp_path, text), "dialog")
    assert "beforeunload" in f["message"]


@pytest.mark.parametrize("how", ["open", "blank"])
def test_popup_window_or_new_tab(tmp_path, fault, how):
    text = scenario_text(f"popup-{how}", fault.url, failing("goto: /popup", f"click: '#{how}'"))
    f = assert_failed(audit(tmp_path, text), "popup")
    assert "/page/" in f["message"]
    assert not [p for _, p in fault.requests if p in ("/page/popup", "/page/tab")], "a pop-up was followed"


def test_modal_covering_the_page_intercepts_the_click(tmp_path, fault):
    text = scenario_text("modal", fault.url, failing("goto: /modal", "click: {selector: '#buy', timeout_ms: 1500}"))
    f = assert_failed(audit(tmp_path, text), "obscured")
    assert "newsletter" in f["message"]


@pytest.mark.parametrize("how", ["goto", "click"])
def test_download_instead_of_a_page(tmp_path, fault, how):
    name = "../../evil<b>.sh"
    actions = ([f"goto: '/download?name={name}'"] if how == "goto"
               else [f"goto: '/download-link?name={name}'", "click: '#dl'"])
    res = audit(tmp_path, scenario_text(f"download-{how}", fault.url, failing(*actions)))
    assert_failed(res, "download")
    # The suggested file name is page data: never a path, never written anywhere, shown only as text.
    assert not list(tmp_path.parent.rglob("evil*"))
    assert "evil<b>" not in res.text("index.html")


def test_page_whose_scripts_never_yield(tmp_path, fault):
    text = scenario_text("busy", fault.url, failing("goto: /busy?after=0"), limits="{step_timeout_ms: 2500}")
    assert_failed(audit(tmp_path, text), "unresponsive")


def test_redirect_to_an_outside_host_is_blocked(tmp_path, fault):
    res = audit(tmp_path, scenario_text("out-redirect", fault.url, failing("goto: /redirect?to=http://outside.invalid/x")))
    f = assert_failed(res, "blocked")
    assert "outside.invalid" in f["message"] and "allowed_domains" in f["message"]


def test_goto_an_outside_host_is_blocked(tmp_path, fault):
    port = fault.port
    res = audit(tmp_path, scenario_text("out-goto", fault.url, failing(f"goto: http://localhost:{port}/page/elsewhere")))
    assert_failed(res, "blocked")
    assert ("localhost:%d" % port, "/page/elsewhere") not in fault.requests, "the outside host was contacted"


def test_third_party_requests_load_but_links_out_are_not_followed(tmp_path, fault):
    port = fault.port
    res = audit(tmp_path, scenario_text("third-party", fault.url, failing("goto: /third-party", "click: '#out'")))
    assert_failed(res, "blocked")
    seen = fault.requests
    assert (f"localhost:{port}", "/pixel.svg") in seen, "a third-party image must load like it does for a shopper"
    assert (f"localhost:{port}", "/page/elsewhere") not in seen


def test_on_error_continue_walks_on_and_still_exits_3(tmp_path, fault):
    steps = (good_first_step() + STEP + "    - goto: /status/500\n"
             + "- stage: checkout\n  name: after\n  actions:\n    - goto: /dialog/alert\n"
             + "- stage: payment\n  name: last\n  actions:\n    - goto: /page/last\n")
    res = audit(tmp_path, scenario_text("continue", fault.url, steps, extra="on_error: continue\n"))
    assert "Traceback" not in res.stderr and res.rc == 3
    assert [(f["stage"], f["kind"]) for f in res.journey["failures"]] == [("broken", "http"), ("after", "dialog")]
    assert [s["stage"] for s in res.journey["stages"]] == ["start", "last"]
    for f in res.journey["failures"]:
        assert is_image(res.run_dir / f["screenshot"])
