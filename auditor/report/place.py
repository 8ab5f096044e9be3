"""Where the numbered badges go on an annotated image.

A badge sits beside the box it numbers (to its left, above, to its right or below), never on that
box and never on another badge. Among the free spots it prefers plain background over page text
(edge density of the screenshot), spots off other findings' boxes, and the box's top-left corner,
where a reader looks first. When everything next to the box is taken it moves further out and a
leader line joins it to its box; only a box that fills the whole image gets its badge inside.

Everything here is in image pixels; boxes are (left, top, right, bottom), right/bottom exclusive.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from operator import add
from typing import Sequence

from PIL import Image, ImageFilter

Box = tuple[int, int, int, int]

SIDE_COST = {"left": 0.0, "top": 0.15, "right": 0.6, "bottom": 1.0, "corner": 1.1}  # beside the box's start first
SLIDE_SIDE = 0.5  # sliding along the whole side of a box, away from its corner …
SLIDE_STEP = 0.02  # … plus this per badge height slid
CLUTTER_COST = 2.5  # covering dense page text (edge density at EDGE_FULL and above)
BOX_COST = 6.0  # covering another finding's box, per share of the badge's area
NEAR_COST = 0.7  # touching another box: which of the two does it number?
INSIDE_COST = 0.95  # on a blank part of its own element (a table row's gap between label and price)
INSIDE_BLANK = 0.06  # at most this much clutter where a badge may sit inside its own element
INSIDE_LIGHT = 0.7  # … and at least this light
RING_COST = 1.5  # per badge height of distance, when not beside the box
EDGE_FULL = 48.0  # mean edge strength (0–255) that counts as "all text"
MAX_SLIDES = 48
MAX_RINGS = 10


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _shared(a: Box, b: Box) -> int:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def _integral(px: Sequence[int], gw: int, gh: int) -> list[float]:
    """Summed-area table, (gw + 1) × (gh + 1), row by row: each row is the one above plus the running
    sum of this row (C-level accumulate and map: a per-cell Python loop was most of Clutter's cost)."""
    prev = [0.0] * (gw + 1)
    table = list(prev)
    for y in range(gh):
        run = list(accumulate(px[y * gw:(y + 1) * gw], initial=0.0))
        prev = list(map(add, prev, run))
        table += prev
    return table


class Clutter:
    """How busy (edge strength) and how light each part of the image is, averaged on a coarse grid
    and summed up front, so the mean over any rectangle is four look-ups."""

    def __init__(self, img: Image.Image, cell: int = 6):
        self.cell = max(2, cell)
        self.gw, self.gh = max(1, img.width // self.cell), max(1, img.height // self.cell)
        grey = img.convert("L")
        fine = grey.reduce(2) if self.cell >= 8 else grey  # text edges survive halving; the filter is the cost
        edges = fine.filter(ImageFilter.FIND_EDGES).resize((self.gw, self.gh), Image.BOX)
        self.edges = _integral(edges.tobytes(), self.gw, self.gh)
        self.lum = _integral(grey.resize((self.gw, self.gh), Image.BOX).tobytes(), self.gw, self.gh)

    def _mean(self, table: list[float], box: Box) -> float:
        c, w1 = self.cell, self.gw + 1
        x0, y0 = min(max(box[0] // c, 0), self.gw), min(max(box[1] // c, 0), self.gh)
        x1, y1 = min(max(-(-box[2] // c), 0), self.gw), min(max(-(-box[3] // c), 0), self.gh)
        if x1 <= x0 or y1 <= y0:
            return 0.0
        t = table
        return (t[y1 * w1 + x1] - t[y0 * w1 + x1] - t[y1 * w1 + x0] + t[y0 * w1 + x0]) / ((x1 - x0) * (y1 - y0))

    def mean(self, box: Box) -> float:
        """0 (plain background) … 1 (dense text or picture) over ``box``."""
        return min(1.0, self._mean(self.edges, box) / EDGE_FULL)

    def light(self, box: Box) -> float:
        """Mean lightness over ``box``, 0 … 1."""
        return self._mean(self.lum, box) / 255.0


@dataclass(frozen=True, slots=True)
class Spot:
    rect: Box
    leader: tuple[tuple[int, int], tuple[int, int]] | None  # badge edge → box edge, when moved away


def _slides(start: int, stop: int, step: int) -> list[int]:
    """Positions from start towards stop (inclusive), nearest first."""
    if stop < start:
        return [start]
    out = list(range(start, stop + 1, step))[:MAX_SLIDES]
    return out if out[-1] == stop or len(out) == MAX_SLIDES else out + [stop]


def _around(a: Box, w: int, h: int, gap: int, r: int, step: int):
    """(side, cost of sliding, rect) for every spot on the ring ``r`` px out from box ``a``."""
    l, t, rt, b = a[0] - r, a[1] - r, a[2] + r, a[3] + r
    across, down = max(1, rt - w - l), max(1, b - h - t)

    def slide(d: int, span: int) -> float:
        return SLIDE_SIDE * d / span + SLIDE_STEP * d / h

    for x in _slides(l, rt - w, step):
        yield "top", slide(x - l, across), (x, t - gap - h, x + w, t - gap)
    for y in _slides(t, b - h, step):
        yield "left", slide(y - t, down), (l - gap - w, y, l - gap, y + h)
    for y in _slides(t, b - h, step):
        yield "right", slide(y - t, down), (rt + gap, y, rt + gap + w, y + h)
    for x in _slides(l, rt - w, step):
        yield "bottom", slide(x - l, across), (x, b + gap, x + w, b + gap + h)
    # the corners diagonal to the box, for boxes too small to hold a badge along a side
    yield "corner", 0.0, (l - gap - w, t - gap - h, l - gap, t - gap)
    yield "corner", 0.0, (rt + gap, t - gap - h, rt + gap + w, t - gap)


def _leader(rect: Box, a: Box) -> tuple[tuple[int, int], tuple[int, int]]:
    cx, cy = (rect[0] + rect[2]) // 2, (rect[1] + rect[3]) // 2
    bx, by = min(max(cx, a[0]), a[2] - 1), min(max(cy, a[1]), a[3] - 1)
    sx, sy = min(max(bx, rect[0]), rect[2] - 1), min(max(by, rect[1]), rect[3] - 1)
    return (sx, sy), (bx, by)


class Placer:
    """Places badges one after another (most important first) on an image of ``size``."""

    def __init__(self, size: tuple[int, int], clutter: Clutter | None, boxes: Sequence[Box], gap: int):
        self.width, self.height = size
        self.clutter, self.boxes, self.gap = clutter, list(boxes), max(1, gap)
        self.taken: list[Box] = []

    def _fits(self, rect: Box, own: Box | None) -> bool:
        if rect[0] < 0 or rect[1] < 0 or rect[2] > self.width or rect[3] > self.height:
            return False
        if own is not None and overlaps(rect, own):
            return False
        pad = self.gap
        return not any(overlaps((rect[0] - pad, rect[1] - pad, rect[2] + pad, rect[3] + pad), t) for t in self.taken)

    def _cost(self, rect: Box, others: Sequence[Box]) -> float:
        area = float((rect[2] - rect[0]) * (rect[3] - rect[1])) or 1.0
        m = max(2, (rect[3] - rect[1]) // 4)  # keep a little air to the text around it, too
        cost = CLUTTER_COST * self.clutter.mean((rect[0] - m, rect[1] - m, rect[2] + m, rect[3] + m)) \
            if self.clutter else 0.0
        covered = sum(_shared(rect, b) for b in others)
        g = self.gap * 2
        near = any(overlaps((rect[0] - g, rect[1] - g, rect[2] + g, rect[3] + g), b) for b in others)
        return cost + BOX_COST * min(1.0, covered / area) + (NEAR_COST if near else 0.0)

    def _blank_inside(self, own: Box, inner: Box, w: int, h: int):
        """Spots on a blank part of the element itself: never on its text, never on its edge."""
        if self.clutter is None:
            return
        g = self.gap
        x0, y0, x1, y1 = inner[0] + 2 * g, inner[1] + g, inner[2] - 2 * g - w, inner[3] - g - h
        if x1 < x0 or y1 < y0:
            return
        sx, sy = max(h // 2, (x1 - x0) // 24 or 1), max(h // 2, (y1 - y0) // 24 or 1)
        for y in range(y0, y1 + 1, sy):
            for x in range(x0, x1 + 1, sx):
                rect = (x, y, x + w, y + h)
                clutter = self.clutter.mean((x - h // 2, y - g, x + w + h // 2, y + h + g))  # clear of the text
                # light only: a dark area is a button or a field the walker painted over, and stays as it is
                if clutter <= INSIDE_BLANK and self.clutter.light(rect) >= INSIDE_LIGHT and self._fits(rect, None):
                    yield INSIDE_COST + CLUTTER_COST * clutter + SLIDE_STEP * ((x - x0) + (y - y0)) / h, rect

    def place(self, own: Box, w: int, h: int, inner: Box | None = None) -> Spot:
        """A badge of w × h for the box whose painted area is ``own`` (``inner``: the element itself)."""
        w, h = min(w, self.width), min(h, self.height)
        step = max(2, h // 3)
        best, best_cost, best_r = None, 0.0, 0
        # Every spot tried lies within this reach of the box (outermost ring, badge size, gaps): boxes
        # beyond it can neither be covered nor be near, so _cost need not look at them.
        R = MAX_RINGS * h + max(w, h) + 4 * self.gap + 1
        reach = (own[0] - R, own[1] - R, own[2] + R, own[3] + R)
        others = [b for b in self.boxes if b != own and overlaps(b, reach)]
        if inner is not None:
            for cost, rect in self._blank_inside(own, inner, w, h):
                if best is None or cost < best_cost:
                    best, best_cost = rect, cost
        for ring in range(MAX_RINGS + 1):
            if best is not None and best_cost <= RING_COST * ring:
                break  # every spot further out costs more than this one already does
            r = ring * h
            for side, slid, rect in _around(own, w, h, self.gap, r, step):
                cost = SIDE_COST[side] + slid + RING_COST * ring
                if best is not None and cost >= best_cost or not self._fits(rect, own):
                    continue
                cost += self._cost(rect, others)
                if best is None or cost < best_cost:
                    best, best_cost, best_r = rect, cost, r
        if best is None:
            return self._inside(own, w, h)
        self.taken.append(best)
        return Spot(best, _leader(best, own) if best_r else None)

    def _inside(self, own: Box, w: int, h: int) -> Spot:
        """The box fills the image: its badge goes inside its top-left corner, still off other badges."""
        x0 = min(max(own[0] + self.gap, 0), max(self.width - w, 0))
        y0 = min(max(own[1] + self.gap, 0), max(self.height - h, 0))
        step = max(2, h // 3)
        for y in range(y0, max(self.height - h, y0) + 1, h + self.gap):
            for x in range(x0, max(self.width - w, x0) + 1, step):
                if self._fits((x, y, x + w, y + h), None):
                    rect = (x, y, x + w, y + h)
                    self.taken.append(rect)
                    return Spot(rect, None)
        rect = (x0, y0, x0 + w, y0 + h)
        self.taken.append(rect)
        return Spot(rect, None)
