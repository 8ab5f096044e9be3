"""slow-load: hand-built timings (a browser cannot make a fixture slow deterministically), plus one real
capture to check that the evidence box is the page's LCP element."""
from __future__ import annotations

import base64
import io
import random
from dataclasses import replace

import pytest
from PIL import Image

from auditor.checks import load_timing
from auditor.checks.runner import run_check
from auditor.model import Element, Rect, StageCapture, Timing
from auditor.config.policy import DEFAULT_POLICY, Policy
from auditor.walk.snapshot import journey_of
from fixture_pages import FIXTURES, capture

HERO = Element(index=3, selector="#hero", tag="img", box=Rect(75, 81, 676, 507), visible=True, role="img",
               name="Alpine Fleece Jacket", name_source="alt", attrs={"id": "hero", "src": "/hero.jpg"})
FAST = dict(ttfb_ms=120, fcp_ms=600, lcp_ms=900, cls=0.01, load_ms=1200)


def stage(kind: str = "checkout", elements=(HERO,), **timing) -> StageCapture:
    t = Timing(**{**FAST, "lcp_selector": "#hero", "lcp_box": HERO.box, **timing})
    return StageCapture(stage=kind, kind=kind, index=0, step=0, label=kind, device="desktop",
                        url=f"https://shop.example/{kind}", status=200, title=kind, timing=t, elements=tuple(elements))


def run(*stages: StageCapture, policy: Policy = DEFAULT_POLICY, device: str = "desktop"):
    result = run_check(load_timing, journey_of(*stages, device=device), policy, {}, debug=True)
    return result, {f.key: f for f in result.findings}


def test_fast_page_passes_every_metric():
    result, found = run(stage())
    assert result.outcome == "passed" and not found
    assert [p.title for p in result.passed] == ["TTFB 120 ms within 800 ms", "FCP 600 ms within 1.8 s",
                                                "LCP 900 ms within 2.5 s", "CLS 0.01 within 0.1"]


@pytest.mark.parametrize("metric, value, severity", [
    ("lcp_ms", 2500, None), ("lcp_ms", 2501, "minor"), ("lcp_ms", 4000, "minor"), ("lcp_ms", 4001, "major"),
    ("fcp_ms", 1900, "minor"), ("fcp_ms", 3100, "major"), ("ttfb_ms", 900, "minor"), ("ttfb_ms", 1900, "major"),
    ("cls", 0.1, None), ("cls", 0.2, "minor"), ("cls", 0.3, "major"),
])
def test_core_web_vitals_bands(metric, value, severity):
    _, found = run(stage(**{metric: value, "lcp_ms": max(value, 900) if metric != "cls" else 900}))
    key = metric.removesuffix("_ms")
    assert (found[key].severity if key in found else None) == severity
    if severity:
        f = found[key]
        assert f.measured == value and f.unit == ("" if metric == "cls" else "ms") and not f.proposed
        assert "web-vitals" in f.source and f.source_url.startswith("https://web.dev/")


def test_poor_lcp_on_a_payment_page_is_major_and_boxes_the_lcp_element():
    _, found = run(stage("payment", lcp_ms=5200))
    f = found["lcp"]
    assert f.severity == "major" and f.title == "The main content appears only after 5.2 s (LCP)"
    assert f.evidence[0].selector == "#hero" and f.evidence[0].box == HERO.box and f.threshold == 2500


def test_lcp_element_outside_the_table_still_gets_its_box():
    _, found = run(stage(elements=(), lcp_ms=3000, lcp_selector="html > body > div:nth-of-type(2)"))
    ev = found["lcp"].evidence[0]
    assert ev.selector == "html > body > div:nth-of-type(2)" and ev.box == HERO.box


def test_ttfb_points_at_the_page_and_fcp_names_the_server_share():
    _, found = run(stage(ttfb_ms=2000, fcp_ms=2300, lcp_ms=2400))
    assert found["ttfb"].evidence[0].box is None and found["ttfb"].evidence[0].text == "https://shop.example/checkout"
    assert "TTFB 2.0 s" in found["fcp"].detail


def test_lazy_loaded_lcp_image_gets_a_specific_recommendation():
    lazy = replace(HERO, attrs={"id": "hero", "loading": "lazy"})
    _, found = run(stage(elements=(lazy,), lcp_ms=3000))
    assert found["lcp"].recommendation.startswith('Remove loading="lazy"')


def test_spa_step_is_judged_by_its_response_time_not_paint():
    _, found = run(stage(navigated=False, step_ms=5200, lcp_ms=None, fcp_ms=None, ttfb_ms=None, cls=None))
    assert list(found) == ["step"] and found["step"].severity == "major" and found["step"].proposed
    assert "proposed" in found["step"].detail and "nngroup" in found["step"].source_url
    result, found = run(stage(navigated=False, step_ms=1800, lcp_ms=None))
    assert found["step"].severity == "minor"
    result, found = run(stage(navigated=False, step_ms=400, lcp_ms=9000))  # stale paint metrics are ignored
    assert not found and [p.title for p in result.passed] == ["Step response 400 ms within 1.0 s"]


