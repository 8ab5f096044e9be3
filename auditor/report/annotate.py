"""Evidence boxes and numbered callouts on the stage screenshots (Pillow).

Coordinate spaces: evidence boxes are CSS px in page space; a screenshot is device px
(CSS × ``device_scale_factor``), and an annotated image may be shrunk again for a long page.
``css_to_px`` is the only place one space becomes the other: every caller passes the whole
factor (device scale × output scale) and boxes already shifted into the image's CSS origin.

Nothing read from the page is ever drawn: badges carry the finding number and severity only,
so hostile text cannot reach an image and no font needs to cover every script. The walker has
already painted sensitive fields over; boxes are drawn *outside* evidence elements, so a masked
field stays exactly as masked.
"""
from __future__ import annotations

import math
import os
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw

from ..model import AuditRun, Evidence, Rect, StageCapture, slug
from .catalog import Item
from .draw import (EXT, badge_height, badge_size, banner, draw_badge, draw_box, draw_leader, encode, numbers, outer,
                   stroke)
from .place import Clutter, Placer
from .paths import inside

# ---- size budget (measured; see docs/report-schema.md "Images") -------------------------------------
STAGE_BUDGET_BYTES = 400_000  # one annotated stage image
CROP_BUDGET_BYTES = 90_000  # one zoomed crop
STAGE_MAX_WIDTH_PX = 1400  # about 2× the column the report shows it in
STAGE_MAX_HEIGHT_PX = 5000  # taller pages are shrunk (down to MIN_SHRINK) and then cut; crops show the rest
STAGE_MIN_SHRINK = 0.5
CROP_MARGIN_CSS = 40.0
CROP_MIN_CSS = (360.0, 200.0)
CROP_MAX_CSS = (1200.0, 900.0)  # larger evidence: crop around its first box only
CROP_MAX_PX = (960, 720)
CROP_BADGE_SHARE = 26  # a close-up's badge is at least 1/26 of its longer side


def css_to_px(rect: Rect, scale: float) -> tuple[int, int, int, int]:
    """The one CSS→image conversion: (left, top, right, bottom) in image pixels, right/bottom exclusive."""
    return (math.floor(rect.x * scale + 0.5), math.floor(rect.y * scale + 0.5),
            math.floor(rect.right * scale + 0.5), math.floor(rect.bottom * scale + 0.5))


def clamp(rect: Rect, width: float, height: float) -> Rect | None:
    """The part of ``rect`` inside (0, 0, width, height), or None when nothing of it is."""
    x0, y0 = max(rect.x, 0.0), max(rect.y, 0.0)
    x1, y1 = min(rect.right, width), min(rect.bottom, height)
    if x1 <= x0 or y1 <= y0:
        return None
    return Rect(x0, y0, x1 - x0, y1 - y0)


# ---- per stage and per finding --------------------------------------------------------------------


@dataclass
class Annotations:
    """What annotate_run wrote, keyed the way the report looks things up."""

    stages: dict[tuple[str, str], str] = field(default_factory=dict)  # (journey id, stage id) → rel path
    crops: dict[int, str] = field(default_factory=dict)  # finding number → rel path
    located: dict[int, str] = field(default_factory=dict)  # number → on-page | below-capture | … (see LOCATED)
    cut_css: dict[tuple[str, str], float] = field(default_factory=dict)  # stage image shows only this much page
    badges: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)  # numbers badged on a stage image
    bytes: dict[str, int] = field(default_factory=dict)  # rel path → size
    dims: dict[str, tuple[int, int]] = field(default_factory=dict)  # rel path → (width, height) px


LOCATED = {
    "on-page": "",
    "below-capture": "below the captured area (the page was cut for its screenshot)",
    "outside": "outside the captured area",
    "no-box": "no on-page position (not rendered, or a page-level finding)",
    "no-screenshot": "no screenshot of this stage",
}


def _evidence_on(items: Sequence[Item], stage: str) -> list[tuple[Item, Evidence]]:
    return [(it, ev) for it in items for ev in it.finding.evidence if ev.stage == stage]


