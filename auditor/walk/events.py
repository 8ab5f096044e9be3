"""Page listeners: console errors, failed requests, the document's HTTP status, the requests in
flight (for the settle rule), and the interruptions a walk cannot continue through (dialogs,
pop-ups, downloads, blocked navigation, a crashed tab); ``classify()``, which says what a Playwright
error means for a shopper."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..model import ConsoleEntry, Request
from .capture import Masker, PageEvents
from .watchdog import PageHung

__all__ = ["Listeners", "PageHung", "PlaywrightError", "PlaywrightTimeout", "classify", "allowed_url"]

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


def allowed_url(url: str, patterns: tuple[str, ...]) -> bool:
    """Only http(s) URLs name a host to check; about:, data: and blob: documents stay in the page."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https", "ws", "wss", "ftp"):
        return True
    return host_matches(parts.hostname or "", patterns)


@dataclass
class Interruption:
    kind: str  # dialog | popup | download | blocked | crash
    message: str


# Requests that never hold a capture back: long-lived by design (WebSocket, EventSource, streamed media)
# or sent for the site's own sake (beacons, CSP reports, prefetches).
IGNORED_TYPES = frozenset({"websocket", "eventsource", "media", "manifest", "texttrack", "ping", "prefetch",
                           "cspviolationreport"})


@dataclass
class InFlight:
    started: float  # time.monotonic()
    resource_type: str
    url: str
    method: str
    document: bool  # the main frame's document

    @property
    def counts(self) -> bool:
        """Can this request still change what the shopper sees?"""
        return self.document or self.resource_type not in IGNORED_TYPES

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


