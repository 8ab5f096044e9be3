"""Which controls are the checkout form (analysis/formscope.py) and whether a shopper sees their labels
(analysis/labels.py), on hand-built captures: each rule both ways (left out / counted, major / minor)."""
from __future__ import annotations

import pytest

from auditor.analysis import formscope as S
from auditor.analysis import labels as L
from auditor.analysis.formscope import FormScope, controls
from auditor.checks import form_length
from auditor.checks.runner import run_check
from auditor.config.policy import DEFAULT_POLICY
from auditor.model import Element, Rect, StageCapture, Timing
from auditor.walk.snapshot import journey_of


def el(i: int, ident: str, tag: str = "input", *, type: str = "text", label: str = "", source: str = "label",
       box=(100, 0, 300, 36), form: str = "", parent: int = -1, text: str = "", role: str = "", **attrs) -> Element:
    a = {"id": ident, "name": ident, **attrs} if tag in ("input", "select", "textarea") else {"id": ident, **attrs}
    return Element(index=i, selector=f"#{ident}", tag=tag, box=Rect(*box), visible=True,
                   type=type if tag == "input" else "", role=role, name=label, name_source=source if label else "",
                   text=text, attrs=a, form=form, parent=parent)


def stage(*els: Element, dom: str = "", kind: str = "checkout") -> StageCapture:
    return StageCapture(stage=kind, kind=kind, index=0, step=0, label=kind, device="desktop",
                        url=f"https://shop.example/{kind}", status=200, title=kind, timing=Timing(),
                        elements=tuple(els), dom=dom)


def why(st: StageCapture, ident: str) -> str:
    return FormScope(st).outside(st.element(f"#{ident}"))


# ---- site chrome: landmarks from the DOM, and from the element table without one --------------------

PAGE = """<html><body>
<header><form action="/localization"><select id="lang"></select></form><input id="hq"></header>
<main><header><input id="in-main-header"></header>
  <form id="co"><input id="email"><footer><input id="terms" type="checkbox"></footer></form></main>
<footer><form id="nl"><input id="news"></form></footer>
<div role="navigation"><input id="jump"></div>
</body></html>"""


@pytest.mark.parametrize("ident, reason", [
    ("lang", S.CHROME), ("hq", S.CHROME), ("news", S.CHROME), ("jump", S.CHROME),
    ("email", ""), ("terms", ""),  # a <footer> inside a form is the form's own, not the page's
    ("in-main-header", ""),  # a <header> inside <main> is no banner (HTML-AAM)
])
def test_header_footer_and_navigation_landmarks_are_site_chrome(ident, reason):
    els = [el(i, x, type="checkbox" if x == "terms" else "text", label=x) for i, x in
           enumerate(("lang", "hq", "in-main-header", "email", "terms", "news", "jump"))]
    assert why(stage(*els, dom=PAGE), ident) == reason


def test_landmarks_from_the_element_table_when_there_is_no_dom():
    banner = Element(index=0, selector="#top", tag="div", box=Rect(0, 0, 1000, 80), visible=True, role="banner",
                     attrs={"role": "banner"})
    st = stage(banner, el(1, "q", label="Search", parent=0), el(2, "email", label="Email"))
    assert why(st, "q") == S.CHROME and why(st, "email") == ""


# ---- what a control asks for, wherever it is ---------------------------------------------------------

@pytest.mark.parametrize("control, reason", [
    (el(0, "language", "select", label="Language"), S.LOCALE),
    (el(0, "currency", "select", label="Währung"), S.LOCALE),
    (el(0, "country", "select", label="Country"), ""),
    (el(0, "form-0-DELETE", type="checkbox", label="Remove"), S.CART_LINE),
    (el(0, "qty", type="number", label="Quantity"), S.CART_LINE),
    (el(0, "discount", label="Discount code or gift card"), S.COUPON),
    (el(0, "promo", label="Codice promozionale"), S.COUPON),
    (el(0, "gift", type="checkbox", label="This order is a gift"), ""),
])
def test_locale_switchers_cart_line_controls_and_coupons(control, reason):
    assert why(stage(control), control.attr("id")) == reason


def test_a_code_box_with_an_apply_button_is_a_coupon_box():
    form = el(0, "f", "form", box=(0, 0, 400, 60), role="form")
    code = el(1, "code", label="Code", form="#f")
    apply = el(2, "apply", "button", type="", label="Apply", source="text", text="Apply", form="#f")
    assert why(stage(form, code, apply), "code") == S.COUPON
    send = el(2, "apply", "button", type="", label="Continue", source="text", text="Continue", form="#f")
    assert why(stage(form, code, send), "code") == ""


