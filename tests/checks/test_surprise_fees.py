"""surprise-fees: unit tests on hand-built captures, then platform-style fixture journeys in a real browser
(tests/fixtures/checks/fees/cases.json lists every finding that must fire; an unlisted finding fails)."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest

from auditor.checks import surprise_fees
from auditor.analysis.ledger import build_ledger
from auditor.checks.runner import run_check
from auditor.model import Element, Rect, StageCapture, Timing
from auditor.config.policy import Policy
from auditor.walk.snapshot import journey_of

from offline_dom import fixture_capture, locate  # noqa: F401 - pytest fixtures

FIXTURES = Path(__file__).parents[1] / "fixtures" / "checks" / "fees"
CASES = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))["cases"]


# ---- hand-built captures --------------------------------------------------------------------------

def row(y: float, label: str, amount: str, n: int, prefix: str = "#s") -> list[Element]:
    """A summary row: label cell at x=0, amount cell at x=300 on the same baseline."""
    return [Element(n, f"{prefix} > tr:nth-of-type({y:.0f}) > th", "th", Rect(0, y, 200, 20), True, text=label),
            Element(n + 1, f"{prefix} > tr:nth-of-type({y:.0f}) > td", "td", Rect(300, y, 80, 20), True, text=amount)]


def summary(*rows: tuple[str, str], extra: tuple[Element, ...] = ()) -> tuple[Element, ...]:
    out: list[Element] = []
    for i, (label, amount) in enumerate(rows):
        out += row(100 + 30 * i, label, amount, len(out))
    return tuple(out) + tuple(Element(len(out) + j, e.selector, e.tag, e.box, e.visible, e.type, e.role, e.name,
                                      e.name_source, e.text, e.attrs, struck=e.struck) for j, e in enumerate(extra))


def stage(kind: str, elements: tuple[Element, ...], index: int, dom: str = "") -> StageCapture:
    return StageCapture(stage=kind, kind=kind, index=index, step=index, label=kind, device="desktop",
                        url=f"https://shop.example/{kind}", status=200, title=kind, timing=Timing(),
                        elements=elements, dom=dom, lang="en-US")


def radio(n: int, y: float, label: str, checked: bool, kind: str = "radio", group: str = "") -> tuple[Element, ...]:
    attrs = {"id": f"opt{n}", "name": group or ("shipping_method" if kind == "radio" else "extra")}
    if checked:
        attrs["checked"] = "checked"
    return (Element(n, f"#opt{n}", "input", Rect(600, y, 14, 14), True, type=kind, role=kind, name=label, attrs=attrs),
            Element(n + 1, f"label[for=opt{n}]", "label", Rect(620, y, 200, 20), True, text=label,
                    attrs={"for": f"opt{n}"}))


def check(*stages: StageCapture, **options):
    policy = Policy(checks={"surprise-fees": options}) if options else Policy()
    return run_check(surprise_fees, journey_of(*stages), policy, {}, debug=True)


def keys(result) -> dict[tuple[str, str], str]:
    return {(f.stage, f.key): f.severity for f in result.findings}


CART = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Total", "$44.95"))


def test_fee_first_shown_at_payment_is_critical_with_both_stages_as_evidence():
    pay = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Service fee", "$3.49"), ("Total", "$48.44"))
    result = check(stage("cart", CART, 0), stage("payment", pay, 1))
    assert keys(result) == {("payment", "fee:service"): "critical"}
    f = result.findings[0]
    assert f.measured == 3.49 and f.unit == "USD" and f.proposed and "$3.49" in f.title
    assert [e.stage for e in f.evidence] == ["payment", "cart"]
    assert f.evidence[0].selector.endswith("tr:nth-of-type(160) > td") and f.evidence[0].box is not None
    assert "$44.95" in f.evidence[1].text


def test_same_costs_at_payment_pass_with_the_cart_total():
    result = check(stage("cart", CART, 0), stage("payment", CART, 1))
    assert result.outcome == "passed" and not result.findings
    assert any("total $44.95 unchanged at payment" in p.title for p in result.passed)


def test_a_fee_already_inside_the_cart_total_is_minor():
    inside = summary(("Subtotal", "$36.51"), ("Shipping", "$4.95"), ("Service fee", "$3.49"), ("Total", "$44.95"))
    assert keys(check(stage("cart", CART, 0), stage("payment", inside, 1))) == {("payment", "fee:service"): "minor"}


def test_rise_without_a_line_is_an_unlabelled_fee():
    pay = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Total", "$49.94"))
    result = check(stage("cart", CART, 0), stage("payment", pay, 1))
    assert keys(result) == {("payment", "fee:unlabelled"): "critical"}
    assert result.findings[0].measured == pytest.approx(4.99)


def test_unlabelled_residual_without_a_cart_total():
    pay = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Total", "$49.94"))
    pdp = stage("product", summary(("Price", "$20.00"), ("Delivery", "$4.95")), 0)
    assert keys(check(pdp, stage("payment", pay, 1))) == {
        ("payment", "fee:unlabelled"): "critical"}


def test_without_a_cart_the_product_price_is_the_earlier_evidence_and_unnamed_fees_keep_their_labels():
    pdp = stage("product", summary(("Price", "$20.00"), ("Delivery", "$4.95")), 0)
    pay = summary(("Subtotal", "$20.00"), ("Delivery", "$4.95"), ("Platform charge", "$1.00"), ("Fee", "$2.00"),
                  ("Total", "$27.95"))
    result = check(pdp, stage("payment", pay, 1))
    assert keys(result) == {("payment", "fee:platform"): "critical", ("payment", "fee:fee"): "critical"}
    assert [e.stage for e in result.findings[0].evidence] == ["payment", "product"]
    assert "the product price was $20.00" in result.findings[0].detail


def test_shipping_shown_on_the_product_page_is_no_surprise_and_first_shown_at_payment_is_critical():
    no_ship = summary(("Subtotal", "$40.00"), ("Total", "$40.00"))
    pay = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Total", "$44.95"))
    pdp = stage("product", summary(("Delivery", "$4.95")), 0)
    assert not check(pdp, stage("cart", no_ship, 1), stage("payment", pay, 2)).findings
    surprise = check(stage("cart", no_ship, 0), stage("payment", pay, 1))
    assert keys(surprise) == {("payment", "fee:shipping"): "critical"}


def test_a_choice_of_paid_rates_after_a_silent_cart_is_major_at_the_step_that_shows_it():
    """Issue 11.2: a choice among paid options is no choice of the cost; the cheapest is unavoidable."""
    no_ship = summary(("Subtotal", "$40.00"), ("Total", "$40.00"))
    pay = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Total", "$44.95"))
    checkout = stage("checkout", summary(("Total", "$40.00"), extra=radio(50, 300, "Standard $4.95", True)
                                         + radio(52, 330, "Express $12.95", False)), 1)
    result = check(stage("cart", no_ship, 0), checkout, stage("payment", pay, 2))
    assert keys(result) == {("checkout", "fee:shipping"): "major"}  # once, where it first shows
    f = result.findings[0]
    assert f.measured == 4.95 and "cheapest" in f.title and f.evidence[0].selector == "#opt50"
    # The payment step's passed line names the cost already reported, not "all costs shown by the cart".
    assert [p.title for p in result.passed] == [
        "no new cost at payment: the total rises from $40.00 at cart to $44.95 at payment by shipping $4.95, "
        "reported at checkout"]
    free = stage("checkout", summary(("Total", "$40.00"), extra=radio(50, 300, "Standard — free", True)
                                     + radio(52, 330, "Express $12.95", False)), 1)
    assert not check(stage("cart", no_ship, 0), free, stage("payment", summary(("Subtotal", "$40.00"), (
        "Shipping", "Free"), ("Total", "$40.00")), 2)).findings


def test_a_rate_picked_where_an_option_states_no_price_is_the_shoppers_choice():
    """An option without a shown price may cost nothing ("Pick up in store"): no floor, no surprise."""
    no_ship = summary(("Subtotal", "$40.00"), ("Total", "$40.00"))
    checkout = stage("checkout", summary(("Subtotal", "$40.00"), ("Shipping", "$12.95"), ("Total", "$52.95"),
                                         extra=radio(50, 300, "Pick up in store", False)
                                         + radio(52, 330, "Express delivery $12.95", True)), 1)
    result = check(stage("cart", no_ship, 0), checkout)
    assert not result.findings
    assert "picked where an option states no price" in result.passed[0].title


def test_rates_on_a_page_that_takes_payment_are_critical_whatever_its_label():
    """Issue 11.3: the step's role is the later of its label and its content (here a payment choice)."""
    no_ship = summary(("Subtotal", "$40.00"), ("Total", "$40.00"))
    page = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Total", "$44.95"),
                   extra=radio(50, 300, "Standard $4.95", True) + radio(52, 330, "Express $12.95", False)
                   + radio(54, 400, "PayPal", True, kind="radio", group="payment_method")
                   + radio(56, 430, "Bank transfer", False, kind="radio", group="payment_method"))
    result = check(stage("cart", no_ship, 0), stage("checkout", page, 1))
    assert keys(result) == {("checkout", "fee:shipping"): "critical"}
    assert "where the shopper pays" in result.findings[0].title
    assert "a choice of payment method" in result.findings[0].detail