@dataclass
class Listeners:
    """Attached once per page; the walker drains ``events`` at each capture."""

    mask: Masker
    allowed: tuple[str, ...]
    events: PageEvents = field(default_factory=PageEvents)
    interruptions: list[Interruption] = field(default_factory=list)
    doc_status: int | None = None
    doc_url: str = ""
    doc_error: str | None = None  # net::ERR_… of the main frame's last failed document request
    inflight: dict[Any, InFlight] = field(default_factory=dict)  # Playwright Request → what and since when
    last_activity: float = 0.0  # time.monotonic() of the last request that started or ended

    def attach(self, context, page) -> None:
        self.record(page)
        page.on("request", self._request)
        page.on("requestfinished", self._requestfinished)
        page.on("dialog", self._dialog)
        page.on("download", self._download)
        page.on("crash", self._crash)
        context.on("page", self._popup)

    def record(self, page) -> None:
        """Only the listeners that record (console errors, failed requests, the document's status): all
        that attach() uses for a page someone else drives (walk/live.py), whose dialogs, pop-ups and
        downloads stay theirs to handle."""
        self._page = page
        page.on("console", self._console)
        page.on("pageerror", self._pageerror)
        page.on("requestfailed", self._requestfailed)
        page.on("response", self._response)

    def _first_party(self, url: str) -> bool:
        return host_matches(urlsplit(url).hostname or "", self.allowed)

    def take(self) -> Interruption | None:
        """The first interruption since the last take, forgetting the rest (they are its echoes)."""
        first = self.interruptions[0] if self.interruptions else None
        self.interruptions.clear()
        return first

    def _console(self, msg) -> None:
        if msg.type in ("error", "warning") and len(self.events.console) < MAX_EVENTS:
            loc = msg.location or {}
            self.events.console.append(ConsoleEntry(msg.type, self.mask(msg.text)[:500],
                                                    self.mask(str(loc.get("url", "")))[:300]))

    def _pageerror(self, err) -> None:
        if len(self.events.console) < MAX_EVENTS:
            self.events.console.append(ConsoleEntry("pageerror", self.mask(str(err))[:500]))

    def _main_document(self, req) -> bool:
        try:
            return req.is_navigation_request() and req.frame == self._page.main_frame
        except Exception:  # noqa: BLE001 - a request of a worker, or of a frame that went away
            return False

    def _request(self, req) -> None:
        now = time.monotonic()
        document = self._main_document(req)
        if document:
            self.doc_error = None
        flight = self.inflight[req] = InFlight(now, req.resource_type, req.url, req.method, document)
        if flight.counts:
            self.last_activity = now

    def _ended(self, req) -> None:
        flight = self.inflight.pop(req, None)
        if flight is not None and flight.counts:
            self.last_activity = time.monotonic()

    def _requestfinished(self, req) -> None:
        self._ended(req)

    def _requestfailed(self, req) -> None:
        self._ended(req)
        if self._main_document(req):
            self.doc_error = req.failure or "failed"
        if len(self.events.requests) < MAX_EVENTS:
            self.events.requests.append(Request(self.mask(req.url)[:500], req.method, req.resource_type, None,
                                                req.failure or "failed", self._first_party(req.url)))

    def _response(self, resp) -> None:
        req = resp.request
        if req.is_navigation_request() and req.frame == req.frame.page.main_frame:
            self.doc_status = resp.status
            self.doc_url = resp.url
        if resp.status >= 400 and len(self.events.requests) < MAX_EVENTS:
            self.events.requests.append(Request(self.mask(resp.url)[:500], req.method, req.resource_type,
                                                resp.status, None, self._first_party(resp.url)))

    def _dialog(self, dialog) -> None:
        # A dialog blocks the page until answered; dismiss it so the browser is not stuck, and fail the step.
        # Dismissing is the safe answer: "cancel" to a confirm("Place the order?"), "stay" on beforeunload.
        try:
            kind, text = dialog.type, dialog.message
        except Exception:  # the page closed under the handler
            kind, text = "dialog", ""
        if kind == "beforeunload":
            message = "the page asked the shopper to confirm leaving it (a beforeunload dialog); auditor stayed"
        else:
            message = f"the page opened a JavaScript {kind} dialog: {self.mask(text)[:200]!r}"
        self.interruptions.append(Interruption("dialog", message))
        try:
            dialog.dismiss()
        except Exception:
            pass

    def _download(self, download) -> None:
        # The suggested file name is the page's text: shown (masked, printable) but never used as a path;
        # the download itself is cancelled and never written anywhere.
        try:
            name = download.suggested_filename
        except Exception:
            name = ""
        name = "".join(ch if ch.isprintable() else "?" for ch in self.mask(name)[:100])
        self.interruptions.append(Interruption(
            "download", f"the step started a download ({name!r}) instead of showing a page"))
        try:
            download.cancel()
        except Exception:
            pass

    def _crash(self, page) -> None:
        self.interruptions.append(Interruption(
            "crash", "the browser tab crashed while showing this page (out of memory, or a renderer bug)"))

    def _popup(self, page) -> None:
        # Backstop: init.js already stops window.open and links aimed at another window (popup()).
        try:
            url = page.url
        except Exception:
            url = ""
        self.popup(url)
        try:
            page.close()
        except Exception:
            pass

    def popup(self, url: str) -> None:
        self.interruptions.append(Interruption(
            "popup", f"the step opened a new window or tab ({self.mask(url)[:200] or 'about:blank'}); "
                     "auditor does not follow pop-ups"))

    def blocked(self, url: str) -> None:
        self.interruptions.append(Interruption(
            "blocked", f"navigation to {self.mask(url)[:200]} was blocked: its host is outside allowed_domains"))
        self.events.requests.append(Request(self.mask(url)[:500], "GET", "document", None,
                                            "blocked: outside allowed domains", False))


AUTH_MEANING = ("the site asks for a user name and password (HTTP authentication): give them with the "
                "scenario key http_credentials")


def http_kind(status: int) -> tuple[str, str]:
    """(kind, meaning) of a document's HTTP error status."""
    if status == 401:
        return "auth", AUTH_MEANING
    return "http", ""


