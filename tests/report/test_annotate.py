"""Annotated screenshots: boxes land on the evidence × device scale, masks stay masked, sizes stay small."""
from __future__ import annotations

import pytest
from PIL import Image

from auditor.model import AuditRun, CheckResult, Device, Evidence, Finding, Journey, Rect, StageCapture, Timing
from auditor.report import annotate, write_report
from auditor.report.annotate import css_to_px
from auditor.report.draw import STYLES

from .factory import MASK_RGB, boxes

WHITE = (255, 255, 255)


def close(a, b, tol=48) -> bool:
    return sum(abs(x - y) for x, y in zip(a, b)) <= tol


def has_colour(img: Image.Image, colour) -> bool:
    return any(close(c, colour) for _, c in img.getcolors(1 << 24))


def one_stage_run(tmp_path, *, dsf: float, page_h: float, shot_h: float, box: Rect, severity="major") -> AuditRun:
    """A plain white page with one finding whose evidence is ``box``."""
    w = 400
    rel = "screenshots/dev/00-cart.jpg"
    (tmp_path / "screenshots/dev").mkdir(parents=True)
    Image.new("RGB", (round(w * dsf), round(shot_h * dsf)), WHITE).save(tmp_path / rel, "JPEG", quality=95)
    dev = Device("dev", w, 800, dsf)
    cap = StageCapture(stage="cart", kind="cart", index=0, step=0, label="Cart", device="dev", url="https://x.test/",
                       status=200, title="Cart", timing=Timing(), screenshot=rel, page_width=w, page_height=page_h,
                       screenshot_height=shot_h, device_scale_factor=dsf)
    j = Journey("s", "s.yaml", dev, (cap,))
    f = Finding("c", "cart", "dev", severity, "t", 1, 0, "src", "fix", (Evidence("cart", "#e", box, "x"),),
                scenario="s")
    return AuditRun("r", "", (j,), (CheckResult("c", j.id, "failed", (f,)),))


def left_edge(img: Image.Image, y: int, inside_x: int, colour) -> int:
    """Walking left from inside the box: the first pixel of the severity colour."""
    for x in range(inside_x, -1, -1):
        if close(img.getpixel((x, y)), colour):
            return x
    return -1


def top_edge(img: Image.Image, x: int, inside_y: int, colour) -> int:
    for y in range(inside_y, -1, -1):
        if close(img.getpixel((x, y)), colour):
            return y
    return -1


def test_css_to_px_is_the_one_conversion():
    assert css_to_px(Rect(10, 20, 30, 40), 1.0) == (10, 20, 40, 60)
    assert css_to_px(Rect(10, 20, 30, 40), 1.75) == (18, 35, 70, 105)
    assert css_to_px(Rect(0.4, 0.6, 1, 1), 2.0) == (1, 1, 3, 3)


@pytest.mark.parametrize("dsf", [1.0, 1.75])
def test_box_is_drawn_on_the_evidence_box_times_device_scale(tmp_path, dsf):
    box = Rect(60, 140, 200, 50)
    files = write_report(one_stage_run(tmp_path, dsf=dsf, page_h=600, shot_h=600, box=box), tmp_path)
    img = Image.open(tmp_path / "annotated/dev/00-cart.webp").convert("RGB")
    assert img.width == round(400 * dsf)
    # Computed here, not with css_to_px, so a wrong conversion cannot agree with itself.
    x0, y0, x1, y1 = round(60 * dsf), round(140 * dsf), round(260 * dsf), round(190 * dsf)
    colour = STYLES["major"].colour
    mid_y, mid_x = (y0 + y1) // 2, (x0 + x1) // 2
    # The band sits just outside the element: its inner edge is the element's edge.
    assert abs(left_edge(img, mid_y, mid_x, colour) - (x0 - 1)) <= 2
    assert abs(top_edge(img, mid_x, mid_y, colour) - (y0 - 1)) <= 2
    assert close(img.getpixel((x0 + 4, mid_y)), WHITE), "the element itself is not painted over"
    assert close(img.getpixel((x1 + 1, mid_y)), colour), "right edge"
    assert all(close(img.getpixel((x, y)), WHITE) for x, y in [(5, img.height - 5), (img.width - 5, img.height - 5)])
    assert files.annotated and all(p.exists() for p in files.annotated)


def test_evidence_below_the_cut_is_reported_not_drawn(tmp_path):
    run = one_stage_run(tmp_path, dsf=1.75, page_h=3000, shot_h=600, box=Rect(60, 2000, 200, 50))
    write_report(run, tmp_path)
    img = Image.open(tmp_path / "annotated/dev/00-cart.webp").convert("RGB")
    shot_px = round(600 * 1.75)
    assert img.height > shot_px, "a banner under the image says where the finding went"
    content = img.crop((0, 0, img.width, shot_px))
    colour = STYLES["major"].colour
    assert not has_colour(content, colour), "nothing drawn on the captured area"
    data = (tmp_path / "report.json").read_text()
    assert '"located": "below-capture"' in data and "below the captured area" in (tmp_path / "index.html").read_text()


def test_box_partly_below_the_cut_is_clamped(tmp_path):
    run = one_stage_run(tmp_path, dsf=1.0, page_h=900, shot_h=300, box=Rect(40, 250, 100, 200))
    write_report(run, tmp_path)
    img = Image.open(tmp_path / "annotated/dev/00-cart.webp").convert("RGB")
    assert img.height == 300
    assert close(img.getpixel((38, 280)), STYLES["major"].colour)


def test_long_page_is_capped_and_the_finding_gets_a_close_up(tmp_path):
    run = one_stage_run(tmp_path, dsf=1.0, page_h=9000, shot_h=9000, box=Rect(40, 8700, 200, 60), severity="critical")
    write_report(run, tmp_path)
    img = Image.open(tmp_path / "annotated/dev/00-cart.webp")
    assert img.height <= annotate.STAGE_MAX_HEIGHT_PX + 200 and img.width >= 200
    crops = list((tmp_path / "annotated/dev").glob("f-*.webp"))
    assert len(crops) == 1
    crop = Image.open(crops[0]).convert("RGB")
    assert crop.width >= annotate.CROP_MIN_CSS[0] - 1 and crop.height >= annotate.CROP_MIN_CSS[1] - 1
    assert has_colour(crop, STYLES["critical"].colour), "the close-up shows the box"


def test_masked_fields_stay_masked(written):
    run, files = written
    dsf = 1.75
    img = Image.open(files.run_dir / "annotated/mobile/03-checkout.webp").convert("RGB")
    card = boxes(412)["card"]
    x0, y0, x1, y1 = (round(v * dsf) for v in (card.x, card.y, card.right, card.bottom))
    inner = [(x, y) for x in range(x0 + 4, x1 - 4, 7) for y in range(y0 + 4, y1 - 4, 5)]
    assert inner and all(close(img.getpixel(p), MASK_RGB, 36) for p in inner)


def test_size_budget(written):
    run, files = written
    sizes = {p.relative_to(files.run_dir).as_posix(): p.stat().st_size for p in files.annotated}
    for rel, size in sizes.items():
        budget = annotate.CROP_BUDGET_BYTES if "/f-" in rel else annotate.STAGE_BUDGET_BYTES
        assert size <= budget, rel
    stage_images = [r for r in sizes if "/f-" not in r and r.split("/")[1] in ("desktop", "mobile")]
    assert len(stage_images) >= 8
    total = sum(p.stat().st_size for p in files.run_dir.rglob("*") if p.is_file())
    assert sum(sizes.values()) < 3_000_000 and total < 6_000_000
