"""Annotated screenshots: boxes land on the evidence × device scale, masks stay masked, sizes stay small."""
from __future__ import annotations

import json

import pytest
from PIL import Image, ImageDraw

from auditor.model import AuditRun, CheckResult, Device, Evidence, Finding, Journey, Rect, StageCapture, Timing
from auditor.report import annotate, write_report
from auditor.report.annotate import css_to_px
from auditor.report.draw import STYLES
from auditor.report.place import Placer

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
    # Every stage has an image in the report: an annotated copy, or the screenshot itself when there
    # was nothing to mark on it. Each is within the stage budget either way.
    data = json.loads(files.report_json.read_text())
    shown = [s["annotated"] for j in data["journeys"] for s in j["stages"]]
    assert len(shown) >= 8 and all(shown), shown
    for rel in shown:
        assert (files.run_dir / rel).stat().st_size <= annotate.STAGE_BUDGET_BYTES, rel
    total = sum(p.stat().st_size for p in files.run_dir.rglob("*") if p.is_file())
    assert sum(sizes.values()) < 3_000_000 and total < 6_000_000


# ---- badges: beside their box, never on its content, never on each other --------------------------

def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_badges_never_overlap_each_other_or_their_own_box():
    # An order summary: five stacked rows, every one boxed, two findings on the same row.
    rows = [(100, 100 + i * 44, 500, 140 + i * 44) for i in range(5)]
    placer = Placer((620, 400), None, rows, gap=2)
    spots = [placer.place(rows[i], 48, 24) for i in (0, 1, 2, 3, 3, 4)]
    rects = [s.rect for s in spots]
    for i, a in enumerate(rects):
        assert 0 <= a[0] and 0 <= a[1] and a[2] <= 620 and a[3] <= 400, a
        assert not any(_overlap(a, b) for b in rects[i + 1:]), rects
    for s, i in zip(spots, (0, 1, 2, 3, 3, 4)):
        assert not _overlap(s.rect, rows[i]), "a badge never sits on its own box"
        assert not any(_overlap(s.rect, r) for r in rows), "there is room beside the rows"


def test_leader_line_when_the_sides_are_full():
    box = (200, 200, 260, 230)
    placer = Placer((600, 600), None, [box], gap=2)
    # every spot touching the box is taken by earlier badges
    placer.taken += [(150, 150, 310, 198), (150, 232, 310, 280), (150, 198, 198, 232), (262, 198, 310, 232)]
    spot = placer.place(box, 40, 20)
    assert spot.leader is not None and not _overlap(spot.rect, box)
    assert not any(_overlap(spot.rect, t) for t in placer.taken[:-1])


def test_badges_leave_the_rows_they_number_readable(tmp_path):
    """The lead's case: fee rows of an order summary, each with a critical finding, one row with two.
    Their text (dark strokes here) must still be there after annotation."""
    w, dsf = 400, 1.0
    rel = "screenshots/dev/00-payment.png"
    (tmp_path / "screenshots/dev").mkdir(parents=True)
    img = Image.new("RGB", (w, 400), WHITE)
    d = ImageDraw.Draw(img)
    rows = [Rect(24, 100 + i * 42, 352, 40) for i in range(4)]
    texts = []
    for r in rows:  # a label at the left, a price at the right, like "Service fee ... $3.49"
        texts += [(r.x + 8, r.y + 12, r.x + 110, r.y + 28), (r.right - 60, r.y + 12, r.right - 8, r.y + 28)]
    for x0, y0, x1, y1 in texts:  # glyph-like strokes: text is edges, which is what placement avoids
        for x in range(x0, x1, 4):
            d.rectangle((x, y0, x + 1, y1), fill=(30, 30, 30))
    img.save(tmp_path / rel)
    dev = Device("dev", w, 400, dsf)
    cap = StageCapture(stage="payment", kind="payment", index=0, step=0, label="Payment", device="dev",
                       url="https://x.test/", status=200, title="Payment", timing=Timing(), screenshot=rel,
                       page_width=w, page_height=400, screenshot_height=400, device_scale_factor=dsf)
    j = Journey("s", "s.yaml", dev, (cap,))
    fs = tuple(Finding("surprise-fees", "payment", "dev", "critical", f"fee {i}", 1, 0, "src", "fix",
                       (Evidence("payment", f"#r{i}", rows[i], "x"),), unit="USD", key=f"fee{i}", scenario="s")
               for i in (1, 2, 3)) + (Finding("trust", "payment", "dev", "major", "no logo", 0, 1, "src", "fix",
                                              (Evidence("payment", "#r2", rows[2], "x"),), scenario="s"),)
    write_report(AuditRun("r", "", (j,), (CheckResult("c", j.id, "failed", fs),)), tmp_path)
    out = Image.open(tmp_path / "annotated/dev/00-payment.webp").convert("RGB")
    for x0, y0, x1, y1 in texts:
        strokes = [(x, y) for x in range(x0, x1, 4) for y in range(y0 + 1, y1, 3)]
        assert all(close(out.getpixel(p), (30, 30, 30), 90) for p in strokes), (x0, y0)
    for name in ("critical", "major"):
        assert has_colour(out, STYLES[name].colour)


def _clean_stage_run(tmp_path, *, size: tuple[int, int], finding: bool) -> AuditRun:
    run = one_stage_run(tmp_path, dsf=1.0, page_h=size[1], shot_h=size[1], box=Rect(10, 10, 50, 20))
    Image.new("RGB", size, WHITE).save(tmp_path / run.journeys[0].stages[0].screenshot, "JPEG", quality=80)
    if not finding:
        run = AuditRun("r", "", run.journeys, (CheckResult("c", run.journeys[0].id, "passed", ()),))
    return run


def test_a_stage_with_nothing_to_mark_shows_its_screenshot_as_is(tmp_path):
    run = _clean_stage_run(tmp_path, size=(400, 600), finding=False)
    files = write_report(run, tmp_path)
    stage = json.loads(files.report_json.read_text())["journeys"][0]["stages"][0]
    assert stage["annotated"] == "screenshots/dev/00-cart.jpg"
    assert not files.annotated, "no re-encoded copy of an unmarked screenshot"
    assert 'src="screenshots/dev/00-cart.jpg"' in files.index_html.read_text()


def test_a_stage_with_a_finding_is_annotated(tmp_path):
    files = write_report(_clean_stage_run(tmp_path, size=(400, 600), finding=True), tmp_path)
    stage = json.loads(files.report_json.read_text())["journeys"][0]["stages"][0]
    assert stage["annotated"].startswith("annotated/dev/") and (tmp_path / stage["annotated"]).is_file()


def test_an_unmarked_screenshot_too_tall_for_the_report_is_still_shrunk(tmp_path):
    tall = annotate.STAGE_MAX_HEIGHT_PX + 200
    files = write_report(_clean_stage_run(tmp_path, size=(400, tall), finding=False), tmp_path)
    stage = json.loads(files.report_json.read_text())["journeys"][0]["stages"][0]
    assert stage["annotated"].startswith("annotated/dev/")
    assert Image.open(tmp_path / stage["annotated"]).height <= annotate.STAGE_MAX_HEIGHT_PX
