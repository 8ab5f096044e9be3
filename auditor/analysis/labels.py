"""Does the shopper see a label for a field, and is it tied to the field? (issue 11.5, heuristics.md 2.2
"Unlabeled fields"). Two different problems:

* no visible label at all — the field is named only by its placeholder (which disappears as the shopper
  types), or by nothing a sighted shopper can read: the Baymard / NN/g usability problem;
* visible label text next to the field that is not tied to it (a table cell ``<td>Email</td>``, a
  ``<label>`` without ``for``, an aria-label that does not say what the visible text says): every
  shopper sees a label, screen readers do not get it — an accessibility defect.

    state = label_state(stage, el)      # LabelState("tied" | "not-tied" | "placeholder" | "none", text)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Element, Rect, StageCapture
from . import forms as F

TIED, NOT_TIED, PLACEHOLDER, NONE = "tied", "not-tied", "placeholder", "none"
MIN_LABEL_PX = 4  # a "visually hidden" label is clipped to 1 × 1 px: screen readers only
LEFT_GAP_PX, ABOVE_GAP_PX = 250, 36  # label text left of a field on its row, or just above it (P)
HINT_GAP_PX = 8  # text this close under a field is its hint, not the next field's label (P)
MAX_LABEL_CHARS = 60
MAX_GROUP_PARTS = 4  # a fieldset of at most this many controls is one field in parts; more is a form section
_NOT_LABELS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "legend", "button", "a", "option", "select", "input",
                         "textarea", "form", "fieldset", "table", "tbody", "thead", "tr", "ul", "ol", "nav",
                         "header", "footer", "main", "section", "aside", "iframe", "img", "svg", "summary"})
_CONTROLS = ("input", "select", "textarea")


@dataclass(frozen=True, slots=True)
class LabelState:
    kind: str  # TIED | NOT_TIED | PLACEHOLDER | NONE
    text: str = ""  # the visible label text, when there is some
    where: Element | None = None  # the element that shows it


def _shows(el: Element | None) -> bool:
    return el is not None and el.visible and el.box is not None and el.box.width >= MIN_LABEL_PX \
        and el.box.height >= MIN_LABEL_PX


def _norm(text: str) -> str:
    return re.sub(r"[\s*:]+", " ", text or "").strip().lower()


def label_state(stage: StageCapture, el: Element) -> LabelState:
    """How ``el`` is labelled for a sighted shopper (see the module docstring)."""
    named = el.name_source in ("label", "aria-labelledby", "aria-label") and bool(el.name)
    own = _own_label(stage, el)
    if own is not None:
        return own
    caption = _group_legend(stage, el) if named else None
    if caption is None and named:
        caption = _row_caption(stage, el) or _street_caption(stage, el)
    if caption is not None:  # "Street Address" over lines 1–3, "Birth date" over day, month, year
        return LabelState(TIED, caption.text or caption.name, caption)
    beside = _beside(stage, el)
    if beside is not None:
        text = beside.text
        if named and _norm(text) and _norm(text) in _norm(el.name):
            return LabelState(TIED, text, beside)  # the name says what the shopper reads (WCAG 2.5.3)
        return LabelState(NOT_TIED, text, beside)
    if el.name_source in ("placeholder", "title") or el.attr("placeholder").strip():
        return LabelState(PLACEHOLDER, el.attr("placeholder") or el.name)
    return LabelState(NONE)


def _own_label(stage: StageCapture, el: Element) -> LabelState | None:
    """TIED when a <label for>, a wrapping <label> or an aria-labelledby target names the field and is
    shown (a <label for> shown over the field ties it even when an aria-label names it)."""
    source = el.name_source if el.name else ""
    for how in ("label", "aria-labelledby"):
        if how != source and not (how == "label" and el.attr("id")):
            continue
        shown = _labelling(stage, el, how)
        if (shown is None and how == source) or _shows(shown):  # not in the table (hand-built): as named
            return LabelState(TIED, shown.text if shown is not None and shown.text else el.name, shown)
    return None


def _street_caption(stage: StageCapture, el: Element) -> Element | None:
    """A second street-address line right under a labelled first line reads as its continuation
    (WooCommerce's address_2 has a screen-reader-only label and sits under "Street address")."""
    if el.box is None or F.purpose(el) not in ("address-line1", "address-line2"):
        return None
    controls, _ = _layout(stage)
    above = [e for e, b in controls if e is not el and 0 <= el.box.y - b.bottom <= 16 and abs(b.x - el.box.x) <= 8]
    for prev in above:
        own = _own_label(stage, prev)
        if own is not None and own.where is not None and F.purpose(prev) == "address-line1":
            return own.where
    return None


def _row_caption(stage: StageCapture, el: Element, depth: int = 0) -> Element | None:
    """The shown label of the field this one continues on its row (day · month · year under one caption)."""
    controls, _ = _layout(stage)
    box = el.box
    left = [e for e, b in controls if e is not el and box and b.right <= box.x + 2 and box.x - b.right <= 40
            and abs(b.center[1] - box.center[1]) <= box.height / 2]
    if not left or depth > 4:
        return None
    prev = max(left, key=lambda e: e.box.right)
    own = _own_label(stage, prev)
    if own is not None and own.where is not None:
        return own.where
    return _row_caption(stage, prev, depth + 1)


def _labelling(stage: StageCapture, el: Element, source: str) -> Element | None:
    """The element whose text is the field's name: its <label for>, a wrapping <label>, or the first
    aria-labelledby target; None when the table does not hold it."""
    if source == "aria-labelledby":
        ids = set(el.attr("aria-labelledby").split())
        found = [e for e in stage.elements if e.attr("id") in ids]
        return next((e for e in found if _shows(e)), found[0] if found else None)
    ident = el.attr("id")
    found = [e for e in stage.elements if e.tag == "label" and ident and e.attr("for") == ident]
    by_index = {e.index: e for e in stage.elements} if not found else {}
    i, seen = el.parent, set()
    while not found and i >= 0 and i not in seen and i in by_index:
        seen.add(i)
        if by_index[i].tag == "label":
            found = [by_index[i]]
        i = by_index[i].parent
    return next((e for e in found if _shows(e)), found[0] if found else None)


def _group_legend(stage: StageCapture, el: Element) -> Element | None:
    """The visible <legend> of the fieldset the field is in, when that fieldset is one field in parts
    (street lines, day · month · year), not a section of the form."""
    by_index = {e.index: e for e in stage.elements}
    i, seen = el.parent, set()
    while i >= 0 and i not in seen and i in by_index:
        seen.add(i)
        fieldset = by_index[i]
        if fieldset.tag == "fieldset":
            controls, _ = _layout(stage)
            if fieldset.box is None or sum(1 for _, b in controls if _inside(b, fieldset.box)) > MAX_GROUP_PARTS:
                return None  # a form section ("Your details"), not one field in parts
            return next((e for e in stage.elements if e.tag == "legend" and e.parent == i and _shows(e)
                         and (e.text or e.name)), None)
        i = by_index[i].parent
    return None


def _beside(stage: StageCapture, el: Element) -> Element | None:
    """Short visible text to the left of the field on its row, or just above it, that is no heading, holds
    no other control and is not another field's <label>. A checkbox or radio button may sit inside it."""
    box = el.box
    if box is None or not el.visible:
        return None
    controls, candidates = _layout(stage)
    others = [b for e, b in controls if e is not el]
    best, best_d = None, float("inf")
    for c in candidates:
        if c is el or (c.tag == "label" and c.attr("for") and c.attr("for") != el.attr("id")):
            continue  # another field's label
        holds = [e for e, b in controls if _inside(b, c.box)]
        if holds and holds != [el]:
            continue  # a wrapper of other fields, or a label holding another control
        if any(0 <= c.box.y - b.bottom <= HINT_GAP_PX and c.box.x < b.right and c.box.right > b.x for b in others):
            continue  # right under another field: that field's hint ("For delivery questions")
        d = (0.0 if el.type in ("checkbox", "radio") else None) if holds else _label_gap(c.box, box)
        if d is None or any((g := _label_gap(c.box, b)) is not None and g < d for b in others):
            continue  # not beside this field, or nearer to another one (its label or its hint)
        if d < best_d:
            best, best_d = c, d
    return best


_LAYOUT: dict[int, tuple[StageCapture, tuple]] = {}


def _layout(stage: StageCapture) -> tuple[list[tuple[Element, Rect]], list[Element]]:
    """(visible controls with their boxes, texts that could be labels) of a stage, computed once."""
    hit = _LAYOUT.get(id(stage))
    if hit is not None and hit[0] is stage:
        return hit[1]
    if len(_LAYOUT) > 64:
        _LAYOUT.clear()
    controls = [(e, e.box) for e in stage.elements if e.tag in _CONTROLS and e.box and e.visible]
    by_index = {e.index: e for e in stage.elements}
    candidates = [c for c in stage.elements if _shows(c) and c.text and len(c.text) <= MAX_LABEL_CHARS
                  and c.tag not in _NOT_LABELS and _free_text(c, by_index)]
    _LAYOUT[id(stage)] = (stage, (controls, candidates))
    return controls, candidates


def _free_text(c: Element, by_index: dict[int, Element]) -> bool:
    """Text not inside a <label> that is hidden (1 px, screen readers only) or tied to some field."""
    i, seen = c.parent, set()
    while i >= 0 and i not in seen and i in by_index and len(seen) < 4:
        seen.add(i)
        if by_index[i].tag == "label":
            return _shows(by_index[i]) and not by_index[i].attr("for")
        i = by_index[i].parent
    return True


def _label_gap(label: Rect, field: Rect) -> float | None:
    """Distance from label text to a field it could label: left of it on its row, or just above it."""
    if label.right <= field.x + 2 and field.x - label.right <= LEFT_GAP_PX \
            and field.y - 4 <= label.y + label.height / 2 <= field.bottom + 4:
        return field.x - label.right
    if label.bottom <= field.y + 2 and field.y - label.bottom <= ABOVE_GAP_PX and field.x - 40 <= label.x < field.right:
        return field.y - label.bottom
    return None


def _inside(inner: Rect, outer: Rect) -> bool:
    return outer.x - 1 <= inner.x and inner.right <= outer.right + 1 and outer.y - 1 <= inner.y \
        and inner.bottom <= outer.bottom + 1
