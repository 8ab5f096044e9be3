"""The choices a stage offers that carry a price: radio and checkbox options ("Express delivery $12.95"),
a rate table whose prices sit in a cell beside the radio (Magento), a list of methods with a select
button each (django-oscar), and which cost each choice is about.

A radio group's cost kind comes from its label, else from its name or id, else from what the page says
around it (the ids, classes, legends and headings of the wrappers that hold this group alone): WooCommerce's
block checkout names its rates only "DHL Paket" inside a fieldset whose legend is "Versandoptionen".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Element, Rect, StageCapture
from .ledger_words import classify
from .lexicon import pattern, patterns
from .money import Money, MoneyHint, find_money

_HEADINGS = ("legend", "h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True, slots=True)
class Option:
    """A radio/checkbox/select choice whose label names a cost ("Express delivery $12.95")."""

    kind: str
    amount: Decimal | None
    checked: bool
    element: Element
    label: str
    text: str = ""
    checkbox: bool = False
    group: str = ""  # the radio group (input name): one choice among its options
    shown: bool = True  # the shopper can see it (its input or its label is painted)


def box_inside(inner: Rect | None, outer: Rect | None, slack: float = 1.0) -> bool:
    return bool(inner and outer and inner.x >= outer.x - slack and inner.y >= outer.y - slack
                and inner.right <= outer.right + slack and inner.bottom <= outer.bottom + slack)



def option_regions(stage: StageCapture) -> list[tuple[Element, Element | None, Rect | None]]:
    """(input, its label element, the box covering both) for every radio and checkbox."""
    labels = [e for e in stage.elements if e.tag == "label"]
    out = []
    for inp in stage.elements:
        if not (inp.tag == "input" and inp.type in ("radio", "checkbox")):
            continue
        label = next((lb for lb in labels if inp.attr("id") and lb.attr("for") == inp.attr("id")), None)
        if label is None:
            label = next((lb for lb in labels if inp.selector.startswith(lb.selector + " > ")
                          or box_inside(inp.box, lb.box)), None)
        box = label.box if label is not None and label.visible else None
        if inp.visible and inp.box:
            box = box.union(inp.box) if box else inp.box
        out.append((inp, label, box))
    return out


@dataclass
class Choices:
    options: list[Option] = field(default_factory=list)
    unpriced_groups: frozenset[str] = frozenset()  # radio groups with a visible option that states no price
    price_cells: frozenset[str] = frozenset()  # selectors of the price texts that belong to options, not rows


class _Reader:
    """``priced``: visible texts holding an amount; ``texts``/``money``: the ledger's row candidates and
    the amounts read in each (by selector); ``letters``: what makes a text a label."""

    def __init__(self, stage: StageCapture, tree, hint: MoneyHint, regions, priced: list[Element],
                 texts: list[Element], money: dict[str, list[Money]], letters):
        self.stage, self.tree, self.hint, self.regions = stage, tree, hint, regions
        self.priced, self.texts, self.money, self.letters = priced, texts, money, letters
        self.option_prices: set[str] = set()

    def row_price(self, inp: Element, box: Rect | None) -> Element | None:
        """The price cell on a radio's row when its label states none (Magento's rate table: radio |
        price | method | carrier): the smallest single-amount text right of the radio on its baseline."""
        ref = inp.box if inp.visible and inp.box else box
        if ref is None:
            return None
        cy = ref.y + ref.height / 2
        cands = [e for e in self.priced if e is not inp and e.box.x >= ref.x and e.box.height <= ref.height + 40
                 and abs(e.box.y + e.box.height / 2 - cy) <= max(e.box.height, ref.height) / 2
                 and len([t for t in find_money(e.text, self.hint) if t.plain]) == 1]
        return min(cands, key=lambda e: (e.box.x - ref.x, e.box.area), default=None)

    def context(self, inp: Element) -> str:
        """What the page says around a radio group: ids, classes and aria-labels of the ancestors that
        hold this group alone, and their legends and headings ("Versandoptionen", "Shipping method")."""
        ident = inp.attr("id")
        nodes = self.tree.xpath("//*[@id=$i]", i=ident) if ident else []
        if not nodes:
            return ""
        group, out = inp.attr("name"), []
        node = nodes[0].getparent()
        for _ in range(8):
            if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html", "form"):
                break
            if set(node.xpath(".//input[@type='radio']/@name")) - {group}:
                break  # a wrapper around other choices too (payment methods) says nothing about this one
            out += [node.get("id") or "", node.get("class") or "", node.get("aria-label") or ""]
            out += [c.text_content() for c in node if isinstance(c.tag, str) and c.tag in _HEADINGS]
            node = node.getparent()
        return " ".join(x for x in out if x)[:400]

    def options(self) -> tuple[list[Option], frozenset[str]]:
        """Priced radio/checkbox choices, and the radio groups that show an option without a price."""
        out, unpriced = [], set()
        shipping = dict(patterns("fee_lexicon", "core"))["shipping"]
        for inp, label, box in self.regions:
            text = inp.name or (label.text if label is not None else "")
            shown = inp.visible or (label is not None and label.visible)
            group = inp.attr("name") or inp.selector
            toks = [t for t in find_money(text, self.hint) if t.plain]
            free = bool(pattern("fee_lexicon", "free").search(text))
            if not toks and not free and inp.type == "radio" and shown:
                cell = self.row_price(inp, box)
                if cell is not None:
                    self.option_prices.add(cell.selector)
                    toks = [t for t in find_money(cell.text, self.hint) if t.plain]
                    text = f"{text} {cell.text}".strip()
            if not toks and not free:
                if inp.type == "radio" and shown:
                    unpriced.add(group)
                continue
            kind = classify(text)
            if kind == "item" and inp.type == "radio" and shipping.search(
                    " ".join((inp.attr("name"), inp.attr("id"), self.context(inp))).replace("_", " ")):
                kind = "shipping"
            amount = toks[0].amount if toks else Decimal(0)
            owner = inp if inp.visible or label is None else label
            out.append(Option(kind, amount, bool(inp.attr("checked")), owner, text, toks[0].text if toks else "free",
                              inp.type == "checkbox", group, shown))
        return out + self.button_options(), frozenset(unpriced)

    def button_options(self) -> list[Option]:
        """Choices made with a button per option (django-oscar's shipping methods: a heading, a price and
        a "Select option" form each): buttons of one name, each in a block of its own holding one price.
        Only blocks whose text names a cost (a delivery method) count: a cart's per-line buttons do not."""
        buttons: dict[str, list[Element]] = {}
        for e in self.stage.elements:
            if e.visible and (e.tag == "button" or (e.tag == "input" and e.type == "submit")) and (e.name or e.text):
                buttons.setdefault((e.name or e.text).strip().lower(), []).append(e)
        out = []
        for name, group in buttons.items():
            if len(group) < 2:
                continue
            for b in group:
                block = _own_block(b.selector, [o.selector for o in group if o is not b])
                inside = [e for e in self.texts if block and e.selector.startswith(block + " > ")]
                prices = [e for e in inside if any(t.plain for t in self.money[e.selector])]
                label = next((e.text for e in inside if e not in prices and self.letters.search(e.text)
                              and e.text.strip().lower() != name), "")
                if len(prices) != 1 or not label:
                    continue
                tok = next(t for t in self.money[prices[0].selector] if t.plain)
                kind = classify(label)
                if kind == "item":
                    continue
                self.option_prices.add(prices[0].selector)
                out.append(Option(kind, tok.amount, False, b, f"{label} {tok.text}", tok.text, False,
                                  f"button:{name}", True))
        return out


def _own_block(selector: str, others: list[str]) -> str:
    """The outermost ancestor of ``selector`` (by collect.js's ``parent > child`` path) that holds none
    of ``others``; "" when the path gives none."""
    parts = selector.split(" > ")
    block = ""
    for k in range(len(parts) - 1, 0, -1):
        prefix = " > ".join(parts[:k])
        if any(o.startswith(prefix + " > ") for o in others):
            break
        block = prefix
    return block




def read_choices(stage: StageCapture, tree, hint: MoneyHint, regions, priced: list[Element], texts: list[Element],
                 money: dict[str, list[Money]], letters) -> Choices:
    r = _Reader(stage, tree, hint, regions, priced, texts, money, letters)
    options, unpriced = r.options()
    return Choices(options, unpriced, frozenset(r.option_prices))
