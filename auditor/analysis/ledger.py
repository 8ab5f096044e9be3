"""A stage's cost ledger: what the shopper is told they will pay, as labelled lines.

Rows come from the element table: an amount element (innermost text holding a price) and its label,
which is the text before the amount in the same element, else in a row-sized container around it,
else the nearest element on the same baseline to its left (table cells, flex rows), else a ``<dt>``
for a ``<dd>``, else a text in the same table row (Magento stacks "Shipping" over the method's name).
An element that holds priced elements (by the element table's parent links) is a group of rows, never a
row itself, whatever its box. Sentences without an amount still say something: "Taxes and shipping calculated at
checkout" (pending), "Free shipping" (0), "inkl. MwSt." (tax included). Radio/checkbox option labels
and the price cells of a choice are options (``choices``), not lines. Structured data (JSON-LD Offer,
microdata, Open Graph, Shopify's ``data-checkout-*-target``) adds what the rows lack. Struck prices and thresholds, unit prices and
instalments (see ``money``) are not lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..model import Element, Rect, StageCapture
from . import pagedata as pd
from .choices import Option, box_inside, option_regions, read_choices
from .ledger_words import classify, mentions
from .lexicon import pattern
from .money import ISO_CODES, Money, MoneyHint, find_money, page_hint

ROW_SLACK_PX = 24  # a container is a row while it is at most 2.5 × the amount's height + this
SHOPIFY_TARGETS = {"data-checkout-subtotal-price-target": "subtotal", "data-checkout-total-shipping-target": "shipping",
                   "data-checkout-total-taxes-target": "tax", "data-checkout-payment-due-target": "total",
                   "data-checkout-total-price-target": "total"}
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_CODES = re.compile(r"\b(?:%s)\b" % "|".join(ISO_CODES))
_ROW = re.compile(r"(?:^|> )tr:nth-of-type\(\d+\)")


@dataclass(frozen=True, slots=True)
class Line:
    # subtotal | shipping | tax | fee:<sub-kind> | duties | protection | donation | discount | total | item | product
    kind: str
    label: str
    amount: Decimal | None  # None: not disclosed, or mentioned without an amount
    status: str = "amount"  # amount | free | pending | mention
    included: bool = False  # "incl. VAT", "(includes $4.50 tax)": part of another amount, not added to it
    value: Element | None = None
    label_el: Element | None = None
    text: str = ""  # the amount as written on the page
    source: str = "row"  # row | option | jsonld | microdata | og | platform

    @property
    def component(self) -> str:
        return self.kind.split(":", 1)[0]

    @property
    def box(self) -> Rect | None:
        boxes = [e.box for e in (self.label_el, self.value) if e is not None and e.visible and e.box]
        if not boxes:
            return None
        out = boxes[0]
        for b in boxes[1:]:
            out = out.union(b) if b.distance_to(out) < 700 else out
        return out

    @property
    def shown(self) -> str:
        return self.text or ("free" if self.status == "free" else "")


@dataclass
class Ledger:
    stage: StageCapture
    hint: MoneyHint
    lines: list[Line] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    unpriced_groups: frozenset[str] = frozenset()  # radio groups with a visible option that states no price

    def of(self, kind: str) -> list[Line]:
        return [ln for ln in self.lines if ln.kind == kind or ln.component == kind]

    def total(self) -> Line | None:
        """The grand total: the largest visible total line (platform data when no row shows one)."""
        for sources in (("row",), ("platform",)):
            cands = [ln for ln in self.of("total") if ln.amount is not None and ln.amount > 0 and ln.source in sources]
            if cands:
                return max(reversed(cands), key=lambda ln: ln.amount)
        return None

    def shown_kinds(self) -> set[str]:
        """Cost kinds this stage shows or estimates (an amount, free, a mention or a priced option)."""
        kinds = {ln.kind for ln in self.lines if ln.status != "pending"}
        kinds |= {o.kind for o in self.options if o.amount is not None}
        return kinds

    def cheapest(self, kind: str) -> Option | None:
        """The cheapest option of ``kind`` a shopper can pick on this stage: the floor of what it costs.

        Only radio groups the shopper sees whose every option states a price (or "free") count: a group
        with an option whose price the page does not show might hold a free one."""
        groups: dict[str, list[Option]] = {}
        for o in self.options:
            if o.kind == kind and not o.checkbox and o.shown:
                groups.setdefault(o.group, []).append(o)
        floors = [min(opts, key=lambda o: o.amount) for g, opts in groups.items()
                  if g not in self.unpriced_groups and all(o.amount is not None for o in opts)]
        return min(floors, key=lambda o: o.amount, default=None)

    def product_price(self) -> Line | None:
        structured = [ln for ln in self.lines if ln.kind == "product" and ln.amount]
        if structured:
            return structured[0]
        items = [ln for ln in self.lines if ln.kind == "item" and ln.amount and ln.value is not None]
        return max(items, key=lambda ln: (ln.value.font_size_px, -ln.value.index), default=None)


def _hint(stage: StageCapture, tree) -> MoneyHint:
    currency = ""
    for node in pd.json_ld(tree):
        cur = node.get("priceCurrency") or node.get("currency")
        if isinstance(cur, str) and re.fullmatch(r"[A-Z]{3}", cur.strip()):
            currency = cur.strip()
            break
    if not currency:
        for node in pd.microdata(tree, "priceCurrency"):
            currency = (node.get("content") or node.text_content() or "").strip()
            break
    currency = currency or pd.meta_content(tree, "product:price:currency", "og:price:currency").strip()
    texts = [e.text for e in stage.elements if e.visible and e.text and not e.struck]
    return page_hint(texts, stage.lang, currency.upper()[:3], stage.url)


def _segments(text: str, token: Money, tokens: list[Money]) -> tuple[str, str]:
    """The text before ``token`` (since the previous amount) and after it (up to the next)."""
    prev_end = max((t.end for t in tokens if t.end <= token.start), default=0)
    next_start = min((t.start for t in tokens if t.start >= token.end), default=len(text))
    return text[prev_end:token.start], text[token.end:next_start]


class _Builder:
    def __init__(self, stage: StageCapture, tree, max_gap_px: float = 500):
        self.stage, self.tree, self.max_gap = stage, tree, max_gap_px
        self.hint = _hint(stage, tree)
        self.regions = option_regions(stage)
        option_boxes = [b for _, _, b in self.regions if b]
        option_labels = {lb.selector for _, lb, _ in self.regions if lb is not None}
        self.texts = [e for e in stage.elements if e.visible and e.text and e.box and len(e.text) <= 200
                      and e.tag not in ("html", "body", "form", "select", "option", "script")
                      and e.selector not in option_labels
                      and not any(box_inside(e.box, b) for b in option_boxes)]
        # Amount-bearing elements anywhere (option labels included): a group around them is no row.
        self.priced = [e for e in stage.elements if e.visible and e.box and e.text and not e.struck
                       and len(e.text) <= 60 and find_money(e.text, self.hint)]
        self.struck = [e for e in self.texts if e.struck]
        self.texts = [e for e in self.texts if not e.struck]
        self.money = {e.selector: find_money(e.text, self.hint) for e in self.texts}
        self.labels = [e for e in self.texts if _LETTERS.search(e.text) and len(e.text) <= 120
                       and not any(t.plain for t in self.money[e.selector])]
        # An element holding a priced element is a group of rows, not a row, whatever its box says (a
        # drawer laid out with absolute positioning has a zero-height box around all its rows).
        self.holders: set[int] = set()
        for v in self.priced:
            i = v.parent
            while 0 <= i < len(stage.elements) and i not in self.holders:
                self.holders.add(i)
                i = stage.elements[i].parent
        # Price cells beside a radio or in a method's block: the option's price, not a summary row.
        self.choices = read_choices(stage, tree, self.hint, self.regions, self.priced, self.texts, self.money,
                                    _LETTERS)

    def containers(self, el: Element) -> list[Element]:
        out = [c for c in self.texts if c is not el and el.text in c.text and box_inside(el.box, c.box)
               and c.box.area > el.box.area]
        return sorted(out, key=lambda c: c.box.area)

    def is_container(self, el: Element) -> bool:
        if el.index in self.holders and self.stage.elements[el.index] is el:
            return True
        return any(v is not el and v.text in el.text and box_inside(v.box, el.box) and v.box.area < el.box.area
                   for v in self.priced)

    def left_label(self, el: Element) -> Element | None:
        """The nearest text on the amount's baseline to its left (table cells, flex rows); a bare
        currency code in between ("Total  USD $48.15") is skipped, anything else blocks farther texts."""
        found = []
        vc = el.box.y + el.box.height / 2
        for lb in self.labels:
            if lb is el or box_inside(lb.box, el.box) or box_inside(el.box, lb.box):
                continue
            if abs(lb.box.y + lb.box.height / 2 - vc) > max(lb.box.height, el.box.height) / 2:
                continue
            gap = el.box.x - lb.box.right
            if -2 <= gap <= self.max_gap:
                found.append((gap, lb.index, lb))
        return next((lb for _, _, lb in sorted(found, key=lambda f: f[:2]) if _LETTERS.search(_CODES.sub("", lb.text))),
                    None)

    def dt_for(self, el: Element) -> Element | None:
        """A ``<dd>`` amount stacked under its ``<dt>``: the nearest term just above it."""
        if el.tag != "dd" and not re.search(r"(^|> )dd:nth-of-type\(\d+\)", el.selector):
            return None
        terms = [e for e in self.stage.elements[:el.index] if e.tag == "dt" and e.visible and e.box
                 and 0 <= el.box.y - e.box.bottom <= 40 and e.box.x <= el.box.right and e.box.right >= el.box.x - 60]
        return terms[-1] if terms else None

    def row_mates(self, el: Element) -> list[Element]:
        """Texts in the same table row (``<tr>``) as the amount: Magento stacks "Shipping" over the
        method's name in the row's ``<th>``, so the label beside the amount is the method, not the cost."""
        m = None
        for m in _ROW.finditer(el.selector):
            pass
        if m is None:
            return []
        prefix = el.selector[:m.end()] + " > "
        return [lb for lb in self.labels if lb is not el and lb.selector.startswith(prefix)]

    def label_for(self, el: Element, token: Money) -> tuple[str, Element | None]:
        """The first candidate label that names a cost kind; else the first non-empty one."""
        tokens = self.money[el.selector]
        before, after = _segments(el.text, token, tokens)
        cands: list[tuple[str, Element | None]] = [(before, el), (before + " " + after, el)]
        for c in self.containers(el):
            if c.box.height > el.box.height * 2.5 + ROW_SLACK_PX:
                break
            ctoks = find_money(c.text, self.hint)
            mine = next((t for t in ctoks if t.text == token.text), None)
            if mine is not None:
                b, a = _segments(c.text, mine, ctoks)
                cands += [(b, c), (b + " " + a, c)]
        cands += [(lb.text, lb) for lb in (self.left_label(el), self.dt_for(el)) if lb is not None]
        cands += [(lb.text, lb) for lb in self.row_mates(el)]
        cands.append((after, el))
        cands = [(re.sub(r"\s+", " ", t).strip(" :\u00a0-–|·"), e) for t, e in cands]
        # "USD" beside "$48.15" is the currency, not the row's label.
        cands = [(t, e) for t, e in cands if _LETTERS.search(_CODES.sub("", t))]
        for text, owner in cands:
            if classify(text) != "item":
                return text, owner
        return cands[0] if cands else ("", None)

    def rows(self) -> list[Line]:
        out: list[Line] = []
        for el in self.texts:
            tokens = self.money[el.selector]
            if not tokens or el.selector in self.choices.price_cells or self.is_container(el):
                continue
            struck_texts = {s.text for s in self.struck if box_inside(s.box, el.box)}
            for tok in tokens:
                if tok.text in struck_texts or tok.qualifier in ("unit", "instalment"):
                    continue
                label, owner = self.label_for(el, tok)
                if tok.qualifier == "threshold":
                    out += [Line(k, el.text, None, "mention", value=el) for k, _ in mentions(el.text)]
                    continue
                kind = classify(label)
                amount = -abs(tok.amount) if kind == "discount" else tok.amount
                included = bool(pattern("fee_lexicon", "included").search(label))
                out.append(Line(kind, label, amount, "free" if amount == 0 else "amount", included, el,
                                owner if owner is not el else None, tok.text))
        return out

    def sentences(self) -> list[Line]:
        """Amount-less texts: "Free", "Calculated at next step", "Taxes and shipping calculated at checkout"."""
        out: list[Line] = []
        for el in self.texts:
            if self.money[el.selector] or len(el.text) > 160 or self.is_container(el):
                continue
            found = mentions(el.text)
            if found:
                out += [Line(kind, el.text, Decimal(0) if status == "free" else None, status,
                             status == "included", el) for kind, status in found]
                continue
            status = _value_status(el.text)
            if status:
                lb = self.left_label(el) or self.dt_for(el)
                kind = classify(lb.text) if lb is not None else "item"
                if kind != "item":
                    out.append(Line(kind, lb.text, Decimal(0) if status == "free" else None, status,
                                    value=el, label_el=lb))
        return out

def _value_status(text: str) -> str:
    t = text.strip()
    if len(t) <= 24 and pattern("fee_lexicon", "free").fullmatch(t.rstrip("!. ")):
        return "free"
    if len(t) <= 80 and pattern("fee_lexicon", "pending").search(t):
        return "pending"
    return ""


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).strip().replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def structured_lines(stage: StageCapture, tree, hint: MoneyHint) -> list[Line]:
    """Prices the page states for machines: a product price and shipping on a PDP, checkout totals."""
    index = pd.PageIndex(stage, tree)
    visible_prices = [e for e in stage.elements if e.visible and e.text and not e.struck and len(e.text) <= 60]
    out: list[Line] = []

    def shown_as(amount: Decimal) -> Element | None:
        return next((e for e in visible_prices if any(t.plain and t.amount == amount
                                                      for t in find_money(e.text, hint))), None)

    for node in pd.json_ld(tree):
        types = pd.types_of(node)
        if types & {"Offer", "AggregateOffer"}:
            amount = _decimal(node.get("price", node.get("lowPrice")))
            if amount is not None:
                out.append(Line("product", "structured data: Offer.price", amount, value=shown_as(amount),
                                source="jsonld"))
        if "OfferShippingDetails" in types:
            rate = node.get("shippingRate")
            amount = _decimal(rate.get("value") if isinstance(rate, dict) else rate)
            if amount is not None:
                out.append(Line("shipping", "structured data: shippingRate", amount,
                                "free" if amount == 0 else "amount", value=shown_as(amount), source="jsonld"))
    for node in pd.microdata(tree, "price"):
        amount = _decimal(node.get("content")) if node.get("content") else None
        if amount is not None:
            el = index.element_for(node)
            out.append(Line("product", "microdata: price", amount,
                            value=el if el is not None and el.visible else shown_as(amount), source="microdata"))
    og = _decimal(pd.meta_content(tree, "product:price:amount", "og:price:amount"))
    if og is not None:
        out.append(Line("product", "Open Graph: product:price:amount", og, value=shown_as(og), source="og"))
    for node in tree.iter():
        for attr, kind in SHOPIFY_TARGETS.items():
            raw = node.get(attr) if isinstance(node.tag, str) else None
            cents = _decimal(raw)
            if cents is not None:  # Shopify writes these in minor units
                amount = cents.scaleb(-2)
                el = index.element_for(node)
                out.append(Line(kind, f"platform: {attr}", amount, value=el, source="platform",
                                text=el.text if el is not None else str(amount)))
    return out


def build_ledger(stage: StageCapture, tree) -> Ledger:
    b = _Builder(stage, tree)
    lines = b.rows() + b.sentences()
    shown = {ln.kind for ln in lines if ln.source == "row" and ln.status == "amount"}
    for ln in structured_lines(stage, tree, b.hint):
        if ln.source != "platform" or ln.kind not in shown:
            lines.append(ln)
    return Ledger(stage, b.hint, lines, b.choices.options, b.choices.unpriced_groups)
