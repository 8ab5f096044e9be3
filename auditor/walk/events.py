"""Page listeners: console errors, failed requests, the document's HTTP status, and the
interruptions a walk cannot continue through (dialogs, pop-ups, downloads)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..model import ConsoleEntry, Request
from .capture import Masker, PageEvents

MAX_EVENTS = 200  # per stage: a page that logs in a loop must not grow the capture without bound


def host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    host = (host or "").lower()
    for p in patterns:
        p = p.lower()
        if p.startswith("*."):
            if host == p[2:] or host.endswith(p[1:]):
                return True
        elif host == p:
            return True
    return False


def disallowed_url_regex(patterns: tuple[str, ...]) -> re.Pattern:
    """http(s) URLs whose host is NOT allowed. Matched inside the driver, so requests to allowed
    hosts never make a round trip to Python (routing every request would slow every page)."""
    alts = []
    for p in patterns:
        if p.startswith("*."):
            alts.append(r"(?:[^/?#@]*\.)?" + re.escape(p[2:]))
        else:
            alts.append(re.escape(p))
    hosts = "|".join(alts) or "(?!)"
    return re.compile(rf"^https?://(?:[^/?#@]*@)?(?!(?:{hosts})(?::\d+)?(?:[/?#]|$))", re.I)


@dataclass
class Interruption:
    kind: str  # dialog | popup | download | blocked
    message: str


@dataclass
class Listeners:
    """Attached once per page; the walker drains ``events`` at each capture."""

    mask: Masker
    allowed: tuple[str, ...]
    events: PageEvents = field(default_factory=PageEvents)
    interruptions: list[Interruption] = field(default_factory=list)
    doc_status: int | None = None
    doc_url: str = ""

    def attach(self, context, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", self._pageerror)
        page.on("requestfailed", self._requestfailed)
        page.on("response", self._response)
        page.on("dialog", self._dialog)
        page.on("download", self._download)
        context.on("page", self._popup)

    def _first_party(self, url: str) -> bool:
        return host_matches(urlsplit(url).hostname or "", self.allowed)

    def _console(self, msg) -> None:
        if msg.type in ("error", "warning") and len(self.events.console) < MAX_EVENTS:
            loc = msg.location or {}
            self.events.console.append(ConsoleEntry(msg.type, self.mask(msg.text[:500]),
                                                    self.mask(str(loc.get("url", ""))[:300])))

    def _pageerror(self, err) -> None:
        if len(self.events.console) < MAX_EVENTS:
            self.events.console.append(ConsoleEntry("pageerror", self.mask(str(err)[:500])))

    def _requestfailed(self, req) -> None:
        if len(self.events.requests) < MAX_EVENTS:
            self.events.requests.append(Request(self.mask(req.url[:500]), req.method, req.resource_type, None,
                                                req.failure or "failed", self._first_party(req.url)))

    def _response(self, resp) -> None:
        req = resp.request
        if req.is_navigation_request() and req.frame == req.frame.page.main_frame:
            self.doc_status = resp.status
            self.doc_url = resp.url
        if resp.status >= 400 and len(self.events.requests) < MAX_EVENTS:
            self.events.requests.append(Request(self.mask(resp.url[:500]), req.method, req.resource_type,
                                                resp.status, None, self._first_party(resp.url)))

    def _dialog(self, dialog) -> None:
        # A dialog blocks the page until answered; dismiss it so the browser is not stuck, and fail the step.
        self.interruptions.append(Interruption(
            "dialog", f"the page opened a JavaScript {dialog.type} dialog: {self.mask(dialog.message[:200])!r}"))
        try:
            dialog.dismiss()
        except Exception:
            pass

    def _download(self, download) -> None:
        self.interruptions.append(Interruption(
            "download", f"the step started a download ({download.suggested_filename[:100]!r}) instead of showing a page"))
        try:
            download.cancel()
        except Exception:
            pass

    def _popup(self, page) -> None:
        self.interruptions.append(Interruption(
            "popup", f"the step opened a new window or tab ({self.mask(page.url[:200]) or 'about:blank'}); "
                     "auditor does not follow pop-ups"))
        try:
            page.close()
        except Exception:
            pass

    def blocked(self, url: str) -> None:
        self.interruptions.append(Interruption(
            "blocked", f"navigation to {self.mask(url[:200])} was blocked: outside allowed_domains"))
        self.events.requests.append(Request(self.mask(url[:500]), "GET", "document", None,
                                            "blocked: outside allowed domains", False))


def classify(exc: BaseException) -> tuple[str, str, bool]:
    """(kind, one-line message, transient?) for an exception raised by an action."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    name = type(exc).__name__
    m = re.search(r"net::(ERR_[A-Z_]+)", text)
    if m:
        code = m.group(1)
        transient = code in ("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE",
                             "ERR_CONNECTION_CLOSED", "ERR_TIMED_OUT", "ERR_NETWORK_CHANGED",
                             "ERR_INCOMPLETE_CHUNKED_ENCODING", "ERR_CONNECTION_ABORTED")
        kind = "tls" if "CERT" in code or "SSL" in code else "navigation"
        if code == "ERR_TOO_MANY_REDIRECTS":
            kind = "redirect-loop"
        if code == "ERR_ABORTED" and "download" in text.lower():
            kind = "download"
        return kind, first, transient
    if "intercepts pointer events" in text:
        m = re.search(r"(<[^>]{1,160}>)[^\n]*intercepts pointer events", text)
        who = m.group(1) if m else "another element"
        return "obscured", f"{first} — the target is covered by {who}", False
    if name == "TimeoutError" or "Timeout" in first:
        transient = "page.goto" in text or "navigat" in text.lower()
        kind = "timeout" if transient else "selector"
        return kind, first, transient
    return "error", first, False
