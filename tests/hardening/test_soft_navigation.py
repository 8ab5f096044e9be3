"""A single-page shop (history.pushState between pages) is timed and captured as a shopper sees it.

The product page's hero image arrives 4.5 s after the click. The stage must carry that wait as its
load time (``soft_load_ms``, judged by slow-load against the LCP bands) and its screenshot must show
the image; without the delay the same shop passes. Times are compared with wide margins only.
"""
from __future__ import annotations

import pytest
from PIL import Image

from .clirun import CliRun, audit, scenario_text
from .faultserver import HERO_RGB

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DELAY_S = 4.5


def walk_spa(tmp_path, fault, delay: float) -> CliRun:
    steps = f"""
- stage: landing
  name: home
  actions:
    - goto: /spa?delay={delay}
- stage: product
  name: product
  actions:
    - click: "#to-product"
"""
    res = audit(tmp_path, scenario_text("spa", fault.url, steps, limits="{step_timeout_ms: 15000}"))
    assert "Traceback" not in res.stderr and res.rc in (0, 1), res.stderr
    assert not res.journey["failures"], res.journey["failures"]
    return res


def product(res: CliRun) -> dict:
    (stage,) = [s for s in res.journey["stages"] if s["stage"] == "product"]
    assert stage["timing"]["navigated"] is False, "a pushState step must not count as a new document"
    return stage


def soft_findings(res: CliRun) -> list[dict]:
    return [f for f in res.report["findings"]
            if f["check"] == "slow-load" and f["stage"] == "product" and f["key"] == "soft_load"]


def hero_pixels(res: CliRun, stage: dict) -> float:
    """Share of the hero's box, in the stage's screenshot, painted in the hero's colour."""
    box = stage["timing"]["lcp_box"]
    assert box, "the largest paint after the click is the evidence box"
    scale = stage["device_scale_factor"]
    with Image.open(res.run_dir / stage["screenshot"]) as im:
        rgb = im.convert("RGB")
        x0, y0 = int(box["x"] * scale) + 4, int(box["y"] * scale) + 4
        x1, y1 = int((box["x"] + box["width"]) * scale) - 4, int((box["y"] + box["height"]) * scale) - 4
        pts = [(x, y) for x in range(x0, x1, 23) for y in range(y0, y1, 23)]
        near = sum(1 for p in pts if all(abs(c - h) < 40 for c, h in zip(rgb.getpixel(p), HERO_RGB)))
    return near / len(pts)


def test_late_hero_image_of_a_single_page_shop_fails_slow_load_and_is_captured(tmp_path, fault):
    res = walk_spa(tmp_path, fault, DELAY_S)
    stage = product(res)
    soft = stage["timing"]["soft_load_ms"]
    assert soft is not None and DELAY_S * 1000 * 0.8 < soft < DELAY_S * 1000 + 8000, stage["timing"]
    (finding,) = soft_findings(res)
    assert finding["severity"] == "major" and finding["measured"] == soft, finding
    assert "after the click" in finding["title"]
    assert stage["timing"]["lcp_selector"] == "#hero"
    assert hero_pixels(res, stage) > 0.9, "the screenshot must show the hero image, not a blank box"


def test_the_same_shop_without_the_delay_passes_slow_load(tmp_path, fault):
    res = walk_spa(tmp_path, fault, 0)
    stage = product(res)
    soft = stage["timing"]["soft_load_ms"]
    assert soft is not None and soft < 2500, stage["timing"]
    assert not soft_findings(res)
    assert any(p["check"] == "slow-load" and p["stage"] == "product" and "Load (soft navigation)" in p["title"]
               for p in res.report["passed"]), "the soft navigation was not judged"
    assert hero_pixels(res, stage) > 0.9
