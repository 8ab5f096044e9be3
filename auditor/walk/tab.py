"""The browser tab a walk drives, set up so that nothing on the page can hang the walk, take it
outside ``allowed_domains`` or open windows of its own: one context and page, their listeners, the
navigation guard, a CDP session made while the page still answers (to stop the page's scripts), and
the watchdog (watchdog.py) that stops the tab's processes when even that is not enough."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..model import Device
from . import throttle as throttling
from .capture import INIT_JS, MASK_COLOR, Masker, bounded_eval, mask_locators
from .events import Listeners, PlaywrightTimeout, allowed_url
from .settle import SETTLE_JS
from .watchdog import PageHung, Watchdog

# How much longer than its own timeout a call into the page may take before the watchdog stops the tab.
HANG_MARGIN_MS = 5000
# Stopping the page's scripts, or a load that waits for a server: one CDP command, answered at once by a
# browser that is not jammed (measured: ~0.1 s on a page in an endless loop).
STOP_MS = 2000
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
    ctx.add_init_script(SETTLE_JS)
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


class Tab:
    """A context with one page, guarded. ``bound(ms, what)`` wraps any call into the page."""

    def __init__(self, browser, device: Device, storage_state: str | None, *, mask: Masker,
                 allowed: tuple[str, ...], timeout_ms: float, throttle: str = "none",
                 hard_deadline: float | None = None, browser_pid: int | None = None):
        """``hard_deadline`` (time.monotonic() seconds): no call into this tab outlives it, whatever the
        page does; ``browser_pid``: the browser's process, when this process started it (watchdog.py)."""
        self.mask = mask
        self.watchdog = Watchdog(browser_pid, hard_deadline)
        self.watchdog.arm_walk()
        self.context = new_context(browser, device, storage_state)
        try:
            # Every Playwright call without its own timeout (screenshots, locator reads) is bounded too.
            self.context.set_default_timeout(float(timeout_ms))
            self.page = self.context.new_page()
            self.listeners = Listeners(mask, allowed)
            self.listeners.attach(self.context, self.page)
            self.cdp = self.context.new_cdp_session(self.page)  # made now: it still answers when the page hangs
            NavigationGuard(self.cdp, self.listeners)
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
        except PlaywrightTimeout as exc:
            if self.unresponsive():
                raise PageHung("the page stopped responding: its scripts keep the browser busy "
                               "(auditor stopped them)") from exc
        except Exception:  # noqa: BLE001 - mid-navigation, or a crash the listeners report: the next read will tell
            pass

    def unresponsive(self) -> bool:
        """True when the page's scripts hold the browser; they are then stopped so it can be shown."""
        try:
            with self.bound(1000, "check that the page responds"):
                self.page.wait_for_function("() => true", timeout=1000)
            return False
        except PageHung:
            return True
        except PlaywrightTimeout:
            # Not while the page shows dialogs: Runtime.terminateExecution is then never answered (measured:
            # a page calling alert() in a loop held the command until the browser was stopped).
            if not any(i.kind == "dialog" for i in self.listeners.interruptions):
                self.stop_scripts()
            return True
        except Exception:  # noqa: BLE001 - closed or navigating: not a busy page
            return False

    def stop_scripts(self) -> None:
        """Stop what the page's scripts are running now (an endless loop); the page stays open."""
        self.send("Runtime.terminateExecution")

    def send(self, method: str) -> None:
        """One CDP command through the session made while the page still answered, bounded."""
        try:
            with self.bound(STOP_MS, "stop the page"):
                self.cdp.send(method)
        except Exception:  # noqa: BLE001 - stopped by the watchdog, or the tab is gone: nothing left to stop
            pass

    def screenshot(self, path: Path, mask_selectors: Iterable[str] = (), *, stop_loading: bool = False,
                   quick: bool = False) -> bool:
        """What the browser shows now (Chromium's error page for network errors), masked like a capture.
        ``stop_loading``: a navigation is still waiting for a server that does not answer; stop it,
        or the screenshot waits for it. (Not otherwise: stopping an error page as it commits leaves
        a page that never paints.) ``quick``: one short try (a page that keeps opening dialogs never
        lets a screenshot finish)."""
        if self.closed:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        if stop_loading:
            self.send("Page.stopLoading")
        for attempt in (1,) if quick else (1, 2):
            timeout = 3000 if quick else 10_000 if attempt == 1 else 5000
            try:
                with self.bound(timeout, "take a screenshot"):
                    self.page.screenshot(path=str(path), type="jpeg", quality=80, timeout=timeout,
                                         mask=mask_locators(self.page, self.mask, mask_selectors),
                                         mask_color=MASK_COLOR, animations="disabled", caret="hide")
                return True
            except Exception as exc:  # noqa: BLE001 - a busy page is stopped, a settling one gets a second try
                if attempt == 2 or quick or isinstance(exc, PageHung) or self.closed:
                    return False
                self.unresponsive()
        return False

    def close(self) -> None:
        try:
            with self.bound(STOP_MS, "close the tab"):
                self.context.close()
        except Exception:  # noqa: BLE001 - already closed with its browser, or stopped by the watchdog
            pass
        finally:
            self.watchdog.disarm()
