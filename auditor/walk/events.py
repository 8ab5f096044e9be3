"""Page listeners: console errors, failed requests, the document's HTTP status, and the
interruptions a walk cannot continue through (dialogs, pop-ups, downloads, blocked navigation,
a crashed tab); ``classify()``, which says what a Playwright error means for a shopper."""
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
        page.on("crash", self._crash)
        context.on("page", self._popup)

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

    def _requestfailed(self, req) -> None:
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


class PageHung(Exception):
    """A call into the page outlived its deadline because the page's scripts never yielded."""


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
}
TRANSIENT_NET = {"ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE", "ERR_CONNECTION_CLOSED",
                 "ERR_TIMED_OUT", "ERR_CONNECTION_TIMED_OUT", "ERR_NETWORK_CHANGED", "ERR_INCOMPLETE_CHUNKED_ENCODING",
                 "ERR_CONNECTION_ABORTED"}
BROWSER_GONE = ("Target page, context or browser has been closed", "Browser has been closed",
                "browser has disconnected", "Connection closed", "Target closed")
# Playwright calls whose timeout means the page (not an element) did not come: safe to retry for goto.
_PAGE_WAITS = ("goto", "reload", "wait_for_load_state", "wait_for_url")


def _method(first_line: str) -> str:
    m = re.match(r"(?:Page|Frame|Locator|ElementHandle)\.(\w+)", first_line)
    return m.group(1) if m else ""


def waited_for_page(exc: BaseException) -> bool:
    """Did this exception come from waiting for a document (a goto, a load)? Then a timeout means the
    server did not answer, not that the page's scripts are stuck."""
    text = str(exc).strip()
    return _method(text.splitlines()[0] if text else "") in _PAGE_WAITS


def classify(exc: BaseException) -> tuple[str, str, bool]:
    """(kind, one-line message, transient?) for an exception raised by an action."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    name = type(exc).__name__
    if isinstance(exc, PageHung):
        return "unresponsive", first, False
    m = re.search(r"net::(ERR_[A-Z_0-9]+)", text)
    if m:
        code = m.group(1)
        kind, meaning = NET_ERRORS.get(code, ("navigation", ""))
        if "CERT" in code or "SSL" in code:
            kind, meaning = "tls", "the site's HTTPS certificate is not trusted (self-signed, expired or for another host)"
        elif code == "ERR_ABORTED" and "download" in text.lower():
            kind, meaning = "download", "the address served a file to download instead of a page"
        return kind, f"{first} — {meaning}" if meaning else first, code in TRANSIENT_NET
    if "Download is starting" in text:
        return "download", f"{first} — the address served a file to download instead of a page", False
    if "Target crashed" in text:
        return "crash", f"{first} — the browser tab crashed", False
    if any(s in text for s in BROWSER_GONE):
        return "browser", f"{first} — the browser closed or crashed", False
    if "intercepts pointer events" in text:
        m = re.search(r"(<[^>]{1,160}>)[^\n]*intercepts pointer events", text)
        who = m.group(1) if m else "another element"
        return "obscured", f"{first} — the target is covered by {who}", False
    if "Execution context was destroyed" in text:
        return "navigation", f"{first} — the page navigated away while it was being read", False
    if "interrupted by another navigation" in text:  # a script or an error page moved on first: a goto may retry
        return "navigation", first, True
    if name == "TimeoutError" or "Timeout" in first:
        method = _method(first)
        if method in _PAGE_WAITS:
            return "timeout", f"{first} — the page did not finish loading in time", method in ("goto", "reload")
        if method in ("wait_for_function", "evaluate", "screenshot"):
            return "timeout", first, False
        why = "the element never appeared"
        if "not visible" in text:
            why = "the element is on the page but not visible"
        elif "not enabled" in text or "disabled" in text:
            why = "the element is disabled"
        elif "not stable" in text:
            why = "the element kept moving"
        return "selector", f"{first} — {why}", False
    return "error", first, False
