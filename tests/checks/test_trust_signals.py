"""missing-trust-signals: unit tests on hand-built captures, then platform-style fixture pages in a real
browser (tests/fixtures/checks/trust/cases.json lists every finding that must fire; an unlisted one fails)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.checks import trust_signals
from auditor.checks.runner import run_check
from auditor.model import Element, Rect, StageCapture, Timing
from auditor.config.policy import Policy
from auditor.walk.snapshot import journey_of

from offline_dom import fixture_capture, locate  # noqa: F401 - pytest fixtures

FIXTURES = Path(__file__).parents[1] / "fixtures" / "checks" / "trust"
CASES = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))["cases"]


def E(selector: str, tag: str, text: str = "", box=(0, 0, 120, 20), **kw) -> Element:
    return Element(0, selector, tag, Rect(*box) if box else None, kw.pop("visible", True), text=text,
                   name=kw.pop("name", text), attrs=kw.pop("attrs", {}), **kw)


def stage(kind: str, *elements: Element, url: str = "", dom: str = "", index: int = 0) -> StageCapture:
    els = tuple(Element(i, e.selector, e.tag, e.box, e.visible, e.type, e.role, e.name, e.name_source, e.text,
                        e.attrs) for i, e in enumerate(elements))
    return StageCapture(stage=kind, kind=kind, index=index, step=index, label=kind, device="desktop",
                        url=url or f"https://shop.example/{kind}", status=200, title=kind, timing=Timing(),
                        elements=els, dom=dom)


def check(*stages: StageCapture, **options):
    policy = Policy(checks={"missing-trust-signals": options}) if options else Policy()
    return run_check(trust_signals, journey_of(*stages), policy, {}, debug=True)


def keys(result) -> dict[tuple[str, str], str]:
    return {(f.stage, f.key): f.severity for f in result.findings}


SUMMARY = E("#summary h2", "h2", "Order summary", (700, 100, 300, 30))
CTA = E("#pay", "button", "Pay now", (700, 600, 300, 48))
RETURNS = E("#returns", "a", "Free 30-day returns", (700, 660, 150, 20), attrs={"href": "/returns"})
CONTACT = E("#mail", "a", "help@shop.example", (700, 690, 150, 20), attrs={"href": "mailto:help@shop.example"})
PRIVACY = E("#privacy", "a", "Privacy", (700, 720, 80, 20), attrs={"href": "/privacy"})
VISA = E("#visa", "img", "", (100, 340, 40, 24), name="Visa", attrs={"alt": "Visa", "src": "/i/visa.svg"})
CARD = E("#cc", "input", "", (100, 400, 400, 40), type="text", name="Card number",
         attrs={"autocomplete": "cc-number", "name": "cardnumber"})
LOCK = E("#lock", "span", "🔒 Payments are secure and encrypted", (100, 370, 300, 20))
COMPLETE = (SUMMARY, CTA, RETURNS, CONTACT, PRIVACY, VISA, CARD, LOCK)


def test_complete_payment_page_passes_and_lists_each_signal():
    result = check(stage("payment", *COMPLETE))
    assert result.outcome == "passed"
    titles = {p.title.split(":")[0] for p in result.passed}
    assert {"HTTPS", "security cue at the card fields", "accepted payment methods", "returns/refund policy",
            "contact or support", "privacy policy link"} <= titles
    cue = next(p for p in result.passed if p.title.startswith("security cue"))
    assert cue.evidence[0].selector == "#lock" and cue.evidence[0].box is not None


def test_security_cue_must_be_near_the_card_fields():
    far = E("#lock", "span", "🔒 Secure checkout", (100, 1200, 300, 20))
    result = check(stage("payment", *(e for e in COMPLETE if e is not LOCK), far))
    assert keys(result) == {("payment", "missing:security-cue"): "major"}
    ev = result.findings[0].evidence[0]
    assert ev.selector == "#cc" and ev.box == CARD.box
    near = check(stage("payment", *(e for e in COMPLETE if e is not LOCK), far), cue_radius_px=900)
    assert not near.findings


def test_security_code_label_is_not_a_security_cue():
    cvc_label = E("#cvc-label", "label", "Security code", (100, 450, 200, 20))
    result = check(stage("payment", *(e for e in COMPLETE if e is not LOCK), cvc_label))
    assert ("payment", "missing:security-cue") in keys(result)


def test_padlock_icon_by_name_counts():
    icon = E("#ico", "svg", "", (80, 410, 16, 16), name="Padlock")
    assert not check(stage("payment", *(e for e in COMPLETE if e is not LOCK), icon)).findings


MATERIAL_LOCK = ("M18 8h-1V6c0-2.76-2.24-5-5-5S7 3.24 7 6v2H6c-1.1 0-2 .9-2 2v10c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2V10c0"
                 "-1.1-.9-2-2-2zm-6 9c-1.1 0-2-.9-2-2s.9-2 2-2 2 .9 2 2-.9 2-2 2z")
CHECKMARK = "M9 16.2L4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2z"


def _card_page(icon: str, size: int = 24) -> StageCapture:
    """BigCommerce checkout-js: an untitled svg inside the card-number field's wrapper."""
    dom = (f'<html><body><div id="pay"><input id="cc" autocomplete="cc-number"><div class="icon">{icon}</div>'
           '</div></body></html>')
    svg = E("#pay > div:nth-of-type(1) > svg:nth-of-type(1)", "svg", "", (470, 408, size, size))
    return stage("payment", *(e for e in COMPLETE if e is not LOCK), svg, dom=dom)


