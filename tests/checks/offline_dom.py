"""Fixtures for the trust/fee fixture tests (import them by name into the test module):

``fixture_capture(path, kind, url, index)`` captures an HTML fixture once per module, served offline at a
fake URL; ``locate(html, selector, want)`` asks a live copy of the page whether an evidence selector points
at or inside the element a sidecar names."""
from __future__ import annotations

from pathlib import Path

import pytest

from auditor.model import StageCapture
from auditor.walk.snapshot import capture_html

ORIGIN = "https://fixture.test/"


@pytest.fixture(scope="module")
def fixture_capture(browser, tmp_path_factory):
    cache: dict[tuple, StageCapture] = {}
    run_dir = tmp_path_factory.mktemp("captures")

    def get(path: Path, kind: str, url: str, index: int = 0) -> StageCapture:
        key = (path, kind, url, index)
        if key not in cache:
            cache[key] = capture_html(browser, path.read_text(encoding="utf-8"), stage=kind, kind=kind, url=url,
                                      index=index, run_dir=run_dir)
        return cache[key]

    return get


@pytest.fixture(scope="module")
def locate(browser):
    ctx = browser.new_context()
    current: dict[str, str] = {}
    ctx.route("**/*", lambda route: route.fulfill(body=current["html"], content_type="text/html")
              if route.request.url == ORIGIN else route.fulfill(status=404, body=""))
    page = ctx.new_page()

    def inside(html: str, selector: str, want: str) -> bool:
        if current.get("html") != html:
            current["html"] = html
            page.goto(ORIGIN, wait_until="load")
        return page.evaluate("([s, w]) => { const el = document.querySelector(s); return !!el && !!el.closest(w); }",
                             [selector, want])

    yield inside
    ctx.close()
