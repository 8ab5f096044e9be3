"""Capture a piece of HTML as if it were a stage of a real shop: for check fixtures and
bug reports. The HTML is served at a realistic https URL through request interception, so
nothing leaves the machine and the page is a secure context like a real checkout."""
from __future__ import annotations

import tempfile
from pathlib import Path

from ..model import Device, Journey, StageCapture
from ..scenario.types import BUILTIN_DEVICES
from .capture import INIT_JS, CaptureSpec, Masker, PageEvents, capture_stage


def capture_html(browser, html: str, *, stage: str = "checkout", kind: str | None = None,
                 url: str = "https://shop.example/checkout", device: Device | str = "desktop",
                 run_dir: Path | None = None, index: int = 0, secrets: frozenset[str] = frozenset()) -> StageCapture:
    dev = BUILTIN_DEVICES[device] if isinstance(device, str) else device
    run_dir = Path(run_dir or tempfile.mkdtemp(prefix="auditor-fixture-"))
    ctx = browser.new_context(viewport={"width": dev.width, "height": dev.height},
                              device_scale_factor=dev.device_scale_factor, is_mobile=dev.is_mobile,
                              has_touch=dev.has_touch, user_agent=dev.user_agent or None)
    try:
        ctx.add_init_script(INIT_JS)
        # Everything else on the fake origin (images, css) is an empty 404: fixtures are self-contained.
        page_url = url.split("#", 1)[0]  # requests never carry the fragment
        ctx.route("**/*", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
                  if route.request.url == page_url else route.fulfill(status=404, body=""))
        page = ctx.new_page()
        resp = page.goto(url, wait_until="load")
        spec = CaptureSpec(stage=stage, kind=kind or stage, index=index, step=index, label=stage,
                           device=dev.name, run_dir=run_dir, screenshot_rel=f"screenshots/{dev.name}/{index:02d}-{stage}.jpg")
        cap, _ = capture_stage(page, spec, mask=Masker(secrets), events=PageEvents(), step_ms=None, prev_doc=None)
    finally:
        ctx.close()
    from dataclasses import replace
    return replace(cap, status=resp.status if resp else None)


def journey_of(*stages: StageCapture, device: Device | str = "desktop", scenario: str = "fixture") -> Journey:
    dev = BUILTIN_DEVICES[device] if isinstance(device, str) else device
    return Journey(scenario=scenario, scenario_path="<fixture>", device=dev, stages=tuple(stages))