@pytest.mark.parametrize("icon, size, cue", [
    (f'<svg viewBox="0 0 24 24"><path d="{MATERIAL_LOCK}"></path></svg>', 24, True),  # Material "lock"
    ('<svg viewBox="0 0 24 24"><rect width="18" height="11" x="3" y="11"/><path d="M7 11V7a5 5 0 0 1 10 0v4"/>'
     '</svg>', 20, True),  # Feather / Lucide "lock", minified the other way
    ('<svg><use xlink:href="#icon-lock"></use></svg>', 16, True),  # a sprite symbol named like a lock
    (f'<svg viewBox="0 0 24 24"><path d="{CHECKMARK}"></path></svg>', 24, False),  # any other icon: no cue
    (f'<svg viewBox="0 0 24 24"><path d="{MATERIAL_LOCK}"></path></svg>', 240, False),  # an illustration
])
def test_untitled_padlock_svg_at_the_card_field(icon, size, cue):
    result = check(_card_page(icon.replace("0 1 10", "0 110") if size == 20 else icon, size))
    assert (("payment", "missing:security-cue") not in keys(result)) == cue
    if cue:
        passed = next(p for p in result.passed if p.title.startswith("security cue"))
        assert passed.evidence[0].text == "padlock icon" and passed.evidence[0].box is not None


def test_no_card_fields_no_security_cue_verdict():
    result = check(stage("checkout", SUMMARY, CTA, RETURNS, CONTACT, PRIVACY))
    assert not result.findings and not any(p.title.startswith("security cue") for p in result.passed)


def test_one_missing_link_is_minor_two_are_major():
    one = check(stage("payment", *(e for e in COMPLETE if e is not RETURNS)))
    assert keys(one) == {("payment", "missing:returns"): "minor"}
    assert one.findings[0].evidence[0].selector == "#summary h2"
    two = check(stage("payment", *(e for e in COMPLETE if e not in (RETURNS, PRIVACY))))
    assert keys(two) == {("payment", "missing:returns"): "major", ("payment", "missing:privacy"): "major"}
    assert two.findings[0].proposed


def test_payment_logos_missing_on_cart_is_info_and_not_counted():
    result = check(stage("cart", SUMMARY, CTA, RETURNS, CONTACT, E("#p", "a", "Privacy policy", attrs={"href": "/p"})))
    assert keys(result) == {("cart", "missing:payment-logos"): "info"}


def test_return_to_cart_and_contact_heading_are_not_signals():
    page = stage("payment", SUMMARY, CTA, PRIVACY, VISA, CARD, LOCK,
                 E("#back", "a", "Return to cart", attrs={"href": "/cart"}),
                 E("#h", "h2", "Contact information", (0, 50, 300, 30)))
    assert keys(check(page)) == {("payment", "missing:returns"): "major", ("payment", "missing:contact"): "major"}


def test_chat_widget_script_counts_as_contact():
    dom = '<html><body><script src="https://widget.intercom.io/widget/abc"></script></body></html>'
    page = stage("payment", *(e for e in COMPLETE if e is not CONTACT), dom=dom)
    result = check(page)
    assert not result.findings
    assert any("intercom" in e.text for p in result.passed for e in p.evidence)


def test_missing_footer_link_reported_once_per_journey():
    cart = stage("cart", SUMMARY, CTA, CONTACT, PRIVACY, VISA, index=0)
    pay = stage("payment", *(e for e in COMPLETE if e is not RETURNS), index=1)
    result = check(cart, pay)
    assert keys(result) == {("cart", "missing:returns"): "minor"}
    assert "Also missing on: payment" in result.findings[0].detail
    assert keys(check(cart, pay, dedupe_footer_links=False)) == {("cart", "missing:returns"): "minor",
                                                                 ("payment", "missing:returns"): "minor"}


@pytest.mark.parametrize("url,expected", [
    ("https://shop.example/cart", {}),
    ("http://shop.example/cart", {("cart", "missing:https"): "critical"}),
    ("http://127.0.0.1:8000/cart", {}),
    ("http://localhost:5000/cart", {}),
])
def test_https(url, expected):
    result = check(stage("cart", SUMMARY, CTA, RETURNS, CONTACT, PRIVACY, VISA, url=url))
    assert keys(result) == expected
    if not expected:
        https = next(p for p in result.passed if p.title.startswith("HTTPS"))
        assert ("loopback" in https.title) == url.startswith("http://")