# ---- groups: sign-in boxes, newsletter boxes, shipping estimators ------------------------------------

def _form(*members: Element, action: str = "") -> StageCapture:
    form = el(0, "f", "form", box=(0, 0, 400, 400), role="form", action=action)
    return stage(form, *members)


def test_a_sign_in_box_needs_no_required_attribute():
    """Magento's authentication popup marks its fields required with data-validate only."""
    st = _form(el(1, "login-email", type="email", label="Email Address", form="#f", autocomplete="off",
                  **{"data-validate": "{required:true}"}),
               el(2, "login-password", type="password", label="Password", form="#f"))
    assert why(st, "login-email") == S.SIGN_IN and why(st, "login-password") == S.SIGN_IN
    assert controls(st) == []


def test_credentials_only_registration_is_a_sign_in_box_but_an_account_form_with_a_name_is_counted():
    creds = _form(el(1, "reg-email", type="email", label="Email", form="#f"),
                  el(2, "pw1", type="password", label="Password", form="#f"),
                  el(3, "pw2", type="password", label="Confirm password", form="#f"))
    assert why(creds, "reg-email") == S.SIGN_IN
    account = _form(el(1, "firstname", label="Prénom", form="#f"), el(2, "email", type="email", label="E-mail",
                                                                      form="#f"),
                    el(3, "password", type="password", label="Mot de passe", form="#f"),
                    el(4, "birthday", label="Date de naissance", form="#f"))
    assert {why(account, x) for x in ("firstname", "email", "password", "birthday")} == {""}


def test_newsletter_box_is_told_by_its_button_not_by_an_opt_in_checkbox():
    subscribe = el(2, "go", "button", type="", label="Subscribe", source="text", text="Subscribe", form="#f")
    box = _form(el(1, "nl_email", type="email", label="Email Address", form="#f"), subscribe)
    assert why(box, "nl_email") == S.NEWSLETTER
    # BigCommerce's guest step: an e-mail, an opt-in box and "Continue" — the checkout's own e-mail field
    guest = _form(el(1, "email", type="email", label="Email Address", form="#f"),
                  el(2, "shouldSubscribe", type="checkbox", label="Subscribe to our newsletter.", form="#f"),
                  el(3, "go", "button", type="", label="Continue", source="text", text="Continue", form="#f"))
    assert why(guest, "email") == ""


def test_shipping_estimator_is_a_cart_tool():
    est = _form(el(1, "country", "select", label="Country", form="#f"), el(2, "zip", label="Zip/postcode", form="#f"),
                el(3, "go", "button", type="", label="Estimate Shipping", source="text", text="Estimate Shipping",
                   form="#f"))
    assert why(est, "zip") == S.ESTIMATE
    address = _form(el(1, "country", "select", label="Country", form="#f"),
                    el(2, "zip", label="Zip/postcode", form="#f"),
                    el(3, "go", "button", type="", label="Continue", source="text", text="Continue", form="#f"))
    assert why(address, "zip") == ""


def test_a_disabled_fieldset_disables_its_fields():
    dom = ('<html><body><form id="f"><fieldset disabled><input id="b_street"></fieldset>'
           '<input id="s_street"></form></body></html>')
    st = stage(el(0, "b_street", label="Street", form="#f"), el(1, "s_street", label="Street", form="#f"), dom=dom)
    assert why(st, "b_street") == S.DISABLED and why(st, "s_street") == ""


# ---- the long-form check on top of it -----------------------------------------------------------------

def run(*stages: StageCapture):
    st = [StageCapture(**{**{f: getattr(s, f) for f in s.__dataclass_fields__}, "index": i, "step": i,
                          "stage": f"{s.kind}-{i}"}) for i, s in enumerate(stages)]
    result = run_check(form_length, journey_of(*st), DEFAULT_POLICY, {}, debug=True)
    return result, {f.key: f for f in result.findings}


def test_the_cart_is_not_judged_as_a_checkout():
    """Oscar's basket: a header language select with no label, a quantity box — not checkout friction."""
    cart = stage(el(0, "language", "select", label=""), el(1, "qty", type="number", label="Quantity"),
                 el(2, "wrap", "select"), kind="cart")  # an unlabelled gift-wrap choice: a cart tool
    form = [el(i, k, label=k.title(), autocomplete=t, type="email" if k == "email" else "text") for i, (k, t) in
            enumerate((("email", "email"), ("name", "name"), ("street", "address-line1"), ("zip", "postal-code")))]
    result, found = run(cart, stage(*form))
    assert "no-label" not in found and result.outcome == "passed"
    total = next(p for p in result.passed if "form fields" in p.title)
    assert total.measured == 4


