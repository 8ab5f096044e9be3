"""When a page is ready to capture after a step, and how long a shopper waited for it.

The settle rule: the main document has arrived, its DOM is parsed, the images in view have loaded
and the fonts too, and no request that can change what is shown has been in flight for a moment
(``QUIET_MS``); bounded by the step timeout. A request in flight for more than ``STALL_MS`` stops
holding the page back (a third-party script or pixel that never answers must not hang the walk): it is
reported as hung, on the stage. Images in view are waited for up to the step timeout: they are what
the shopper is looking at.

For a step that loads no new document (a single-page shop's pushState navigation, or any step that
redraws the page), the stage's load time is ``soft_load_ms``: from the action to the largest paint it
caused, as Chromium's interaction-contentful-paint entries give it (settle.js); where the browser gives
none, from the step's start to the last image load or DOM change before the page settled.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Rect, Request, Timing
from .capture import bounded_eval
from .events import PlaywrightError, PlaywrightTimeout, host_matches
from .watchdog import PageHung

SETTLE_JS = (Path(__file__).parent / "settle.js").read_text(encoding="utf-8")
_PROBE_JS = "(since) => window.__auditorSettle ? window.__auditorSettle(since) : null"

QUIET_MS = 500  # no request for this long after a step that loaded no document: the app is done
STALL_MS = 5000  # a request in flight longer than this no longer holds the capture back (reported as hung)
POLL_MS = 100
PROBE_MS = 3000  # one read of the page's state; longer means its scripts hold it (walker: unresponsive)
MIN_BOX_PX = 4


class DocumentTimeout(Exception):
    """The main document did not arrive within the step timeout."""


@dataclass(frozen=True)
class Settled:
    waited_ms: float
    timed_out: bool  # the step timeout ran out before the page settled
    soft_load_ms: float | None = None  # only meaningful when the step loaded no document
    lcp_selector: str | None = None
    lcp_box: Rect | None = None
    source: str = ""  # "interaction-contentful-paint" | "fallback" | ""
    token: str | None = None  # settle.js's per-document token, to tell the next step's new document
    notes: tuple[str, ...] = ()
    hung: tuple[Request, ...] = ()


def _probe(tab, since: float, timeout_ms: float) -> dict[str, Any] | None:
    with tab.bound(timeout_ms, "read the page's state"):
        try:
            return bounded_eval(tab.page, _PROBE_JS, since, timeout_ms)
        except PlaywrightTimeout:
            raise
        except PlaywrightError:  # mid-navigation (the context went away): the next probe reads the new page
            return None


def wait_document(tab, timeout_ms: float) -> None:
    """After a goto that returned at commit: wait until the main document has arrived whole (its parts
    that never come, images or scripts, are the settle rule's business). Raises DocumentTimeout."""
    deadline = time.monotonic() + timeout_ms / 1000
    while any(f.document for f in tab.listeners.inflight.values()) and not tab.listeners.interruptions:
        if time.monotonic() >= deadline:
            raise DocumentTimeout(f"the page did not arrive within {int(timeout_ms)} ms (the server sent part "
                                  "of it, or nothing, and then stopped)")
        tab.page.wait_for_timeout(POLL_MS / 2)


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.1f} s"


