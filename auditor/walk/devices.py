"""Playwright's named devices ("Pixel 7", "iPhone 15"…) with their viewport, scale and user agent, for
scenarios that name one (scenario/devices.py)."""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, Mapping

from playwright.sync_api import sync_playwright


@lru_cache(maxsize=1)
def device_descriptors() -> Mapping[str, Mapping[str, Any]]:
    """Playwright's device descriptors ("Pixel 7", "iPhone 15"…), read once, and only when a
    scenario names one: it starts Playwright's driver (no browser). The driver runs in a thread
    of its own because the sync API refuses to start inside a running asyncio loop."""
    box: dict[str, Any] = {}

    def read() -> None:
        try:
            with sync_playwright() as p:
                box["devices"] = dict(p.devices)
        except BaseException as e:  # handed to the caller's thread below
            box["error"] = e

    worker = threading.Thread(target=read, name="auditor-device-list", daemon=True)
    worker.start()
    worker.join(60)
    if "error" in box:
        raise box["error"]
    if "devices" not in box:
        raise TimeoutError("Playwright's driver did not answer within 60 s")
    return box["devices"]
