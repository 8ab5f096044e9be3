"""Hard limits that hold whatever a page does, without reaching into playwright-python's internals.

Two layers. The graceful one lives in the walker: every call into the page carries Playwright's own
timeout, and when one runs out on a page whose scripts never yield, the walker stops them with CDP
``Runtime.terminateExecution`` through a session made while the page still answered (measured on
Chromium 156: the command returns in about 0.1 s on a page stuck in ``for (;;) {}``), so the tab is
still there for a failure screenshot.

That cannot free a call that has no timeout of its own, nor a browser process the page has jammed:
without Chromium's IPC flooding protection a ``history.pushState`` flood kept the browser process busy
for minutes, and every CDP command, ``page.close()`` included, waited behind it. For those this module
stops processes from a timer thread, which needs nothing from Playwright's event loop: at the deadline
the renderer processes of the browser (the tab crashes, the waiting call returns, and the browser lives
on for the next journey), ``ESCALATE_S`` later the browser itself. The process ids come from the browser
(CDP ``SystemInfo.getProcessInfo``) and from /proc; a browser that is not a descendant of this process
(``--connect`` to a remote one) is never signalled, and there only the graceful layer applies.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ESCALATE_S = 5.0  # renderer stopped, call still stuck: the browser process is stopped this much later
PROC = Path("/proc")


class PageHung(Exception):
    """A call into the page outlived its deadline because the page kept the browser busy."""


def _parent(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None


def _descends_from(pid: int, ancestor: int) -> bool:
    seen = 0
    while pid > 1 and seen < 64:
        parent = _parent(pid)
        if parent is None:
            return False
        if parent == ancestor:
            return True
        pid, seen = parent, seen + 1
    return False


def renderer_pids(browser_pid: int) -> list[int]:
    """The renderer processes under ``browser_pid`` (none where /proc cannot be read)."""
    out = []
    try:
        entries = [p for p in PROC.iterdir() if p.name.isdigit()]
    except OSError:
        return []
    for entry in entries:
        try:
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"--type=renderer" in cmd and b"--top-chrome-webui" not in cmd and _descends_from(int(entry.name),
                                                                                              browser_pid):
            out.append(int(entry.name))
    return out


def local_browser_pid(browser) -> int | None:
    """The browser's process id when this process started it (a descendant of ours), else None."""
    try:
        session = browser.new_browser_cdp_session()
        try:
            info = session.send("SystemInfo.getProcessInfo")
        finally:
            session.detach()
    except Exception:  # noqa: BLE001 - a browser without the domain: only the graceful layer applies
        return None
    pid = next((int(p["id"]) for p in info.get("processInfo", ()) if p.get("type") == "browser"), None)
    if pid is None or not PROC.is_dir() or not _descends_from(pid, os.getpid()):
        return None
    return pid


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # gone already
        pass


class _Arm:
    """Two timers for one deadline: the tab's renderers, then the browser."""

    def __init__(self, dog: "Watchdog", delay_s: float):
        self.fired = False
        self.timers = [threading.Timer(max(0.0, delay_s), self._stop_tab, (dog,)),
                       threading.Timer(max(0.0, delay_s) + ESCALATE_S, self._stop_browser, (dog,))]
        for t in self.timers:
            t.daemon = True
            t.start()

    def _stop_tab(self, dog: "Watchdog") -> None:
        self.fired = dog.closed = True
        if dog.browser_pid is not None:
            for pid in renderer_pids(dog.browser_pid):
                _kill(pid)

    def _stop_browser(self, dog: "Watchdog") -> None:
        self.fired = dog.closed = True
        if dog.browser_pid is not None:
            _kill(dog.browser_pid)

    def cancel(self) -> None:
        for t in self.timers:
            t.cancel()


class Watchdog:
    """``bound(ms, what)`` around any call into the page; ``hard_deadline`` (monotonic seconds) caps
    every bound and, armed with ``arm_walk``, the calls made outside any bound."""

    def __init__(self, browser_pid: int | None, hard_deadline: float | None = None):
        self.browser_pid = browser_pid
        self.hard_deadline = hard_deadline
        self.closed = False  # processes were stopped: nothing more can be done in this tab
        self._walk: _Arm | None = None

    def _delay(self, ms: float) -> float:
        at = time.monotonic() + ms / 1000
        if self.hard_deadline is not None:
            at = min(at, self.hard_deadline)
        return at - time.monotonic()

    def arm_walk(self) -> None:
        if self.hard_deadline is not None and self._walk is None:
            self._walk = _Arm(self, self.hard_deadline - time.monotonic())

    def disarm(self) -> None:
        if self._walk is not None:
            self._walk.cancel()
            self._walk = None

    @contextmanager
    def bound(self, ms: float, what: str) -> Iterator[None]:
        arm = _Arm(self, self._delay(ms))
        hung = (f"the page stopped responding while auditor tried to {what}: it kept the browser busy "
                f"for more than {int(ms)} ms (auditor stopped the tab)")
        try:
            yield
        except Exception as exc:
            if arm.fired:
                raise PageHung(hung) from exc
            raise
        finally:
            arm.cancel()
        if arm.fired:
            raise PageHung(hung)