def settle(tab, *, started: float, budget_ms: float, prev_token: str | None) -> Settled:
    """Wait until the page has settled (module docstring), at most ``budget_ms``. ``started``: the step's
    first action (time.monotonic()); ``prev_token``: the token of the page the step began on.
    Raises DocumentTimeout when the main document itself never arrived, PlaywrightTimeout or PageHung
    when the page's scripts kept it from answering; returns early on an interruption (the walker reports it)."""
    lst = tab.listeners
    begin = time.monotonic()
    deadline = begin + budget_ms / 1000
    state: dict[str, Any] | None = None
    since = 0.0
    while True:
        read = _probe(tab, since, PROBE_MS)
        now = time.monotonic()
        if read is not None:
            # The page clock and ours tick alike: the step's start in page time, for this document.
            since = max(0.0, float(read["now"]) - (now - started) * 1000)
            state = read
        if lst.interruptions or tab.closed:
            break
        if read is not None and _done(read, lst, now, begin, new_doc=read["token"] != prev_token):
            break
        if now >= deadline:
            if any(f.document for f in lst.inflight.values()):
                raise DocumentTimeout(f"the page did not arrive within {int(budget_ms)} ms (the server sent "
                                      "part of it, or nothing, and then stopped)")
            return _result(tab, state, started, begin, since, timed_out=True)
        tab.page.wait_for_timeout(POLL_MS)  # not time.sleep: Playwright's events go on arriving meanwhile
    return _result(tab, state, started, begin, since, timed_out=False)


def _done(read: dict[str, Any], lst, now: float, begin: float, *, new_doc: bool) -> bool:
    if read["ready"] == "loading" or read["waiting"] or read["fonts"]:
        return False
    if any(now - f.started < STALL_MS / 1000 and f.counts for f in lst.inflight.values()):
        return False
    if new_doc and read["ready"] == "complete":
        return True  # a new document past its load event: its own requests are done
    quiet = QUIET_MS / 1000
    return now - lst.last_activity >= quiet and now - begin >= quiet


def _result(tab, state: dict[str, Any] | None, started: float, begin: float, since: float, *,
            timed_out: bool) -> Settled:
    now = time.monotonic()
    waited_ms = (now - begin) * 1000
    notes: list[str] = []
    hung: list[Request] = []
    mask = tab.listeners.mask
    for f in list(tab.listeners.inflight.values()):
        age_ms = (now - f.started) * 1000
        if not f.counts or (age_ms < STALL_MS and not timed_out):
            continue
        url = mask(f.url)[:500]
        hung.append(Request(url, f.method, f.resource_type, None, f"no answer after {_seconds(age_ms)}",
                            host_matches(f.host, tab.listeners.allowed)))
        notes.append(f"{f.resource_type or 'request'} still loading after {_seconds(age_ms)}, not waited for: "
                     f"{url[:200]}")
    if timed_out and state and state["waiting"]:
        shown = ", ".join(mask(u)[:120] for u in state["waiting"][:3])
        notes.append(f"captured before the page settled: {len(state['waiting'])} image(s) in view still "
                     f"loading after {_seconds(waited_ms)} (the step timeout): {shown}")
    if not state:
        return Settled(waited_ms, timed_out, notes=tuple(notes), hung=tuple(hung))
    soft, sel, box, source = None, None, None, ""
    paint = state.get("paint")
    if paint:
        soft, source = float(paint["end"]) - float(paint["start"]), "interaction-contentful-paint"
        sel, box = paint.get("sel"), paint.get("box")
    else:
        last = max(float(state["lastImage"]), float(state["lastMutation"]))
        if last >= since:
            soft, source = last - since, "fallback"
    if soft is not None:
        soft = round(min(max(soft, 0.0), (now - started) * 1000), 1)
    rect = Rect(*(round(float(v), 2) for v in box)) if box else None
    return Settled(waited_ms, timed_out, soft, sel, rect, source, state.get("token"), tuple(notes), tuple(hung))


def soft_timing(timing: Timing, settled: Settled) -> Timing:
    """A step that loaded no document is timed from its action to the page having settled (settle.py);
    the largest paint the action caused is the evidence. A step that loaded one keeps its page timings."""
    if timing.navigated or settled.soft_load_ms is None:
        return timing
    return dataclasses.replace(timing, soft_load_ms=settled.soft_load_ms, lcp_selector=settled.lcp_selector,
                               lcp_box=settled.lcp_box)


__all__ = ["DocumentTimeout", "PageHung", "SETTLE_JS", "Settled", "settle", "soft_timing", "wait_document"]
