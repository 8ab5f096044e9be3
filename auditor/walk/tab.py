"""The browser tab a walk drives, set up so that nothing on the page can hang the walk, take it
outside ``allowed_domains`` or open windows of its own: one context and page, their listeners, the
navigation guard, a CDP session made while the page still answers, and the watchdog that uses it."""
from __future__ import annotations

import inspect
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from ..model import Device
from . import throttle as throttling
from .capture import INIT_JS, MASK_COLOR, Masker, bounded_eval, mask_locators
from .events import Listeners, PageHung, allowed_url

# How much longer than its own timeout a call into the page may take before the watchdog stops the page.
HANG_MARGIN_MS = 5000
_DRAIN_POPUPS_JS = "() => { const st = window.__auditor; return st && st.popups ? st.popups.splice(0) : []; }"


def new_context(browser, device: Device, storage_state: str | None):
    kwargs = dict(viewport={"width": device.width, "height": device.height},
                  device_scale_factor=device.device_scale_factor, is_mobile=device.is_mobile,
                  has_touch=device.has_touch, accept_downloads=False, service_workers="block",
                  storage_state=storage_state)
    if device.user_agent:
        kwargs["user_agent"] = device.user_agent
    ctx = browser.new_context(**kwargs)
    ctx.add_init_script(INIT_JS)
    return ctx


class NavigationGuard:
    """Blocks main-frame navigation to hosts outside ``allowed_domains``, redirects included.

    Playwright's ``route()`` cannot do this: its driver continues redirected requests without
    routing them, so a 302 to another host would be followed. The DevTools Fetch domain pauses
    every *document* request, redirected ones too; each is let through or failed here. Images,
    scripts and XHR of third parties are not paused: they load as they would for a shopper, and
    their failures are recorded. (Fetch interception on the same page would fight Playwright's own,
    so the walker uses no ``route()``.)"""

    def __init__(self, cdp, listeners: Listeners):
        self.cdp, self.listeners = cdp, listeners
        self.main_frame = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        cdp.on("Fetch.requestPaused", self._paused)
        cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document",
                                                "requestStage": "Request"}]})

    def _paused(self, event) -> None:
        url = event.get("request", {}).get("url", "")
        try:
            if event.get("frameId") == self.main_frame and not allowed_url(url, self.listeners.allowed):
                self.listeners.blocked(url)
                self.cdp.send("Fetch.failRequest", {"requestId": event["requestId"], "errorReason": "BlockedByClient"})
            else:
                self.cdp.send("Fetch.continueRequest", {"requestId": event["requestId"]})
        except Exception:  # noqa: BLE001 - the page or the browser went away under the handler
            pass


class Watchdog:
    """Unsticks a call into the page that outlives its deadline.

    A page whose scripts never yield (an endless loop after a bad deploy) holds every call into it
    for ever: evaluate has no timeout, and even wait_for_function's clean-up waits on the page. The
    sync API cannot interrupt a waiting call, but Playwright's event loop keeps running while it
    waits, so timers on that loop escalate: at the deadline Runtime.terminateExecution (through a
    CDP session made while the page still answered) stops the scripts; if the call is still stuck
    ESCALATE_MS later the page is closed, then the context, and a call on a closed page returns
    at once. ``bound()`` then raises PageHung; ``closed`` says the walk cannot go on.
    This reads private attributes of playwright-python (the loop and the async objects behind the
    sync ones); without them the watchdog does nothing and only the calls' own timeouts apply."""

    ESCALATE_MS = 5000

    def __init__(self, cdp, page, context):
        self.loop = getattr(cdp, "_loop", None)
        self._cdp, self._page, self._context = (getattr(o, "_impl_obj", None) for o in (cdp, page, context))
        self.fired = False
        self.closed = False

    @contextmanager
    def bound(self, ms: float, what: str) -> Iterator[None]:
        if self.loop is None:
            yield
            return
        self.fired = False
        timers = [self.loop.call_later((ms + i * self.ESCALATE_MS) / 1000, fire)
                  for i, fire in enumerate((self._terminate, self._close_page, self._close_context))]
        hung = (f"the page stopped responding while auditor tried to {what}: its scripts kept the browser busy "
                f"for more than {int(ms)} ms (auditor stopped them)")
        try:
            yield
        except Exception as exc:
            if self.fired:
                raise PageHung(hung) from exc
            raise
        finally:
            for timer in timers:
                timer.cancel()
        if self.fired:
            raise PageHung(hung)

    def _spawn(self, method, *args) -> None:
        try:  # the async methods' optional parameters have no defaults: None for each one not given
            n = len(inspect.signature(method).parameters)
            task = self.loop.create_task(method(*(list(args[:n]) + [None] * (n - len(args)))))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())  # never "exception never retrieved"
        except Exception:  # noqa: BLE001 - internals that moved: the calls' own timeouts still apply
            pass

    def send_soon(self, method: str) -> None:
        """Send a CDP command without waiting for its answer: a hung page may never give one."""
        if self.loop is not None and hasattr(self._cdp, "send"):
            self._spawn(self._cdp.send, method, None, None)

    def _terminate(self) -> None:
        self.fired = True
        self.send_soon("Runtime.terminateExecution")

    def _close_page(self) -> None:
        self.closed = True
        if hasattr(self._page, "close"):
            self._spawn(self._page.close)

    def _close_context(self) -> None:
        if hasattr(self._context, "close"):
            self._spawn(self._context.close)