def _open(run_dir: Path, cap: StageCapture) -> Image.Image | None:
    path = inside(run_dir, cap.screenshot)
    if path is None or not path.is_file():
        return None
    try:
        img = Image.open(path)
        img.load()
        return img if img.mode == "RGB" else img.convert("RGB")  # a JPEG is RGB already: no copy
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _shown_as_is(run_dir: Path, cap: StageCapture) -> tuple[int, int] | None:
    """A stage with nothing to mark whose screenshot already fits the stage budget is shown as it
    is: a copy would only re-encode the same pixels (half of annotation's time on a clean run, and
    the same picture twice in the report directory). Returns its size in pixels, read from the
    header alone; None when it has to be annotated (shrunk, cut or re-encoded) after all."""
    path = inside(run_dir, cap.screenshot) if cap.screenshot else None
    if path is None or path.suffix.lower() not in (".jpg", ".jpeg", ".webp") or not path.is_file():
        return None
    try:
        if path.stat().st_size > STAGE_BUDGET_BYTES:
            return None
        with Image.open(path) as img:
            w, h = img.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return (w, h) if w <= STAGE_MAX_WIDTH_PX and h <= STAGE_MAX_HEIGHT_PX else None


@dataclass(frozen=True, slots=True)
class Mark:
    """One evidence box on an image; ``badge``: it carries its finding's number (the first box of it)."""

    n: int
    severity: str
    box: tuple[int, int, int, int]
    badge: bool


