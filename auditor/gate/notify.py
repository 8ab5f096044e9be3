"""Post a Slack-compatible message (``{"text", "blocks"}``) when the gate fails or a regression is flagged.

A notification is a courtesy, not part of the verdict: a webhook that is down, slow or refuses the
post prints a warning and the run keeps its exit code. The message carries the verdict, the top
findings and where the report is; never the webhook URL (it is the secret), never a value the
scenario marked secret, never credentials or query strings of URLs. Page text is untrusted: Slack's
control characters (``& < >``) are escaped so it cannot forge links or mentions.
"""
from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

from ..errors import EXIT_CODES
from ..model import AuditRun, severity_rank
from ..config.policy import Notify
from .regress import FLAGGED_ONLY

TIMEOUT_S = 10
MAX_FINDINGS = 5
_URLS = re.compile(r"https?://[^\s<>|]+")


def should_notify(run: AuditRun, notify: Notify) -> bool:
    g = run.gate
    if g is None or run.options.get("interrupted"):  # a run that was stopped is not news about the site
        return False
    gating = [r for r in g.regressions if FLAGGED_ONLY not in r]  # a single noisy load pings nobody
    return ("failed" in notify.on and not g.passed) or ("regression" in notify.on and bool(gating))


def _clean_url(url: str) -> str:
    """scheme://host/path: no user:password@, query or fragment (tokens live there)."""
    try:
        u = urlsplit(url)
        host = u.hostname or ""
        port = f":{u.port}" if u.port else ""
    except ValueError:
        return "(url)"
    return f"{u.scheme}://{host}{port}{u.path}"


def _safe(text: str, secrets: Iterable[str], limit: int = 300) -> str:
    text = _URLS.sub(lambda m: _clean_url(m.group(0)), str(text))
    for s in sorted((s for s in secrets if s and len(s) >= 3), key=len, reverse=True):
        text = text.replace(s, "••••••")
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_message(run: AuditRun, run_dir: Path, notify: Notify, secrets: Iterable[str] = ()) -> dict:
    secrets = tuple(secrets)
    g = run.gate
    names = ", ".join(dict.fromkeys(j.scenario for j in run.journeys)) or "audit"
    verdict = ("passed" if g.passed else f"FAILED (exit {g.exit_code}: {EXIT_CODES.get(g.exit_code, '')})")
    report = notify.report_url.replace("{run_id}", run.run_id) if notify.report_url \
        else str((Path(run_dir) / "index.html").resolve())
    icon = "✅" if g.passed else "❌"
    head = f"{icon} Checkout gate {verdict}: {_safe(names, secrets, 120)}"
    findings = sorted(run.findings, key=lambda f: -severity_rank(f.severity))
    if g.new:
        new = set(g.new)
        findings = [f for f in findings if f.fingerprint() in new]
    lines = [f"• *{f.severity}* {_safe(f.title, secrets, 160)} — {_safe(f.stage, secrets, 40)} "
             f"[{_safe(f.device, secrets, 30)}]" for f in findings[:MAX_FINDINGS]]
    if len(findings) > MAX_FINDINGS:
        lines.append(f"… and {len(findings) - MAX_FINDINGS} more")
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": head[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text":
            f"*Verdict:* gate {verdict} · fails on {g.fail_on}\n*Run:* `{_safe(run.run_id, secrets, 80)}`"
            + (f" · {len(g.new)} new, {len(g.fixed)} fixed vs the baseline" if g.new or g.fixed else "")}},
    ]
    why = [r for r in g.reasons if not r.startswith(("critical:", "major:", "minor:", "info:"))][:4]
    if why:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Why*\n" + "\n".join(
            f"• {_safe(r, secrets, 280)}" for r in why)}})
    if lines:
        title = "New findings" if g.new else "Top findings"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n" + "\n".join(lines)}})
    if g.regressions:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Regressions*\n" + "\n".join(
            f"• {_safe(r, secrets, 280)}" for r in g.regressions[:4])}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Report: {_safe(report, secrets)}"}]})
    text = f"{head} — {len(run.findings)} finding(s), {len(g.regressions)} regression(s). Report: " \
           f"{_safe(report, secrets)}"
    return {"text": text, "blocks": blocks}


def send(url: str, message: dict, *, timeout: float = TIMEOUT_S) -> str | None:
    """POST ``message``; returns None when delivered, else why not (never raises, never shows the URL's
    path or query, which carry the webhook's secret)."""
    where = _host(url)
    if not url.lower().startswith(("http://", "https://")):
        return f"{where}: not an http(s) URL"
    req = urllib.request.Request(url, data=json.dumps(message).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json", "User-Agent": "auditor-notify"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only, checked above
            resp.read(2048)
    except urllib.error.HTTPError as exc:
        return f"{where}: HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"{where}: {type(reason).__name__ if not isinstance(reason, str) else reason}"
    return None


def _host(url: str) -> str:
    try:
        u = urlsplit(url)
        return f"{u.scheme}://{u.hostname}" + (f":{u.port}" if u.port else "")
    except ValueError:
        return "the webhook"


def notify_run(run: AuditRun, run_dir: Path, notify: Notify, secrets: Iterable[str] = (), *,
               warn=None) -> bool:
    """Send when the policy asks for it. Returns whether a message was delivered."""
    warn = warn or (lambda text: print(f"auditor: warning: {text}", file=sys.stderr))
    if not notify.url or not should_notify(run, notify):
        return False
    url, why = notify.resolve_url()
    if not url:
        warn(f"notification not sent: {why}")
        return False
    problem = send(url, build_message(run, run_dir, notify, secrets))
    if problem:
        warn(f"notification not sent ({problem}); the verdict stands")
        return False
    return True