class Tab:
    """A context with one page, guarded. ``bound(ms, what)`` wraps any call into the page."""

    def __init__(self, browser, device: Device, storage_state: str | None, *, mask: Masker,
                 allowed: tuple[str, ...], timeout_ms: float, throttle: str = "none"):
        self.mask = mask
        self.context = new_context(browser, device, storage_state)
        try:
            # Every Playwright call without its own timeout (screenshots, locator reads) is bounded too.
            self.context.set_default_timeout(float(timeout_ms))
            self.page = self.context.new_page()
            self.listeners = Listeners(mask, allowed)
            self.listeners.attach(self.context, self.page)
            self.cdp = self.context.new_cdp_session(self.page)  # made now: it still answers when the page hangs
            NavigationGuard(self.cdp, self.listeners)
            self.watchdog = Watchdog(self.cdp, self.page, self.context)
            throttling.apply(self.context, self.page, throttle)
        except BaseException:
            self.close()
            raise

    @property
    def closed(self) -> bool:
        """The watchdog had to close the page: nothing more can be done in this tab."""
        return self.watchdog.closed

    def bound(self, ms: float, what: str):
        return self.watchdog.bound(ms + HANG_MARGIN_MS, what)

    def drain_popups(self, timeout_ms: float) -> None:
        """Report the pop-ups init.js stopped: read, not waited for, so none slips past a quick step."""
        try:
            with self.bound(timeout_ms, "read the page"):
                for url in bounded_eval(self.page, _DRAIN_POPUPS_JS, None, timeout_ms):
                    self.listeners.popup(str(url))
        except PageHung:
            raise
        except Exception as exc:  # noqa: BLE001 - mid-navigation: the next read will tell
            if "Timeout" in str(exc) and self.unresponsive():
                raise PageHung("the page stopped responding: its scripts keep the browser busy "
                               "(auditor stopped them)") from exc

    def unresponsive(self) -> bool:
        """True when the page's scripts hold the browser; they are then stopped so it can be shown."""
        try:
            with self.bound(1000, "check that the page responds"):
                self.page.wait_for_function("() => true", timeout=1000)
            return False
        except PageHung:
            return True
        except Exception as exc:  # noqa: BLE001
            if "Timeout" not in str(exc):
                return False  # closed or navigating: not a busy page
            self.watchdog.send_soon("Runtime.terminateExecution")
            return True

    def screenshot(self, path: Path, mask_selectors: Iterable[str] = (), *, stop_loading: bool = False) -> bool:
        """What the browser shows now (Chromium's error page for network errors), masked like a capture.
        ``stop_loading``: a navigation is still waiting for a server that does not answer; stop it,
        or the screenshot waits for it. (Not otherwise: stopping an error page as it commits leaves
        a page that never paints.)"""
        if self.closed:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        if stop_loading:
            self.watchdog.send_soon("Page.stopLoading")
        for attempt in (1, 2):
            try:
                with self.bound(10_000, "take a screenshot"):
                    self.page.screenshot(path=str(path), type="jpeg", quality=80, timeout=10_000 if attempt == 1 else 5000,
                                         mask=mask_locators(self.page, self.mask, mask_selectors),
                                         mask_color=MASK_COLOR, animations="disabled", caret="hide")
                return True
            except Exception as exc:  # noqa: BLE001 - a busy page is stopped, a settling one gets a second try
                if attempt == 2 or isinstance(exc, PageHung) or self.closed:
                    return False
                self.unresponsive()
        return False

    def close(self) -> None:
        try:
            self.context.close()
        except Exception:  # noqa: BLE001 - already closed with its browser
            pass
