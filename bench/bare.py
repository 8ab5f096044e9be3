"""The floor: what the browser itself must spend on a scenario, written as a plain Playwright script.

Same launch (same Chromium, same flags), same contexts (viewport, scale, touch, user agent), the
scenario's own actions with Playwright's plain calls, the same wait for the load event after each
step, and the same full-page screenshot auditor takes (JPEG, quality 82, device scale, animations
off, caret hidden). Nothing else: no init script, no listeners, no navigation guard, no in-page
collection, no masking, no checks, no report. An optional action runs only when its element is on
the page (or, with ``timeout_ms``, appears within that time) and is skipped otherwise, as auditor
does, so a wait the scenario asks for counts in the floor and never as overhead.

This file does not import auditor's walker on purpose: it is the fixed reference auditor is
measured against, and must not get faster or slower when the walker changes.
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

STEP_TIMEOUT_MS = 30_000


def _url(base_url: str, value: str) -> str:
    if re.match(r"^[a-z][a-z0-9+.-]*:", value or "", re.I):
        return value
    return urljoin(base_url.rstrip("/") + "/", value or "")


def act(page, a, base_url: str) -> None:
    timeout = float(a.timeout_ms or STEP_TIMEOUT_MS)
    if a.optional and a.selector and a.kind not in ("goto", "dismiss"):
        loc = page.locator(a.selector).first
        try:  # on the page now, or (with timeout_ms) within that time; else skipped, as the scenario allows
            if a.timeout_ms:
                loc.wait_for(state="visible", timeout=timeout)
            elif not loc.is_visible():
                return
        except Exception:  # noqa: BLE001
            return
    k, sel, val = a.kind, a.selector, a.value
    if k == "goto":
        page.goto(_url(base_url, val), wait_until="load", timeout=timeout)
    elif k in ("click", "place_order"):
        page.click(sel, timeout=timeout)
    elif k == "fill":
        page.fill(sel, val or "", timeout=timeout)
    elif k == "select":
        try:
            page.select_option(sel, value=val, timeout=timeout)
        except Exception:  # noqa: BLE001 - a label, not a value
            page.select_option(sel, label=val, timeout=timeout)
    elif k == "check":
        page.check(sel, timeout=timeout)
    elif k == "uncheck":
        page.uncheck(sel, timeout=timeout)
    elif k == "press":
        if sel:
            page.press(sel, val or "Enter", timeout=timeout)
        else:
            page.keyboard.press(val or "Enter")
    elif k == "wait_for":
        page.wait_for_selector(sel, state="visible", timeout=timeout)
    elif k == "hover":
        page.hover(sel, timeout=timeout)
    elif k == "dismiss":
        loc = page.locator(sel).first
        try:
            loc.wait_for(state="visible", timeout=min(timeout, 1500))
        except Exception:  # noqa: BLE001
            return
        loc.click(timeout=timeout)
    else:
        raise ValueError(f"bare walk: unknown action {k!r}")


def walk_device(browser, scenario, device, out_dir: Path) -> int:
    """One journey on one device. Returns the number of stages captured."""
    kwargs = dict(viewport={"width": device.width, "height": device.height},
                  device_scale_factor=device.device_scale_factor, is_mobile=device.is_mobile,
                  has_touch=device.has_touch, accept_downloads=False, service_workers="block")
    if device.user_agent:
        kwargs["user_agent"] = device.user_agent
    ctx = browser.new_context(**kwargs)
    page = ctx.new_page()
    shots = 0
    try:
        for i, step in enumerate(scenario.steps):
            if step.when and not page.locator(step.when).first.is_visible():
                continue
            for a in step.actions:
                act(page, a, scenario.base_url)
            page.wait_for_load_state("load")
            if step.ready:
                page.wait_for_selector(step.ready, state="visible")
            path = out_dir / device.name / f"{i:02d}.jpg"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True, type="jpeg", quality=82, scale="device",
                            animations="disabled", caret="hide")
            shots += 1
    finally:
        ctx.close()
    return shots


def bare_run(scenario, executable: str | None, args: list[str], out_dir: Path, devices=None,
             timings: dict | None = None) -> int:
    """Start Playwright and Chromium, walk every device in turn, close. Returns stages captured;
    ``timings`` gets launch / walk / close seconds and the browser version."""
    timings = {} if timings is None else timings
    out_dir.mkdir(parents=True, exist_ok=True)
    shots = 0
    t0 = time.perf_counter()
    with sync_playwright() as p:
        kw = {"headless": True, "args": args}
        if executable:
            kw["executable_path"] = executable
        browser = p.chromium.launch(**kw)
        timings["browser_version"] = browser.version
        t1 = time.perf_counter()
        try:
            for device in devices or scenario.devices:
                shots += walk_device(browser, scenario, device, out_dir)
        finally:
            t2 = time.perf_counter()
            browser.close()
    timings.update(launch=(t1 - t0) + (time.perf_counter() - t2), walk=t2 - t1)
    return shots