def test_a_cart_page_that_holds_the_checkout_form_is_counted():
    one_page = stage(*[el(i, k, label=k.title(), autocomplete=t, type="email" if k == "email" else "text")
                       for i, (k, t) in
                       enumerate((("email", "email"), ("name", "name"), ("street", "address-line1")))], kind="cart")
    result, _ = run(one_page, stage(el(9, "cc", label="Card number", autocomplete="cc-number", inputmode="numeric")))
    assert next(p for p in result.passed if "form fields" in p.title).measured == 4


def test_what_is_left_out_is_named_in_the_count():
    coupon = el(20, "coupon", label="Gift card or discount code")
    fields = [el(i, f"note{i}", label=f"Delivery note {i}", autocomplete="on") for i in range(13)]
    _, found = run(stage(*fields, coupon))
    total = found["total-fields"]
    assert total.measured == 13 and "Not counted: coupon or gift card (checkout-0)" in total.detail


# ---- labels: what a shopper sees ------------------------------------------------------------------------

def _row(label_box, field: Element, *extra: Element) -> StageCapture:
    cell = Element(index=50, selector="#cell", tag="td", box=Rect(*label_box), visible=True, text="Email")
    return stage(cell, field, *extra)


@pytest.mark.parametrize("field, kind", [
    (el(1, "email", box=(200, 100, 300, 30)), L.NOT_TIED),  # <td>Email</td><td><input></td>
    (el(1, "email", box=(200, 100, 300, 30), label="email", source="aria-label"), L.TIED),  # the name says it
    (el(1, "email", box=(200, 100, 300, 30), label="field1", source="aria-label"), L.NOT_TIED),
    (el(1, "email", box=(200, 100, 300, 30), label="Email", source="label"), L.TIED),
])
def test_visible_text_in_the_neighbouring_cell(field, kind):
    assert L.label_state(_row((100, 105, 60, 20), field), field).kind == kind


def test_text_far_away_or_a_heading_is_no_label():
    field = el(1, "email", box=(200, 100, 300, 30), placeholder="Email", label="Email", source="placeholder")
    far = _row((100, 300, 60, 20), field)
    assert L.label_state(far, field).kind == L.PLACEHOLDER
    heading = Element(index=50, selector="#h", tag="h2", box=Rect(200, 70, 200, 24), visible=True, text="Contact")
    assert L.label_state(stage(heading, field), field).kind == L.PLACEHOLDER
    bare = el(1, "email", box=(200, 100, 300, 30))
    assert L.label_state(stage(heading, bare), bare).kind == L.NONE


def test_a_hint_under_one_field_is_not_the_next_fields_label():
    phone = el(1, "phone", box=(100, 100, 300, 30), label="Phone", source="label")
    hint = Element(index=5, selector="#hint", tag="small", box=Rect(100, 134, 250, 16), visible=True,
                   text="For delivery questions")
    nxt = el(2, "zip", box=(100, 156, 300, 30), placeholder="ZIP", label="ZIP", source="placeholder")
    assert L.label_state(stage(phone, hint, nxt), nxt).kind == L.PLACEHOLDER
    label = Element(index=5, selector="#zl", tag="span", box=Rect(100, 150, 60, 16), visible=True, text="ZIP")
    lower = el(2, "zip", box=(100, 170, 300, 30), placeholder="ZIP", label="ZIP", source="placeholder")
    assert L.label_state(stage(phone, label, lower), lower).kind == L.NOT_TIED


def test_a_visually_hidden_label_is_no_visible_label():
    field = el(1, "zip", box=(100, 100, 300, 30), label="ZIP code", source="label")
    hidden = Element(index=2, selector="#l", tag="label", box=Rect(100, 90, 1, 1), visible=True, text="ZIP code",
                     attrs={"for": "zip"})
    assert L.label_state(stage(field, hidden), field).kind == L.NONE
    shown = Element(index=2, selector="#l", tag="label", box=Rect(100, 80, 80, 18), visible=True, text="ZIP code",
                    attrs={"for": "zip"})
    assert L.label_state(stage(field, shown), field).kind == L.TIED


def test_a_floating_label_for_the_field_ties_it_even_beside_an_aria_label():
    field = el(1, "email", box=(100, 100, 300, 40), label="E-Mail-Adresse", source="aria-label")
    floating = Element(index=2, selector="#l", tag="label", box=Rect(112, 104, 120, 14), visible=True,
                       text="E-Mail-Adresse", attrs={"for": "email"})
    assert L.label_state(stage(field, floating), field).kind == L.TIED