# net::ERR_… codes → (kind, what it means for a shopper). Codes not listed are "navigation".
NET_ERRORS = {
    "ERR_NAME_NOT_RESOLVED": ("dns", "the host name does not resolve (DNS)"),
    "ERR_NAME_RESOLUTION_FAILED": ("dns", "the host name could not be resolved (DNS)"),
    "ERR_CONNECTION_REFUSED": ("connection", "nothing accepts connections at that address"),
    "ERR_CONNECTION_RESET": ("connection", "the server dropped the connection"),
    "ERR_CONNECTION_CLOSED": ("connection", "the server closed the connection"),
    "ERR_CONNECTION_ABORTED": ("connection", "the connection was aborted"),
    "ERR_EMPTY_RESPONSE": ("connection", "the server closed the connection without answering"),
    "ERR_ADDRESS_UNREACHABLE": ("connection", "the address is unreachable"),
    "ERR_INCOMPLETE_CHUNKED_ENCODING": ("connection", "the server stopped in the middle of the page"),
    "ERR_CONNECTION_TIMED_OUT": ("timeout", "the server did not accept the connection in time"),
    "ERR_TIMED_OUT": ("timeout", "the server did not answer in time"),
    "ERR_TOO_MANY_REDIRECTS": ("redirect-loop", "the page redirects in a loop"),
    "ERR_BLOCKED_BY_CLIENT": ("blocked", "auditor blocked the navigation: the host is outside allowed_domains"),
    "ERR_INVALID_AUTH_CREDENTIALS": ("auth", f"HTTP 401: {AUTH_MEANING}"),
}
TRANSIENT_NET = {"ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE", "ERR_CONNECTION_CLOSED",
                 "ERR_TIMED_OUT", "ERR_CONNECTION_TIMED_OUT", "ERR_NETWORK_CHANGED", "ERR_INCOMPLETE_CHUNKED_ENCODING",
                 "ERR_CONNECTION_ABORTED"}
# What the walker was waiting for when an exception came: a document (a goto, a page load: a timeout
# means the server did not answer), an element for an action, or a read of the page (its scripts hold it).
Doing = Literal["load", "action", "read"]


def net_error(text: str) -> str | None:
    m = re.search(r"net::(ERR_[A-Z_0-9]+)", text or "")
    return m.group(1) if m else None


def classify(exc: BaseException, doing: Doing = "action", *, doc_error: str | None = None,
             browser_gone: bool = False) -> tuple[str, str, bool]:
    """(kind, one-line message, transient?) for an exception the walker caught.

    The kind comes from the exception's type and from facts the walker observed, not from the
    wording of Playwright's messages: ``doing`` (what the call waited for), ``doc_error`` (the
    net::ERR_… code Chromium gave the main document's request, from the requestfailed event) and
    ``browser_gone`` (Browser.is_connected() said no). Only where Playwright gives nothing but text
    (a click intercepted by another element, a page that navigated while it was read) is the message
    read."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    if isinstance(exc, PageHung):
        return "unresponsive", first, False
    if browser_gone:
        return "browser", f"{first} — the browser closed or crashed", False
    code = net_error(doc_error or "") or (net_error(text) if isinstance(exc, PlaywrightError) else None)
    if code and not isinstance(exc, PlaywrightTimeout):
        kind, meaning = NET_ERRORS.get(code, ("navigation", ""))
        if "CERT" in code or "SSL" in code:
            kind, meaning = "tls", ("the site's HTTPS certificate is not trusted (self-signed, expired or for "
                                    "another host)")
        elif code == "ERR_ABORTED" and "download" in text.lower():
            kind, meaning = "download", "the address served a file to download instead of a page"
        shown = first if code in first else f"{first} (net::{code})"
        return kind, f"{shown} — {meaning}" if meaning else shown, code in TRANSIENT_NET
    if isinstance(exc, PlaywrightTimeout):
        if doing == "action" and "intercepts pointer events" in text:  # only the call log says so
            m = re.search(r"(<[^>]{1,160}>)[^\n]*intercepts pointer events", text)
            who = m.group(1) if m else "another element"
            return "obscured", f"{first} — the target is covered by {who}", False
        if doing == "load":
            return "timeout", f"{first} — the page did not finish loading in time", True
        if doing == "read":
            return "timeout", first, False
        why = "the element never appeared"
        if "not visible" in text:
            why = "the element is on the page but not visible"
        elif "not enabled" in text or "disabled" in text:
            why = "the element is disabled"
        elif "not stable" in text:
            why = "the element kept moving"
        return "selector", f"{first} — {why}", False
    if not isinstance(exc, PlaywrightError):
        return "error", first, False
    if getattr(exc, "name", None) == "TargetClosedError" or type(exc).__name__ == "TargetClosedError":
        return "browser", f"{first} — the tab or the browser was closed", False
    if "Download is starting" in text:
        return "download", f"{first} — the address served a file to download instead of a page", False
    if "Execution context was destroyed" in text:
        return "navigation", f"{first} — the page navigated away while it was being read", False
    if "interrupted by another navigation" in text:  # a script or an error page moved on first: a goto may retry
        return "navigation", first, True
    return "error", first, False
