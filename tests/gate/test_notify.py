"""Notifications: a Slack-compatible post when the gate fails or a regression is flagged; a webhook that
is down never changes the verdict; nothing secret is ever sent. Against a receiver this test starts."""
from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hardening.faultserver import closed_port

from auditor.cli import main
from auditor.config.policy import DEFAULT_POLICY, Notify, policy_from_text
from auditor.gate.notify import build_message, send
from auditor.gate.pipeline import GateOptions, record_and_compare
from auditor.model import Evidence, Finding
from auditor.report import load_report

pytestmark = pytest.mark.browser


class Receiver:
    def __init__(self, status: int = 200, hang: threading.Event | None = None):
        self.posts: list[dict] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hang is not None:
                    hang.wait(5)
                receiver.paths.append(self.path)
                receiver.posts.append(json.loads(body))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda *args: None  # a client that gave up (the timeout test) is expected
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/s3cr3t-token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_a_failed_gate_posts_the_verdict_top_findings_and_report(friction_run, receiver, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["-q", "check", str(friction_run[1]), "--notify", receiver.url, "--out", str(out)]) == 1
    assert len(receiver.posts) == 1 and receiver.paths == ["/services/T000/B000/s3cr3t-token"]
    msg = receiver.posts[0]
    assert set(msg) == {"text", "blocks"}
    assert msg["text"].startswith("❌ Checkout gate FAILED (exit 1: gate failed): Demo shop — guest checkout")
    assert str((out / "index.html").resolve()) in msg["text"]
    kinds = [b["type"] for b in msg["blocks"]]
    assert kinds[0] == "header" and kinds[-1] == "context"
    body = json.dumps(msg, ensure_ascii=False)
    assert "*Top findings*" in body and "*critical*" in body
    assert "s3cr3t-token" not in body  # the webhook's path is its secret
    assert "warning" not in capsys.readouterr().err


def test_a_passing_gate_without_regressions_sends_nothing(clean, receiver, tmp_path):
    assert judge(clean, tmp_path, notify=receiver.url).gate.exit_code == 0
    assert receiver.posts == []


@pytest.fixture(scope="module")
def friction(friction_run):
    return load_report(friction_run[1])


def judge(run, tmp_path, *, notify=None, policy=DEFAULT_POLICY):
    """The gate layer's seam, as audit() and `auditor check` call it (without writing a report)."""
    return record_and_compare(run, tmp_path, policy, GateOptions(notify=notify))[0]


def test_a_webhook_that_is_down_prints_a_warning_and_keeps_the_verdict(friction, tmp_path, capsys):
    url = f"http://127.0.0.1:{closed_port()}/hooks/secret-path"
    assert judge(friction, tmp_path, notify=url).gate.exit_code == 1
    err = capsys.readouterr().err
    assert "auditor: warning: notification not sent (http://127.0.0.1:" in err and "the verdict stands" in err
    assert "secret-path" not in err


def test_a_webhook_that_refuses_is_a_warning_too(friction, tmp_path, capsys):
    r = Receiver(status=500)
    try:
        assert judge(friction, tmp_path, notify=r.url).gate.exit_code == 1
    finally:
        r.close()
    assert "notification not sent (http://127.0.0.1:" in capsys.readouterr().err
    assert len(r.posts) == 1


def test_a_webhook_that_hangs_times_out():
    release = threading.Event()
    r = Receiver(hang=release)
    try:
        problem = send(r.url, {"text": "x"}, timeout=0.5)
    finally:
        release.set()
        r.close()
    assert problem is not None and problem.startswith("http://127.0.0.1:")


def test_the_policy_url_comes_from_the_environment(friction, receiver, tmp_path, monkeypatch, capsys):
    policy = policy_from_text('notify: {url: "${HOOK_FOR_TEST}", on: [failed]}\n')
    monkeypatch.delenv("HOOK_FOR_TEST", raising=False)
    judge(friction, tmp_path, policy=policy)
    assert "notification not sent: $HOOK_FOR_TEST is not set" in capsys.readouterr().err
    monkeypatch.setenv("HOOK_FOR_TEST", receiver.url)
    judge(friction, tmp_path, policy=policy)
    assert len(receiver.posts) == 1
    judge(friction, tmp_path, policy=policy_from_text('notify: {url: "${HOOK_FOR_TEST}", on: [regression]}\n'))
    assert len(receiver.posts) == 1, "no regression, and failures were not asked for"


def test_the_message_never_carries_secrets_and_escapes_page_text(friction, tmp_path):
    run = friction
    evil = Finding(check="surprise-fees", stage="payment", device="desktop", severity="critical",
                   title="Fee <https://evil.example|click here> & card 4242424242424242 at "
                         "https://user:pw@shop.example/pay?token=abc#x",
                   measured=1, threshold=0, source="", recommendation="", evidence=(Evidence("payment"),),
                   scenario=run.journeys[0].scenario)
    first = replace(run.results[0], findings=(evil,) + run.results[0].findings)
    run = replace(run, results=(first,) + run.results[1:])
    msg = build_message(run, tmp_path, Notify(url="https://hooks.example/x", report_url="https://ci.example/{run_id}/"),
                        secrets={"4242424242424242"})
    body = json.dumps(msg, ensure_ascii=False)
    assert "4242424242424242" not in body and "••••••" in body
    assert "user:pw" not in body and "token=abc" not in body and "https://shop.example/pay" in body
    assert "<https://evil.example|click here>" not in body and "&lt;https://evil.example|click here&gt; &amp;" in body
    assert f"https://ci.example/{run.run_id}/" in body
    assert "hooks.example" not in body
