"""A realistic AuditRun built by hand: 2 devices × 4 stages, a finding of every severity, a
journey that failed midway, a check that crashed, one that did not apply, and screenshots drawn
with Pillow that look enough like shop pages to measure compression honestly."""
from __future__ import annotations

import random
import zlib
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw

from auditor.model import (AuditRun, CheckResult, ConsoleEntry, Device, Element, Evidence, Finding, GateResult,
                           Journey, Passed, Rect, StageCapture, StepFailure, Timing)
from auditor.walk.capture import MASK_COLOR

MASK_RGB = ImageColor.getrgb(MASK_COLOR)  # the walker's mask colour
DESKTOP = Device("desktop", 1350, 940, 1.0)
MOBILE = Device("mobile", 412, 823, 1.75, True, True)
XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>'
JS_URL = "javascript:alert(3)"

# stage id, kind, title, page height (css) on desktop / mobile
STAGES = (
    ("landing", "landing", "Hearth & Bean — coffee gear", 1900, 3300),
    ("product", "product", "Ember kettle 1L", 1500, 2600),
    ("cart", "cart", "Your cart", 1100, 1700),
    ("checkout", "checkout", "Checkout", 1400, 2300),
)


def _page(w: int, h: int, dsf: float, seed: int, blocks: list[tuple[str, Rect]]) -> Image.Image:
    """A page-like screenshot: header, text lines, a photo with real texture, buttons, fields."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (round(w * dsf), round(h * dsf)), (250, 249, 246))
    d = ImageDraw.Draw(img)
    s = dsf
    d.rectangle((0, 0, img.width, 64 * s), fill=(28, 36, 48))
    d.text((20 * s, 22 * s), "Hearth & Bean", fill=(255, 255, 255), font_size=int(18 * s))
    y = 100
    while y < h - 60:
        if rnd.random() < 0.2:  # a product photo: gradient plus noise, the part that costs bytes
            pw, ph = min(w - 40, 520), 260
            photo = Image.effect_noise((round(pw * s), round(ph * s)), 40).convert("RGB")
            tint = Image.new("RGB", photo.size, (rnd.randrange(90, 200), rnd.randrange(60, 160), rnd.randrange(40, 120)))
            img.paste(Image.blend(photo, tint, 0.7), (round(20 * s), round(y * s)))
            y += ph + 24
        else:
            for _ in range(rnd.randrange(2, 6)):
                lw = rnd.randrange(120, max(140, w - 60))
                d.rectangle((20 * s, y * s, (20 + lw) * s, (y + 10) * s), fill=(120, 124, 130))
                y += 22
            y += 18
    for kind, r in blocks:
        box = (r.x * s, r.y * s, r.right * s - 1, r.bottom * s - 1)
        if kind == "mask":
            d.rectangle(box, fill=MASK_RGB)
        elif kind == "button":
            d.rectangle(box, fill=(31, 78, 153))
        elif kind == "field":
            d.rectangle(box, fill=(255, 255, 255), outline=(150, 150, 150), width=max(1, round(s)))
        else:
            d.rectangle(box, fill=(236, 233, 225))
    return img


def boxes(width: float) -> dict[str, Rect]:
    """Element boxes (CSS px) per stage, scaled to the device width."""
    return {
        "hero": Rect(20, 120, min(600, width - 40), 80),
        "price": Rect(24, 180, 140, 36),
        "fee": Rect(24, 420, min(420, width - 48), 32),
        "guest": Rect(24, 520, min(300, width - 48), 44),
        "card": Rect(24, 640, min(360, width - 48), 44),
        "pay": Rect(24, 760, min(260, width - 48), 48),
        "email": Rect(24, 300, min(360, width - 48), 40),
    }


def _stage(run_dir: Path, dev: Device, i: int, spec, *, hostile: bool, cut: dict[str, float]) -> StageCapture:
    stage, kind, title, h_desk, h_mob = spec
    page_h = h_mob if dev.is_mobile else h_desk
    shot_h = cut.get(stage, page_h)
    b = boxes(dev.width)
    blocks = [("panel", b["hero"]), ("button", b["pay"]), ("field", b["email"]), ("panel", b["fee"]),
              ("button", b["guest"])]
    if stage == "checkout":
        blocks.append(("mask", b["card"]))
    rel = f"screenshots/{dev.name}/{i:02d}-{stage}.jpg"
    path = run_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    _page(dev.width, int(shot_h), dev.device_scale_factor, zlib.crc32(f"{dev.name}/{stage}".encode()), blocks).save(
        path, "JPEG", quality=82)
    name = f"Ember kettle {XSS}" if hostile else "Ember kettle 1L"
    elements = (
        Element(0, "h1.hero", "h1", b["hero"], True, text=name),
        Element(1, "#fee", "tr", b["fee"], True, text="Service fee $4.95"),
        Element(2, "#card", "input", b["card"], True, type="text", name="Card number"),
    )
    timing = Timing(ttfb_ms=180.0 + i * 40, fcp_ms=900.0 + i * 100, lcp_ms=(4800.0 if dev.is_mobile and stage == "product"
                    else 1900.0 + i * 150), cls=0.02 + (0.2 if stage == "landing" and dev.is_mobile else 0.0),
                    load_ms=1500.0 + i * 200, step_ms=2100.0 + i * 100)
    return StageCapture(
        stage=stage, kind=kind, index=i, step=i, label=stage.capitalize(), device=dev.name,
        url=(JS_URL if hostile and stage == "cart" else f"https://shop.example/{stage}?q={XSS}" if hostile
             else f"https://shop.example/{stage}"),
        status=200, title=(f"{title} {XSS}" if hostile else title), timing=timing, elements=elements,
        dom=f"<html><body><h1>{name}</h1></body></html>", screenshot=rel, viewport_width=dev.width,
        viewport_height=dev.height, page_width=dev.width, page_height=page_h, screenshot_height=shot_h,
        device_scale_factor=dev.device_scale_factor, secure_context=True, lang="en",
        console=(ConsoleEntry("error", f"Uncaught {XSS}", JS_URL),) if hostile and stage == "product" else (),
    )


def _f(check, stage, dev, severity, title, measured, threshold, unit, ev, *, proposed=False, key="", hostile=False,
       url="https://baymard.com/research/checkout-usability"):
    return Finding(check=check, stage=stage, device=dev.name, severity=severity,
                   title=(f"{title} {XSS}" if hostile else title), measured=measured, threshold=threshold,
                   source="Baymard Institute, Checkout usability (2024)", source_url=(JS_URL if hostile else url),
                   recommendation="Show every fee in the cart, before the shopper starts checkout.",
                   evidence=ev, unit=unit, key=key or title, proposed=proposed, scenario="Hearth & Bean checkout")


def findings_for(dev: Device, *, hostile: bool = False, below: bool = False) -> dict[str, list[Finding]]:
    b = boxes(dev.width)
    sel = f'div[data-x="{XSS}"] > #fee' if hostile else "#fee"
    text = f"Service fee {XSS}" if hostile else "Service fee $4.95"
    out = {
        "surprise-fees": [_f("surprise-fees", "checkout", dev, "critical", "A $4.95 service fee appears only at checkout",
                             4.95, 0, "USD", (Evidence("checkout", sel, b["fee"], text),), key="service fee",
                             hostile=hostile)],
        "forced-account": [_f("forced-account", "checkout", dev, "major", "Guest checkout is hidden below sign-in",
                              "hidden", "visible", "", (Evidence("checkout", "#guest", b["guest"], "Continue as guest"),))],
        "form-length": [_f("form-length", "checkout", dev, "minor", "The checkout form asks for 14 fields", 14, 12,
                           "fields", (Evidence("checkout", "#email", b["email"], "Email"),), proposed=True)],
        "trust-signals": [_f("trust-signals", "cart", dev, "info", "No payment logos near the pay button", 0, 1, "logos",
                             (Evidence("cart", "#pay", b["pay"], "Pay now"),))],
        "load-timing": [],
    }
    if dev.is_mobile:
        out["load-timing"].append(_f("load-timing", "product", dev, "major", "The product page paints its main image late",
                                     4800, 2500, "ms", (Evidence("product", "h1.hero", b["hero"], "Ember kettle"),),
                                     url="https://web.dev/articles/lcp"))
    if below:  # evidence on a part of the landing page the screenshot did not reach
        out["trust-signals"].append(_f("trust-signals", "landing", dev, "minor", "Returns policy is only in the footer",
                                       "footer", "near price", "", (Evidence("landing", "footer a", Rect(20, 2900, 200, 30),
                                                                             "Returns"),)))
    return out


def stage_specs(n: int) -> tuple:
    """``n`` stages: the four of STAGES, then more of the same kinds (``landing-2`` …) for wide journey maps."""
    return tuple(spec if i < len(STAGES) else (f"{spec[0]}-{i // len(STAGES) + 1}",) + spec[1:]
                 for i, spec in ((i, STAGES[i % len(STAGES)]) for i in range(n)))


def make_run(run_dir: Path, *, hostile: bool = False, failed_journey: bool = True, below: bool = True,
             run_id: str = "20250101-120000-abcd", drop: tuple[str, ...] = (), stages: int = 4) -> AuditRun:
    """The standard report fixture. ``drop``: check ids whose findings are left out (for comparisons);
    ``stages``: how many stages each journey walks (the findings stay on the first four)."""
    run_dir = Path(run_dir)
    journeys, results = [], []
    cut = {"landing": 2400.0}  # mobile landing page was cut for its screenshot
    specs = stage_specs(stages)
    for dev in (DESKTOP, MOBILE):
        stages_ = tuple(_stage(run_dir, dev, i, spec, hostile=hostile, cut=cut if dev.is_mobile else {})
                        for i, spec in enumerate(specs))
        j = Journey(scenario="Hearth & Bean checkout", scenario_path="shop.yaml", device=dev, stages=stages_,
                    started_at="2025-01-01T12:00:00+00:00", duration_ms=9000, base_url="https://shop.example/")
        journeys.append(j)
        for check, fs in findings_for(dev, hostile=hostile, below=below and dev.is_mobile).items():
            fs = [] if check in drop else fs
            passed = ()
            if check == "forced-account" and not fs:
                passed = (Passed(check, "checkout", dev.name, "guest checkout: present",
                                 (Evidence("checkout", "#guest", boxes(dev.width)["guest"], "Continue as guest"),)),)
            if check == "trust-signals":
                passed = (Passed(check, "checkout", dev.name, "padlock near the card field: present",
                                 (Evidence("checkout", "#card", boxes(dev.width)["card"], ""),), measured=1),)
            results.append(CheckResult(check, j.id, "failed" if fs else "passed", tuple(fs), passed))
        results.append(CheckResult("payment-options", j.id, "not_applicable", reason="no payment stage was captured"))
        if dev.is_mobile:
            results.append(CheckResult("broken-check", j.id, "error",
                                       reason=f"KeyError: {XSS if hostile else 'price'} (broken_check.py:12)"))
    if failed_journey:
        shot = "screenshots/mobile/failure-01-product.jpg"
        Image.new("RGB", (412, 300), (240, 240, 240)).save(run_dir / shot, "JPEG")
        stage0 = replace(journeys[1].stages[0], device="mobile")
        jf = Journey(scenario="Returning customer", scenario_path="returning.yaml", device=MOBILE, stages=(stage0,),
                     failures=(StepFailure(1, "product", f"click text={XSS}" if hostile else "click text=Ember kettle",
                                           "timeout", f"Timeout 30000ms exceeded waiting for {XSS if hostile else 'selector'}",
                                           url=JS_URL if hostile else "https://shop.example/p/ember", screenshot=shot),),
                     base_url="https://shop.example/")
        journeys.append(jf)
        results.append(CheckResult("surprise-fees", jf.id, "not_applicable", reason="no cart stage was captured"))
    blocking = [f for r in results for f in r.findings if f.severity in ("major", "critical")]
    gate = GateResult(passed=False, exit_code=3 if failed_journey else 1, fail_on="major",
                      reasons=tuple(f"{f.severity}: {f.title}" for f in blocking))
    return AuditRun(run_id=run_id, created_at="2025-01-01T12:00:09+00:00", journeys=tuple(journeys),
                    results=tuple(results), gate=gate, options={"repeat": 1}, tool_version="0.1.0")
