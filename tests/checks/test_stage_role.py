"""analysis.role: a stage's role is the later of the scenario's label and what the page shows (issue 11.3).
Hand-built element tables, each way to be a payment or review page and each look-alike that is not."""
from __future__ import annotations

import pytest

from auditor.analysis.role import later, role_of, stage_role
from auditor.model import Element, Rect, StageCapture, Timing


def el(n: int, tag: str, text: str = "", *, type: str = "", label: str = "", visible: bool = True,
       **attrs: str) -> Element:
    """An element row; ``label`` is its accessible name, ``attrs`` its HTML attributes."""
    return Element(n, f"#e{n}", tag, Rect(0, 40 * n, 200, 30), visible, type=type,
                   role="button" if tag == "button" else "", name=label or text, text=text, attrs=attrs)


def page(kind: str, *elements: Element) -> StageCapture:
    return StageCapture(stage=kind, kind=kind, index=0, step=0, label=kind, device="desktop",
                        url="https://shop.example/x", status=200, title=kind, timing=Timing(), elements=elements)


SUMMARY = (el(0, "th", "Subtotal"), el(1, "td", "$40.00"), el(2, "th", "Total"), el(3, "td", "$44.95"))


def test_card_fields_make_a_payment_page():
    card = el(10, "input", type="text", label="Card number", autocomplete="cc-number")
    role = stage_role(page("checkout", *SUMMARY, card))
    assert (role.kind, role.content, role.from_content) == ("payment", "payment", True)
    assert role.reason == "card-entry fields" and role.evidence == (card,)
    hidden = el(10, "input", type="text", label="Card number", autocomplete="cc-number", visible=False)
    assert stage_role(page("checkout", *SUMMARY, hidden)).kind == "checkout"  # a collapsed later section


def test_a_payment_method_choice_makes_a_payment_page():
    named = (el(10, "input", type="radio", label="Direct bank transfer", **{"name": "payment_method", "id": "pm1"}),
             el(11, "input", type="radio", label="Cash", **{"name": "payment_method", "id": "pm2"}))
    assert role_of(page("checkout", *named)) == "payment"
    # A group named for nothing, whose options name payment methods (Shopify's "basic": Credit card / PayPal).
    methods = (el(10, "input", type="radio", label="Credit card", **{"name": "basic", "id": "b1"}),
               el(11, "input", type="radio", label="PayPal", **{"name": "basic", "id": "b2"}))
    assert stage_role(page("checkout", *methods)).reason == "a choice of payment method"
    # Shipping rates and a product's variant choice are not.
    rates = (el(10, "input", type="radio", label="Standard $4.95", **{"name": "shipping_method", "id": "s1"}),
             el(11, "input", type="radio", label="Express $12.95", **{"name": "shipping_method", "id": "s2"}))
    assert role_of(page("checkout", *rates)) == "checkout"
    finish = (el(10, "input", type="radio", label="Brushed steel", **{"name": "Finish-1", "id": "f1"}),
              el(11, "input", type="radio", label="Matte black", **{"name": "Finish-1", "id": "f2"}))
    assert role_of(page("product", *finish)) == "product"


@pytest.mark.parametrize("button", ["Place order", "Pay now", "Zahlungspflichtig bestellen", "Invia ordine",
                                    "Valider la commande", "Complete purchase"])
def test_an_order_summary_with_a_place_order_button_makes_a_review_page(button):
    role = stage_role(page("checkout", *SUMMARY, el(10, "button", button, type="submit")))
    assert role.kind == "review" and button in role.reason


@pytest.mark.parametrize("button", ["Proceed to checkout", "Zur Kasse", "Commander", "Next: Place order",
                                    "Successivo: Invia ordine", "Buy it now", "Continue to payment"])
def test_buttons_that_lead_on_are_not_the_final_one(button):
    assert role_of(page("cart", *SUMMARY, el(10, "button", button, type="submit"))) == "cart"


def test_a_place_order_button_without_a_total_is_not_a_review_page():
    assert role_of(page("checkout", el(0, "p", "Almost done"), el(1, "button", "Place order"))) == "checkout"


def test_content_only_moves_a_stage_later_and_a_custom_kind_takes_the_content():
    review = page("review", el(10, "input", type="text", label="Card number", autocomplete="cc-number"))
    assert stage_role(review).kind == "review" and stage_role(review).content == "payment"
    assert role_of(page("confirmation", *SUMMARY, el(10, "button", "Place order"))) == "confirmation"
    assert role_of(page("shipping-step", el(10, "input", type="text", label="CVC", autocomplete="cc-csc"))) == "payment"
    assert role_of(page("shipping-step", *SUMMARY)) == "shipping-step"
    assert later("cart", "") == "cart" and later("", "payment") == "payment" and later("checkout", "review") == "review"