def test_chosen_express_is_allowed_but_a_dearer_shipping_line_is_not():
    express = summary(("Subtotal", "$40.00"), ("Shipping", "$12.95"), ("Total", "$52.95"))
    checkout = stage("checkout", summary(("Total", "$44.95"), extra=radio(50, 300, "Standard delivery $4.95", False)
                                         + radio(52, 330, "Express delivery $12.95", True)), 1)
    result = check(stage("cart", CART, 0), checkout, stage("payment", express, 2))
    assert not result.findings
    # The passed line says what the rise is made of, never "all costs shown by the cart: $44.95 → $52.95".
    [line] = [p.title for p in result.passed]
    assert "only by the shopper’s choice: Express delivery $12.95 over the cheapest USD 4.95" in line
    assert "all costs shown" not in line
    only_express = stage("checkout", summary(("Total", "$44.95"), extra=radio(52, 330, "Express delivery $12.95",
                                                                                True)), 1)
    assert keys(check(stage("cart", CART, 0), only_express, stage("payment", express, 2))) == {
        ("checkout", "increase:shipping"): "major"}
    dearer = summary(("Subtotal", "$40.00"), ("Shipping", "$9.95"), ("Total", "$49.95"))
    assert keys(check(stage("cart", CART, 0), stage("payment", dearer, 1))) == {
        ("payment", "increase:shipping"): "critical"}