def test_soft_navigation_load_is_judged_against_the_lcp_bands_with_the_painted_element_as_evidence():
    spa = dict(navigated=False, step_ms=200, lcp_ms=None, fcp_ms=None, ttfb_ms=None, cls=None)
    _, found = run(stage(soft_load_ms=4600, **spa))
    assert list(found) == ["soft_load"] and found["soft_load"].severity == "major"
    assert found["soft_load"].measured == 4600 and found["soft_load"].threshold == 2500
    assert "after the click" in found["soft_load"].title and found["soft_load"].evidence[0].selector == "#hero"
    _, found = run(stage(soft_load_ms=3000, **spa))
    assert found["soft_load"].severity == "minor"
    result, found = run(stage(soft_load_ms=900, **spa))
    assert not found and "Load (soft navigation) 900 ms within 2.5 s" in [p.title for p in result.passed]


def test_median_samples_spread_and_marginal_single_sample_note():
    samples = tuple({"lcp_ms": v} for v in (2600, 2700, 2800, 3900, 2650))
    _, found = run(stage(lcp_ms=2700, samples=samples))
    assert "median of 5 loads, range 2.6 s–3.9 s, IQR" in found["lcp"].detail
    assert "--repeat" not in found["lcp"].detail
    _, found = run(stage(lcp_ms=2600))
    assert "single sample: re-run with --repeat 5" in found["lcp"].detail
    _, found = run(stage(lcp_ms=3600))  # clearly over: no hedging
    assert "--repeat" not in found["lcp"].detail
    _, found = run(stage(lcp_ms=4200, samples=({"lcp_ms": 4100}, {"lcp_ms": 4300})))
    assert "only 2 samples: re-run with --repeat 5" in found["lcp"].detail


def test_contended_cpu_and_throttle_are_stated():
    _, found = run(stage(lcp_ms=3000, contended=True, throttle="mobile"))
    assert "other audit workers shared the CPU" in found["lcp"].detail
    assert "throttle profile mobile" in found["lcp"].detail


def test_policy_overrides_merge_with_defaults_and_per_device():
    _, found = run(stage(lcp_ms=4500), policy=Policy(checks={"slow-load": {"lcp_ms": {"poor": 5000}}}))
    assert found["lcp"].severity == "minor" and found["lcp"].threshold == 2500
    _, found = run(stage(lcp_ms=4500), policy=Policy(checks={"slow-load": {"lcp_ms": [3000, 6000]}}))
    assert found["lcp"].severity == "minor" and found["lcp"].threshold == 3000
    mobile = Policy(checks={"slow-load": {"mobile": {"lcp_ms": {"good": 3000}}}})
    _, found = run(stage(lcp_ms=2800), policy=mobile, device="mobile")
    assert not found
    _, found = run(stage(lcp_ms=2800), policy=mobile, device="desktop")
    assert found["lcp"].severity == "minor"


def test_load_event_is_judged_only_when_a_policy_sets_it():
    _, found = run(stage(load_ms=9000))
    assert "load" not in found
    _, found = run(stage(load_ms=9000), policy=Policy(checks={"slow-load": {"load_ms": {"good": 3000, "poor": 6000}}}))
    assert found["load"].severity == "major" and found["load"].proposed


def test_no_timing_is_not_applicable_and_keys_are_stable():
    result, _ = run(stage(ttfb_ms=None, fcp_ms=None, lcp_ms=None, cls=None, load_ms=None))
    assert result.outcome == "not_applicable" and "no timing" in result.reason
    _, a = run(stage(lcp_ms=3000))
    _, b = run(stage(lcp_ms=3900))
    assert a["lcp"].fingerprint() == b["lcp"].fingerprint()


@pytest.mark.browser
def test_captured_lcp_evidence_is_the_hero_image(browser, tmp_path):
    rnd = random.Random(7)  # a noisy photo: Chromium ignores low-entropy images as LCP candidates
    img = Image.frombytes("RGB", (240, 180), bytes(rnd.getrandbits(8) for _ in range(240 * 180 * 3)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    src = "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
    assert (FIXTURES / "load_timing" / "hero.html").exists()
    cap = capture(browser, tmp_path, "load_timing", "hero.html", "product", "https://shop.example/products/alpine-fleece",
                  0, html_transform=lambda html: html.replace("{{HERO_SRC}}", src))
    slow = replace(cap, timing=replace(cap.timing, lcp_ms=4800))
    _, found = run(slow)
    ev = found["lcp"].evidence[0]
    assert ev.selector == "#hero" and ev.text == "Alpine Fleece Jacket in Forest green"
    assert ev.box and ev.box.width > 600 and ev.box.height > 400