def test_a_group_caption_names_the_parts_under_it():
    fieldset = Element(index=0, selector="#fs", tag="fieldset", box=Rect(100, 60, 400, 120), visible=True)
    legend = Element(index=1, selector="#lg", tag="legend", box=Rect(100, 60, 120, 20), visible=True,
                     text="Street Address", parent=0)
    line2 = el(3, "street2", box=(100, 130, 300, 30), label="Street Address: Line 2", parent=0)
    hidden = Element(index=4, selector="#l2", tag="label", box=Rect(100, 128, 1, 1), visible=True,
                     text="Street Address: Line 2", attrs={"for": "street2"})
    assert L.label_state(stage(fieldset, legend, line2, hidden), line2).kind == L.TIED
    day = el(5, "day", "select", box=(100, 300, 80, 30), label="Birth date", parent=-1)
    day_label = Element(index=6, selector="#dl", tag="label", box=Rect(100, 278, 80, 18), visible=True,
                        text="Birth date", attrs={"for": "day"})
    month = el(7, "month", "select", box=(190, 300, 80, 30), label="Month", source="aria-label")
    assert L.label_state(stage(day, day_label, month), month).kind == L.TIED
    alone = el(7, "month", "select", box=(190, 300, 80, 30), label="Month", source="aria-label")
    assert L.label_state(stage(alone), alone).kind == L.NONE


@pytest.mark.parametrize("fields, key, severity", [
    ([el(1, "email", box=(200, 100, 300, 30), placeholder="Email", label="Email", source="placeholder")],
     "placeholder-label", "major"),
    ([el(1, "email", box=(200, 100, 300, 30))], "no-label", "major"),
])
def test_no_visible_label_is_major(fields, key, severity):
    _, found = run(stage(*fields))
    assert found[key].severity == severity


def test_visible_but_not_tied_is_a_minor_accessibility_finding():
    field = el(1, "email", box=(200, 100, 300, 30), autocomplete="email", type="email")
    _, found = run(_row((100, 105, 60, 20), field))
    f = found["label-not-tied"]
    assert f.severity == "minor" and f.title.startswith("Accessibility:") and "“Email”" in f.detail
    assert "no-label" not in found and "placeholder-label" not in found


def test_a_second_street_line_under_a_labelled_first_line_continues_it():
    """WooCommerce's address_2: a screen-reader-only label, right under "Street address"."""
    line1 = el(1, "billing_address_1", box=(100, 100, 300, 30), label="Street address", autocomplete="address-line1")
    shown = Element(index=2, selector="#l1", tag="label", box=Rect(100, 80, 120, 18), visible=True,
                    text="Street address", attrs={"for": "billing_address_1"})
    line2 = el(3, "billing_address_2", box=(100, 140, 300, 30), label="Apartment, suite, unit", placeholder="Apt",
               autocomplete="address-line2")
    hidden = Element(index=4, selector="#l2", tag="label", box=Rect(100, 139, 1, 1), visible=True,
                     text="Apartment, suite, unit", attrs={"for": "billing_address_2"})
    assert L.label_state(stage(line1, shown, line2, hidden), line2).kind == L.TIED
    phone = el(3, "billing_phone", box=(100, 140, 300, 30), label="Phone", placeholder="Phone", autocomplete="tel")
    hidden_phone = Element(index=4, selector="#l2", tag="label", box=Rect(100, 139, 1, 1), visible=True,
                           text="Phone", attrs={"for": "billing_phone"})
    assert L.label_state(stage(line1, shown, phone, hidden_phone), phone).kind == L.PLACEHOLDER


def test_a_cart_page_whose_content_makes_it_the_payment_step_is_counted():
    """analysis/role.py: a payment-method choice on the page a scenario calls the cart."""
    radios = [el(i, f"pm{i}", type="radio", label=name, box=(100, 40 * i, 20, 20), name="payment_method")
              for i, name in enumerate(("PayPal", "Kauf auf Rechnung"))]
    note = el(5, "note", "textarea", box=(100, 200, 300, 60))
    _, found = run(stage(*radios, note, kind="cart"), stage(el(9, "email", type="email", label="Email",
                                                               autocomplete="email")))
    assert [e.selector for e in found["no-label"].evidence] == ["#note"]
    _, found = run(stage(note, kind="cart"), stage(el(9, "email", type="email", label="Email", autocomplete="email")))
    assert "no-label" not in found