def test_late_tax_is_a_surprise_unless_policy_allows_it():
    pay = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Sales tax", "$1.20"), ("Total", "$46.15"))
    assert keys(check(stage("cart", CART, 0), stage("payment", pay, 1))) == {("payment", "fee:tax"): "critical"}
    assert not check(stage("cart", CART, 0), stage("payment", pay, 1), tax_may_appear_late=True).findings


def test_fee_on_a_checkout_step_before_payment_is_major_and_reported_once():
    with_fee = summary(("Subtotal", "$40.00"), ("Shipping", "$4.95"), ("Handling", "$2.00"), ("Total", "$46.95"))
    result = check(stage("cart", CART, 0), stage("checkout", with_fee, 1), stage("payment", with_fee, 2))
    assert keys(result) == {("checkout", "fee:handling"): "major"}


def test_cart_without_estimate_is_minor():
    pending = summary(("Subtotal", "$40.00"), ("Total", "$40.00"), extra=(
        Element(0, "#note", "p", Rect(0, 200, 400, 20), True, text="Taxes and shipping calculated at checkout"),))
    pay = summary(("Subtotal", "$40.00"), ("Total", "$40.00"))
    assert keys(check(stage("cart", pending, 0), stage("payment", pay, 1))) == {
        ("cart", "estimate:shipping"): "minor", ("cart", "estimate:tax"): "minor"}
    assert keys(check(stage("cart", pending, 0), stage("payment", pay, 1), flag_no_estimate=False)) == {}


@pytest.mark.parametrize("label,checked,expected", [
    ("Round up for charity (+$0.55)", True, {("checkout", "preticked:donation"): "major"}),
    ("Add shipping insurance", True, {("checkout", "preticked:protection"): "major"}),
    ("Gift wrap this order (+$4.00)", True, {("checkout", "preticked:gift-wrap"): "major"}),
    ("Priority handling +$2.00", True, {("checkout", "preticked:paid-extra"): "major"}),
    ("Round up for charity (+$0.55)", False, {}),
    ("Send me offers by email", True, {}),
    ("Free gift wrap", True, {}),
])
def test_preticked_paid_extras(label, checked, expected):
    checkout = stage("checkout", summary(("Total", "$44.95"), extra=radio(50, 300, label, checked, "checkbox")), 1)
    assert keys(check(stage("cart", CART, 0), checkout)) == expected


