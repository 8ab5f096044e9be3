"""What a captured stage is for, read from its content as well as from the scenario's label.

A scenario names each step's kind (``stage: checkout``), but shops cut checkout differently: WooCommerce's
one checkout page holds the payment-method choice and the place-order button, Shopify's one-page layout
has the card fields on the page a scenario may call ``checkout``. A check that trusted the label alone
rated the same $10 fee critical when the step was called ``payment`` and minor when it was called
``checkout`` (issue 11.3). The content says:

- **payment**: a visible card-entry field (card number, expiry, CVC; hosted-field iframes too) or a
  choice among payment methods (a radio group named for payment, or one whose options name methods);
- **review**: an order summary (a total) with a place-order button ("Place order", "Pay now",
  "Zahlungspflichtig bestellen", "Invia ordine"; ``data/role_lexicon.json``).

``stage_role(stage).kind`` is the later of the label's kind and the content's role in funnel order
(``model.STAGE_KINDS``): content only ever moves a stage later, so a page the scenario calls ``payment``
stays payment even when its card fields sit in an iframe auditor cannot see. A custom kind (not in
STAGE_KINDS) takes the content's role when there is one. Only what a shopper sees counts: the hidden
payment section of a one-page checkout does not make its address step a payment step.

Any check may use it: surprise-fees rates a cost by the role of the step where it first shows;
form_length (or any stage-scoped check) can ask ``role_of(stage)`` instead of ``stage.kind``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import STAGE_KINDS, Element, StageCapture
from .lexicon import compile_any, load, pattern, patterns
from .money import find_money
from .trust import card_fields

CONTENT_ROLES = ("payment", "review")
_LEX = "role_lexicon"
_BUTTON_TYPES = ("submit", "button", "image")


@dataclass(frozen=True, slots=True)
class StageRole:
    kind: str  # the role the checks use: the later of ``declared`` and ``content``
    declared: str  # the scenario's kind for the step (``StageCapture.kind``)
    content: str = ""  # "payment" | "review" | "" (nothing on the page says)
    reason: str = ""  # what on the page decided ``content``, for finding details
    evidence: tuple[Element, ...] = ()

    @property
    def from_content(self) -> bool:
        """True when the page's content, not the label, decided the role."""
        return self.kind != self.declared


def _rank(kind: str) -> int:
    return STAGE_KINDS.index(kind) if kind in STAGE_KINDS else -1


def later(a: str, b: str) -> str:
    """The later of two stage kinds in funnel order ("" counts as nothing; a custom kind as earliest)."""
    if not b:
        return a
    if not a:
        return b
    return b if _rank(b) > _rank(a) else a


@lru_cache(maxsize=None)
def _start(key: str) -> re.Pattern:
    """A lexicon list anchored at the start of a short text."""
    return re.compile(r"^\W*(?:" + compile_any(tuple(load(_LEX)[key])).pattern + ")", re.IGNORECASE)


def _label_text(stage: StageCapture, inp: Element) -> str:
    ident = inp.attr("id")
    label = next((e for e in stage.elements if e.tag == "label" and ident and e.attr("for") == ident), None)
    return " ".join(t for t in (inp.name, label.text if label is not None else "") if t)


def payment_choice(stage: StageCapture) -> list[Element]:
    """Visible radios of a group that chooses how to pay: named for payment, or naming payment methods."""
    groups: dict[str, list[Element]] = {}
    for e in stage.elements:
        if e.tag == "input" and e.type == "radio":
            groups.setdefault(e.attr("name") or e.selector, []).append(e)
    named = pattern(_LEX, "payment_choice")
    methods = patterns("trust_lexicon", "payment_methods")
    for name, radios in groups.items():
        shown = [r for r in radios if r.visible or _label_visible(stage, r)]
        if not shown:
            continue
        if named.search(name) or any(named.search(r.attr("id")) for r in shown):
            return shown
        naming = [r for r in shown if any(p.search(_label_text(stage, r)) for _, p in methods)]
        if len(shown) >= 2 and naming:
            return shown
    return []


def _label_visible(stage: StageCapture, inp: Element) -> bool:
    """Custom-styled radios hide the input and show its label."""
    ident = inp.attr("id")
    return bool(ident) and any(e.tag == "label" and e.visible and e.attr("for") == ident for e in stage.elements)


def _buttons(stage: StageCapture) -> list[Element]:
    return [e for e in stage.elements if e.visible and (
        e.tag == "button" or e.role == "button" or (e.tag == "input" and e.type in _BUTTON_TYPES))]


def place_order_buttons(stage: StageCapture) -> list[Element]:
    """Visible buttons whose name starts with the final step's wording ("Place order", "Pay now")."""
    start = _start("place_order")
    out = []
    for e in _buttons(stage):
        text = (e.name or e.text or e.attr("value")).strip()
        if text and len(text) <= 60 and start.search(text):
            out.append(e)
    return out


def order_total(stage: StageCapture) -> Element | None:
    """A visible total line: a short text naming a total, with an amount in it or on the page."""
    total = dict(patterns("fee_lexicon", "core"))["total"]
    labels = [e for e in stage.elements if e.visible and e.text and len(e.text) <= 60 and total.search(e.text)]
    if not labels:
        return None
    priced = any(e.visible and e.text and len(e.text) <= 60 and find_money(e.text) for e in stage.elements)
    return labels[0] if priced else None


def content_role(stage: StageCapture) -> tuple[str, str, tuple[Element, ...]]:
    """(role, reason, evidence) read from what the stage shows; ("", "", ()) when nothing says."""
    buttons = place_order_buttons(stage)
    summary = order_total(stage) if buttons else None
    if buttons and summary is not None:
        said = buttons[0].name or buttons[0].text
        return "review", f"an order summary with a “{said}” button", (buttons[0], summary)
    cards = card_fields(stage)
    if cards:
        return "payment", "card-entry fields", tuple(cards[:3])
    choice = payment_choice(stage)
    if choice:
        return "payment", "a choice of payment method", tuple(choice[:3])
    return "", "", ()


def stage_role(stage: StageCapture) -> StageRole:
    role, reason, evidence = content_role(stage)
    return StageRole(later(stage.kind, role), stage.kind, role, reason, evidence)


def role_of(stage: StageCapture) -> str:
    return stage_role(stage).kind