def test_mixed_content_active_is_major_passive_minor():
    img = '<html><body><img src="http://cdn.example/a.png"><a href="http://example.com/">x</a></body></html>'
    js = '<html><body><script src="http://cdn.example/a.js"></script></body></html>'
    base = (SUMMARY, CTA, RETURNS, CONTACT, PRIVACY, VISA)
    assert keys(check(stage("cart", *base, dom=img))) == {("cart", "mixed-content"): "minor"}
    assert keys(check(stage("cart", *base, dom=js))) == {("cart", "mixed-content"): "major"}
    assert not check(stage("cart", *base, dom=js, url="http://127.0.0.1/cart")).findings  # not an https page


def test_product_page_reviews_and_delivery():
    h1 = E("#t", "h1", "Linen Shirt", (0, 0, 400, 40))
    atc = E("#add", "button", "Add to bag", (0, 300, 200, 48))
    stars = E("#stars", "span", "★★★★★", (0, 50, 100, 20), name="Rated 4.6 out of 5 stars")
    delivery = E("#d", "p", "Free delivery in 2–4 days", (0, 360, 300, 20))
    assert not check(stage("product", h1, atc, stars, delivery)).findings
    far = E("#d", "p", "Delivery information", (0, 2000, 300, 20))
    result = check(stage("product", h1, atc, far))
    assert keys(result) == {("product", "missing:reviews"): "major", ("product", "missing:delivery-info"): "major"}
    by_key = {f.key: f for f in result.findings}
    assert by_key["missing:reviews"].evidence[0].selector == "#t"
    assert by_key["missing:delivery-info"].evidence[0].selector == "#add"
    ld = ('<html><head><script type="application/ld+json">{"@type":"Product","aggregateRating":'
          '{"@type":"AggregateRating","ratingValue":"4.2","reviewCount":"9"}}</script></head></html>')
    assert keys(check(stage("product", h1, atc, delivery, dom=ld))) == {}
    assert keys(check(stage("product", h1, atc, E("#c", "a", "128 reviews", (0, 60, 100, 20)), delivery))) == {}


@pytest.mark.parametrize("texts, present", [
    ((("Free delivery in 2–4 days", 0),), True),
    ((("Versand 4,90 €", 0),), True),
    ((("Shipping:", 0), ("Free Shipping", 80)), True),  # <dt>/<dd> on one line: the fact is beside the word
    ((("Expédition sous 24 h", 0),), True),
    ((("Shipping calculated at checkout.", 0),), False),  # Dawn's price note: neither a cost nor a time
    ((("Shipping & Returns", 0),), False),  # an accordion heading, closed
    ((("Shipping:", 0), ("Calculated at Checkout", 80)), False),
])
def test_delivery_information_states_a_cost_or_a_time(texts, present):
    h1 = E("#t", "h1", "Linen Shirt", (0, 0, 400, 40))
    stars = E("#stars", "span", "★★★★★", (0, 50, 100, 20), name="Rated 4.6 out of 5 stars")
    atc = E("#add", "button", "Add to bag", (0, 300, 200, 48))
    lines = [E(f"#d{i}", "span", text, (x, 360, 70 if x == 0 and len(texts) > 1 else 300, 20))
             for i, (text, x) in enumerate(texts)]
    assert (("product", "missing:delivery-info") not in keys(check(stage("product", h1, stars, atc, *lines)))) \
        == present


def test_not_applicable_outside_shop_stages():
    assert check(stage("landing", SUMMARY)).outcome == "not_applicable"


# ---- fixture pages in a real browser -----------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fixture_pages(case, fixture_capture, locate):
    html = (FIXTURES / case["file"]).read_text(encoding="utf-8")
    url = case.get("url", f"https://shop.example/{case['kind']}")
    cap = fixture_capture(FIXTURES / case["file"], case["kind"], url)
    result = run_check(trust_signals, journey_of(cap), Policy(), {}, debug=True)
    expected = {x["key"]: x for x in case["flagged"]}
    assert {f.key: f.severity for f in result.findings} == {k: x["severity"] for k, x in expected.items()}, \
        [f.title for f in result.findings]
    for f in result.findings:
        want = expected[f.key]["selector"]
        ev = f.evidence[0]
        assert ev.stage == cap.stage
        if want is None:
            assert ev.box is None
            continue
        assert ev.selector and locate(html, ev.selector, want), (f.key, ev.selector, want)
        if f.key != "mixed-content":  # a <script> has no box; the boxed <img> comes second
            assert ev.box is not None and ev.box.width > 0
    present = {p.title.split(":")[0] for p in result.passed}
    assert set(case.get("passed", ())) <= present, present
