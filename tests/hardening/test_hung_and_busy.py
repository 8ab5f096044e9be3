"""A subresource that never answers does not make a page unauditable, and busy pages are classified
before any retry: a dialog loop is `dialog`, a loop while the page is parsed is `unresponsive`,
neither retried; HTTP 401 is `auth` and says which scenario key gives the credentials."""
from __future__ import annotations

import pytest

from .clirun import audit, good_first_step, scenario_text
from .test_failing_sites import assert_failed, failing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RETRY = "{attempts: 3, backoff_ms: 50, max_backoff_ms: 80}"


@pytest.mark.parametrize("what,where", [("image", "same"), ("image", "third"), ("script", "third"),
                                        ("async", "same")])
def test_a_hung_subresource_is_noted_and_the_page_is_still_audited(tmp_path, fault, what, where):
    steps = (good_first_step()
             + f"- stage: product\n  name: hung\n  actions:\n    - goto: /hung?what={what}&where={where}\n")
    res = audit(tmp_path, scenario_text(f"hung-{what}-{where}", fault.url, steps, retry=RETRY,
                                        limits="{step_timeout_ms: 4000}"))
    assert "Traceback" not in res.stderr and res.rc in (0, 1), f"exit {res.rc}\n{res.stderr}"
    assert not res.journey["failures"], res.journey["failures"]
    assert not res.journey["notes"], "nothing was retried"
    (stage,) = [s for s in res.journey["stages"] if s["stage"] == "hung"]
    hung = [r for r in stage["requests"] if "/hang" in r["url"]]
    assert hung and "no answer after" in hung[0]["failure"], stage["requests"]
    assert hung[0]["first_party"] is (where == "same")
    assert any("/hang" in n for n in stage["notes"]), stage["notes"]
    assert "/hang" in res.text("index.html")


def test_dialog_loop_while_loading_is_a_dialog_and_not_retried(tmp_path, fault):
    res = audit(tmp_path, scenario_text("dialog-loop", fault.url, failing("goto: /dialog-loop"), retry=RETRY))
    f = assert_failed(res, "dialog", screenshot=False)  # dialogs in a loop never let a screenshot finish
    assert f["attempts"] == 1 and not res.journey["notes"], (f, res.journey["notes"])
    assert "Sale ends soon" in f["message"]


def test_busy_loop_while_parsing_is_unresponsive_and_not_retried(tmp_path, fault):
    res = audit(tmp_path, scenario_text("busy-parse", fault.url, failing("goto: /busy-parse"), retry=RETRY,
                                        limits="{step_timeout_ms: 3000}"))
    f = assert_failed(res, "unresponsive", screenshot=False)
    assert f["attempts"] == 1 and not res.journey["notes"], (f, res.journey["notes"])


def test_http_401_is_auth_and_names_the_credentials_key(tmp_path, fault):
    res = audit(tmp_path, scenario_text("auth", fault.url, failing("goto: /auth"), retry=RETRY))
    f = assert_failed(res, "auth")
    assert "HTTP 401" in f["message"] and "http_credentials" in f["message"]
    assert f["attempts"] == 1