def draw_marks(img: Image.Image, marks: Sequence[Mark], k: float, badge_h: int | None = None) -> list[int]:
    """Boxes first (the worst on top), then badges beside them, the worst placed first.
    Returns the numbers that got a badge."""
    if not marks:  # a clean stage: nothing to place, so no need to read the page's clutter
        return []
    badge_h = badge_h or badge_height(k, img.width)
    clutter = Clutter(img, cell=max(4, badge_h // 3))  # read before anything is drawn over the page
    draw = ImageDraw.Draw(img)
    for m in sorted(marks, key=lambda m: -m.n):
        draw_box(draw, m.box, m.severity, k)
    placer = Placer(img.size, clutter, [outer(m.box, m.severity, k) for m in marks], gap=max(2, round(2 * k)))
    spots = []
    for m in sorted((m for m in marks if m.badge), key=lambda m: m.n):
        spots.append((m, placer.place(outer(m.box, m.severity, k), *badge_size(m.n, badge_h), inner=m.box)))
    for m, spot in spots:
        if spot.leader:
            draw_leader(draw, spot.leader, m.severity, max(2, round(1.5 * k)))
    for m, spot in spots:
        draw_badge(draw, spot.rect[:2], m.n, m.severity, spot.rect[3] - spot.rect[1])
    return [m.n for m, _ in spots]


def annotate_stage(src: Image.Image, dsf: float, pairs: Sequence[tuple[Item, Evidence]],
                   located: dict[int, str]) -> tuple[Image.Image, float | None, list[int]]:
    """The stage screenshot with every finding's evidence boxed and badged. Returns the image, how
    many CSS px of page it shows when a long page was cut for display (else None), and the numbers
    that have a badge on it."""
    cap_w, cap_h = src.width / dsf, src.height / dsf
    s = min(1.0, STAGE_MAX_WIDTH_PX / src.width)
    cut_css = None
    if src.height * s > STAGE_MAX_HEIGHT_PX:
        s = max(s * STAGE_MIN_SHRINK, STAGE_MAX_HEIGHT_PX / src.height)
        cut_css = STAGE_MAX_HEIGHT_PX / (dsf * s)
    shown_h = cut_css if cut_css is not None else cap_h
    src_h = min(src.height, math.ceil(shown_h * dsf))
    img = src.crop((0, 0, src.width, src_h)) if src_h < src.height else src
    img = img.resize((max(1, round(src.width * s)), max(1, round(src_h * s))), Image.LANCZOS) if s < 1 else img.copy()
    k = dsf * s
    below, further, marks = [], [], []
    for it, ev in sorted(pairs, key=lambda p: p[0].n):
        n = it.n
        if ev.box is None:
            located.setdefault(n, "no-box")
            continue
        if ev.box.y >= cap_h:
            below.append(n)
            located.setdefault(n, "below-capture")
            continue
        box = clamp(ev.box, cap_w, cap_h)
        if box is None:
            located.setdefault(n, "outside")
            continue
        located[n] = "on-page"
        if box.y >= shown_h:
            further.append(n)
            continue
        px = css_to_px(clamp(box, cap_w, shown_h), k)
        marks.append(Mark(n, it.finding.severity, px, not any(m.n == n for m in marks)))
    badged = draw_marks(img, marks, k)
    lines = []
    if further:
        lines.append(f"Further down the page (see their close-ups): {numbers(further)}")
    if below:
        lines.append(f"Below the captured area (the screenshot was cut): {numbers(below)}")
    return banner(img, lines, k), cut_css, badged


def crop_finding(src: Image.Image, dsf: float, item: Item, stage: str) -> Image.Image | None:
    """A close-up of the finding's evidence on one stage: its boxes plus a margin, min-sized, capped."""
    cap_w, cap_h = src.width / dsf, src.height / dsf
    boxes = [b for b in (clamp(ev.box, cap_w, cap_h) for ev in item.finding.evidence
                         if ev.stage == stage and ev.box is not None) if b is not None]
    if not boxes:
        return None
    region = boxes[0]
    for b in boxes[1:]:
        u = region.union(b)
        if u.width <= CROP_MAX_CSS[0] and u.height <= CROP_MAX_CSS[1]:
            region = u
    boxes = [b for b in boxes if region.intersects(b) or b == region]
    w = min(max(region.width + 2 * CROP_MARGIN_CSS, CROP_MIN_CSS[0]), CROP_MAX_CSS[0], cap_w)
    h = min(max(region.height + 2 * CROP_MARGIN_CSS, CROP_MIN_CSS[1]), CROP_MAX_CSS[1], cap_h)
    # Room above the first box for its badge, so it need not sit on the next element down.
    k0 = dsf * min(1.0, CROP_MAX_PX[0] / (w * dsf), CROP_MAX_PX[1] / (h * dsf))
    above = max(CROP_MARGIN_CSS, (crop_badge(k0, round(w * k0)) + 2 * stroke(k0, item.finding.severity) + 8) / k0)
    h = min(max(region.height + CROP_MARGIN_CSS + above, CROP_MIN_CSS[1]), CROP_MAX_CSS[1], cap_h)
    cx, cy = region.center
    if region.height + CROP_MARGIN_CSS + above > h:  # taller than the cap: keep its top in view
        cy = region.y - above + h / 2
    x = min(max(cx - w / 2, 0.0), cap_w - w)
    y = min(max(cy - h / 2, 0.0), cap_h - h)
    y = max(0.0, min(y, boxes[0].y - above))
    view = Rect(x, y, w, h)
    left, top, right, bottom = css_to_px(view, dsf)
    part = src.crop((left, top, min(right, src.width), min(bottom, src.height)))
    s = min(1.0, CROP_MAX_PX[0] / part.width, CROP_MAX_PX[1] / part.height)
    if s < 1:
        part = part.resize((max(1, round(part.width * s)), max(1, round(part.height * s))), Image.LANCZOS)
    k = dsf * s
    marks = []
    for b in boxes:
        shifted = clamp(Rect(b.x - view.x, b.y - view.y, b.width, b.height), view.width, view.height)
        if shifted is not None:
            marks.append(Mark(item.n, item.finding.severity, css_to_px(shifted, k), not marks))
    draw_marks(part, marks, k, crop_badge(k, part.width))
    return part


def crop_badge(k: float, width: int) -> int:
    # A close-up is shown at a third of its width or less beside the facts: its badge is scaled to that.
    return max(badge_height(k, width), round(width / CROP_BADGE_SHARE))


class _Names:
    """File names under annotated/, unique even when two scenarios share a device name."""

    def __init__(self):
        self.used: set[str] = set()

    def take(self, device: str, stem: str, scenario: str) -> str:
        rel = f"annotated/{slug(device)}/{stem}.{EXT}"
        if rel in self.used:
            rel = f"annotated/{slug(device)}/{slug(scenario)}-{stem}.{EXT}"
        base, i = rel, 2
        while rel in self.used:
            rel = base.replace(f".{EXT}", f"-{i}.{EXT}")
            i += 1
        self.used.add(rel)
        return rel


def _encode_to(path: Path, img: Image.Image, budget: int) -> tuple[int, tuple[int, int]]:
    data, size = encode(img, budget)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data), size


class _Writer:
    """Encodes and writes the images on a small thread pool while the next ones are drawn: libwebp
    (and libjpeg) release the GIL, and encoding is most of annotation's time. At most
    ``IN_FLIGHT`` images wait, so memory stays bounded; results are recorded in submission order,
    so ``Annotations`` is the same as a serial write's."""

    THREADS = max(1, min(2, os.cpu_count() or 1))
    IN_FLIGHT = 2

    def __init__(self, run_dir: Path, out: Annotations):
        self.run_dir, self.out = run_dir, out
        self.pool = ThreadPoolExecutor(max_workers=self.THREADS, thread_name_prefix="auditor-encode")
        self.pending: list[tuple[str, Future]] = []

    def write(self, rel: str, img: Image.Image, budget: int) -> None:
        running = [f for _, f in self.pending if not f.done()]
        if len(running) >= self.IN_FLIGHT:
            wait(running, return_when=FIRST_COMPLETED)
        self.pending.append((rel, self.pool.submit(_encode_to, self.run_dir / rel, img, budget)))

    def finish(self) -> None:
        try:
            for rel, fut in self.pending:
                self.out.bytes[rel], self.out.dims[rel] = fut.result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def clear_annotations(run_dir: Path) -> None:
    """Remove images an earlier write left in annotated/ (only image files this module names)."""
    for path in (Path(run_dir) / "annotated").glob("*/*"):
        if path.suffix in (".webp", ".jpg") and path.is_file():
            path.unlink()


def annotate_run(run: AuditRun, run_dir: Path, items: Sequence[Item]) -> Annotations:
    """Write annotated/<device>/<NN-stage>.<ext> for every captured stage and a close-up per finding."""
    out = Annotations()
    writer = _Writer(run_dir, out)
    try:
        _annotate_journeys(run, run_dir, items, out, writer)
    except BaseException:
        writer.pool.shutdown(wait=True, cancel_futures=True)
        raise
    writer.finish()
    for it in items:
        out.located.setdefault(it.n, "no-box" if not any(ev.box for ev in it.finding.evidence) else "no-screenshot")
    return out


def _annotate_journeys(run: AuditRun, run_dir: Path, items: Sequence[Item], out: Annotations,
                       writer: _Writer) -> None:
    names = _Names()
    by_journey: dict[str, list[Item]] = {}
    for it in items:
        by_journey.setdefault(it.journey, []).append(it)
    for j in run.journeys:
        mine = by_journey.get(j.id, [])
        for cap in j.stages:
            pairs = _evidence_on(mine, cap.stage)
            same = _shown_as_is(run_dir, cap) if not pairs else None
            if same is not None:
                out.stages[(j.id, cap.stage)] = cap.screenshot
                out.dims[cap.screenshot] = same
                continue
            src = _open(run_dir, cap) if cap.screenshot else None
            if src is None:
                for it, _ in pairs:
                    out.located.setdefault(it.n, "no-screenshot")
                continue
            dsf = cap.device_scale_factor or 1.0
            stem = Path(cap.screenshot).stem if cap.screenshot else f"{cap.index:02d}-{slug(cap.stage)}"
            img, cut, badged = annotate_stage(src, dsf, pairs, out.located)
            out.badges[(j.id, cap.stage)] = tuple(badged)
            rel = names.take(j.device.name, slug(stem), j.scenario)
            writer.write(rel, img, STAGE_BUDGET_BYTES)
            out.stages[(j.id, cap.stage)] = rel
            if cut is not None:
                out.cut_css[(j.id, cap.stage)] = cut
            for it in mine:
                # The close-up is taken on the finding's own stage, or on the first stage its evidence is on.
                ev_stages = [ev.stage for ev in it.finding.evidence if ev.box is not None]
                home = it.finding.stage if it.finding.stage in ev_stages else (ev_stages[0] if ev_stages else None)
                if home != cap.stage or it.n in out.crops:
                    continue
                part = crop_finding(src, dsf, it, cap.stage)
                if part is not None:
                    crel = names.take(j.device.name, f"f-{it.fingerprint}", j.scenario)
                    writer.write(crel, part, CROP_BUDGET_BYTES)
                    out.crops[it.n] = crel
