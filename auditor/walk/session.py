"""One browser for a run: Playwright's driver and Chromium, launched here (walk/browser.py) or reached
at a remote Playwright browser server (``--connect``), started and stopped together.

    with browser_session(browser_path, connect) as browser:
        walk_journey(browser, …)

Starting and stopping are timed as the ``launch`` phase, apart from the walk.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from playwright.sync_api import Browser, sync_playwright

from ..errors import BrowserNotFound
from ..run.phases import phase
from .browser import launch, resolve_browser


@contextmanager
def browser_session(browser_path: str | None = None, connect: str | None = None) -> Iterator[Browser]:
    with phase("launch"):  # the driver and the browser, started and stopped: timed apart from the walk
        with ignored_signals(signal.SIGINT, signal.SIGTERM):  # inherited by the driver: see ignored_signals
            p = sync_playwright().start()
        try:
            if connect:
                try:
                    browser = p.chromium.connect(connect)
                except Exception as exc:  # noqa: BLE001
                    raise BrowserNotFound(f"could not connect to the browser server at {connect}: "
                                          f"{str(exc).splitlines()[0]}") from exc
            else:
                browser = launch(p, resolve_browser(browser_path, playwright=p))
        except BaseException:
            p.stop()
            raise
    try:
        yield browser
    finally:
        with phase("launch"):
            try:
                browser.close()
            except Exception:  # noqa: BLE001 - a crashed browser is already reported by its journeys
                pass
            p.stop()


@contextmanager
def ignored_signals(*signals: signal.Signals) -> Iterator[None]:
    """Processes started inside inherit these signals ignored. A terminal's Ctrl-C signals the whole
    process group: Playwright's driver died of it (and its browser with it) while auditor was still
    stopping the walk in order (run/interrupt.py), so a step could fail as "browser" instead of being
    reported as interrupted. Started with SIGINT and SIGTERM ignored, and with launch() leaving them
    alone, the driver hears of an interruption from auditor only. A signal in this short window (the
    driver starting) is lost; the next one is not."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in signals}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