def test_not_applicable_without_a_funnel_stage_or_prices():
    assert check(stage("cart", CART, 0)).outcome == "not_applicable"
    result = check(stage("cart", (), 0), stage("payment", (), 1))
    assert result.outcome == "not_applicable" and "no prices" in result.reason


def test_ledger_ignores_struck_prices_unit_prices_and_instalments():
    els = summary(("Subtotal", "$40.00"), ("Total", "$40.00"), extra=(
        Element(0, "#was", "span", Rect(300, 40, 60, 20), True, text="$50.00", struck=True),
        Element(0, "#unit", "span", Rect(0, 400, 200, 20), True, text="$2.00 / kg"),
        Element(0, "#bnpl", "p", Rect(0, 430, 400, 20), True, text="or 4 interest-free payments of $10.00"),
        Element(0, "#free", "p", Rect(0, 460, 400, 20), True, text="Free shipping"),
        Element(0, "#vat", "small", Rect(0, 490, 400, 20), True, text="(includes $6.39 VAT)")))
    led = build_ledger(stage("cart", els, 0), lxml.html.document_fromstring("<html></html>"))
    got = {(ln.kind, ln.amount, ln.status, ln.included) for ln in led.lines}
    assert got == {("subtotal", Decimal("40.00"), "amount", False), ("total", Decimal("40.00"), "amount", False),
                   ("shipping", Decimal(0), "free", False), ("tax", Decimal("6.39"), "amount", True)}


def test_structured_data_supplies_product_price_and_shipping_rate():
    dom = """<html><head><script type="application/ld+json">{"@context":"https://schema.org","@type":"Product",
      "offers":{"@type":"Offer","price":"20.00","priceCurrency":"CAD","shippingDetails":{"@type":"OfferShippingDetails",
      "shippingRate":{"@type":"MonetaryAmount","value":"4.95","currency":"CAD"}}}}</script>
      <meta property="product:price:amount" content="20.00"></head><body></body></html>"""
    pdp = stage("product", (Element(0, "#p", "span", Rect(0, 0, 80, 20), True, text="$20.00"),), 0, dom)
    led = build_ledger(pdp, lxml.html.document_fromstring(dom))
    assert led.hint.currency == "CAD"
    assert {(ln.kind, ln.amount, ln.source) for ln in led.lines if ln.source != "row"} == {
        ("product", Decimal("20.00"), "jsonld"), ("shipping", Decimal("4.95"), "jsonld"),
        ("product", Decimal("20.00"), "og")}
    assert led.product_price().value.selector == "#p"
    pay = summary(("Subtotal", "$20.00"), ("Shipping", "$4.95"), ("Total", "$24.95"))
    assert not check(pdp, stage("payment", pay, 1)).findings


# ---- fixture journeys in a real browser -------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fixture_journeys(case, fixture_capture, locate):
    stages = [fixture_capture(FIXTURES / case["dir"] / file, kind, f"https://shop.example/{case['dir']}/{kind}", i)
              for i, (kind, file) in enumerate(case["stages"])]
    policy = Policy(checks={"surprise-fees": case.get("options", {})})
    result = run_check(surprise_fees, journey_of(*stages), policy, {}, debug=True)
    expected = {(x["stage"], x["key"]): x for x in case["flagged"]}
    assert keys(result) == {k: x["severity"] for k, x in expected.items()}, [f.title for f in result.findings]
    files = {kind: file for kind, file in case["stages"]}
    for f in result.findings:
        want = expected[(f.stage, f.key)]
        ev = f.evidence[0]
        assert ev.stage == f.stage and ev.box is not None and ev.box.width > 0, f
        html = (FIXTURES / case["dir"] / files[f.stage]).read_text(encoding="utf-8")
        assert locate(html, ev.selector, want["selector"]), (f.key, ev.selector, want["selector"])
        if "earlier" in want:
            prior = f.evidence[1]
            assert prior.stage == want["earlier"]["stage"] and prior.box is not None
            html = (FIXTURES / case["dir"] / files[prior.stage]).read_text(encoding="utf-8")
            assert locate(html, prior.selector, want["earlier"]["selector"]), (prior.selector, want["earlier"])
    if not case["flagged"]:
        assert result.outcome == "passed"
        titles = [p.title for p in result.passed]
        assert any(t.startswith(("all costs shown by the cart", "no cost appears late")) for t in titles), titles
        # A total that changed is never passed as "all costs shown by the cart" (issue 11.2).
        assert not any(t.startswith("all costs shown") and "→" in t for t in titles), titles
