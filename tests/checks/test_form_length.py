"""long-form: unit tests on hand-built element tables, then fixture pages in several platforms' markup."""
from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.analysis import forms as F
from auditor.checks import form_length
from auditor.checks.runner import run_check
from auditor.model import Element, Rect, StageCapture, Timing
from auditor.config.policy import DEFAULT_POLICY, Policy
from auditor.walk.snapshot import journey_of
from fixture_pages import check_case, sidecar

_row = iter(range(10_000))


def field(key: str, label: str | None = None, *, type: str = "text", tag: str = "input", ac: str | None = "",
          required: bool = False, visible: bool = True, enabled: bool = True, form: str = "#co", y: float = 0,
          **attrs) -> Element:
    """One form control; ``label=None`` leaves it unlabelled, ``ac=""`` means a fitting token is set."""
    a = {"id": key, "name": key, **attrs}
    if ac is not None:
        a["autocomplete"] = ac or {"email": "email", "tel": "tel"}.get(type, "off" if ac == "off" else "on")
    if ac == "":
        a.pop("autocomplete")
    if required:
        a["required"] = "required"
    i = next(_row)
    return Element(index=i, selector=f"#{key}", tag=tag, box=Rect(100, y or 40 * i, 300, 36), visible=visible,
                   type=type if tag == "input" else "", role="textbox", name=label or "",
                   name_source="label" if label else "", attrs=a, enabled=enabled, form=form)


def good(key: str, label: str, token: str, **kw) -> Element:
    return field(key, label, ac=None, autocomplete=token, **kw)


def stage(*elements: Element, kind: str = "checkout", name: str | None = None, index: int = 0) -> StageCapture:
    form = Element(index=next(_row), selector="#co", tag="form", box=Rect(0, 0, 800, 2000), visible=True, role="form")
    return StageCapture(stage=name or kind, kind=kind, index=index, step=index, label=kind, device="desktop",
                        url=f"https://shop.example/{kind}", status=200, title=kind, timing=Timing(),
                        elements=(form, *elements))


def run(*stages: StageCapture, policy: Policy = DEFAULT_POLICY):
    result = run_check(form_length, journey_of(*stages), policy, {}, debug=True)
    return result, {f.key: f for f in result.findings}


CLEAN = (good("email", "Email", "email", type="email"), good("name", "Full name", "name"),
         good("street", "Address", "address-line1"), good("zip", "ZIP code", "postal-code"),
         good("city", "City", "address-level2"))


def test_clean_short_form_passes():
    result, found = run(stage(*CLEAN))
    assert result.outcome == "passed" and not found
    titles = [p.title for p in result.passed]
    assert "5 form fields — within the benchmark (≤ 8)" in titles
    assert "autocomplete on all 5 personal fields" in titles and "all 5 form controls have labels" in titles


@pytest.mark.parametrize("extra, severity", [(3, None), (4, "minor"), (7, "minor"), (8, "major")])
def test_total_fields_against_the_bands(extra, severity):
    more = [good(f"note{i}", f"Delivery note {i}", "on") for i in range(extra)]
    _, found = run(stage(*CLEAN, *more))
    got = found.get("total-fields")
    assert (got.severity if got else None) == severity
    if got:
        assert got.measured == 5 + extra and got.threshold == 8 and got.proposed and got.unit == "fields"
        assert len(got.evidence) == 5 + extra and all(e.box for e in got.evidence)


def test_a_field_shown_again_on_a_later_stage_counts_once():
    again = [good(e.attr("id"), e.name, e.attr("autocomplete"), type=e.type) for e in CLEAN]
    cards = [good("cc", "Card number", "cc-number", inputmode="numeric"), good("exp", "Expiry", "cc-exp"),
             good("csc", "Security code", "cc-csc", inputmode="numeric"), good("ccn", "Name on card", "cc-name")]
    result, found = run(stage(*CLEAN), stage(*again, *cards, kind="review", index=1))
    assert found["total-fields"].measured == 9 and found["total-fields"].severity == "minor"
    assert found["total-fields"].stage == "checkout"  # where most of the fields are


def test_hidden_disabled_and_non_checkout_controls_are_not_counted():
    search = Element(index=next(_row), selector="#s", tag="input", type="search", box=Rect(0, 0, 200, 30),
                     visible=True, name="Search", name_source="label", attrs={"name": "q"}, form="#sf")
    search_form = Element(index=next(_row), selector="#sf", tag="form", box=Rect(0, 0, 300, 40), visible=True,
                          role="search")
    news_form = Element(index=next(_row), selector="#nl", tag="form", box=Rect(0, 900, 300, 40), visible=True,
                        text="Sign up for our newsletter")
    extra = [field("line2", "Address line 2", visible=False), field("vat", "VAT id", enabled=False),
             field("qty", "Quantity", type="number"), search_form, search,
             news_form, field("news", "Your email", type="email", ac="", form="#nl")]
    _, found = run(stage(*CLEAN, *extra, good("c", "Company", "organization")))
    assert "total-fields" not in found  # 6 fields: the hidden, disabled, quantity, search, newsletter ones left out


def test_elements_count_radio_groups_once_and_checkboxes():
    radios = [field(f"ship{i}", f"Option {i}", type="radio", name="shipping_method") for i in range(5)]
    boxes = [field(f"cb{i}", f"Tick {i}", type="checkbox") for i in range(9)]
    _, found = run(stage(*CLEAN, *radios, *boxes))
    assert found["total-elements"].measured == 5 + 1 + 9 and found["total-elements"].severity == "minor"


def test_visually_hidden_checkbox_with_a_visible_label_counts():
    hidden_box = field("terms", "I accept", type="checkbox", visible=False)
    label = Element(index=next(_row), selector="#terms-label", tag="label", box=Rect(0, 0, 100, 20), visible=True,
                    attrs={"for": "terms"}, text="I accept")
    boxes = [field(f"cb{i}", f"Tick {i}", type="checkbox") for i in range(9)]
    _, found = run(stage(*CLEAN, hidden_box, label, *boxes))
    assert found["total-elements"].measured == 15


@pytest.mark.parametrize("el, kind", [
    (field("email_confirm", "Confirm email", type="email", ac="off"), "email-confirm"),
    (field("salutation", "Title", tag="select", ac=""), "honorific"),
    (field("company", "Company (optional)", ac=""), "company"),
    (field("dob", "Date of birth", ac=""), "bday"),
    (field("gender", "Gender", tag="select", ac=""), "gender"),
    (good("address2", "Apartment, suite, etc.", "address-line2"), "address-line2"),
    (good("phone", "Phone", "tel", type="tel", required=True), "phone-unexplained"),
    (field("card_type", "Card type", tag="select", ac=""), "cc-type"),
])
def test_each_superfluous_field_is_its_own_finding(el, kind):
    _, found = run(stage(*CLEAN, el))
    keys = [k for k in found if k.startswith("superfluous:")]
    assert keys == [f"superfluous:{kind}:{el.attr('name')}"]
    assert found[keys[0]].severity == "minor" and found[keys[0]].evidence[0].selector == el.selector


@pytest.mark.parametrize("el", [
    good("address2", "Apartment, suite, etc.", "address-line2", visible=False),  # behind "Add apartment…"
    good("phone", "Phone (optional)", "tel", type="tel"),
    good("phone", "Phone — for delivery questions", "tel", type="tel", required=True),
])
def test_collapsed_line2_and_optional_or_explained_phone_are_fine(el):
    _, found = run(stage(*CLEAN, el))
    assert not [k for k in found if k.startswith("superfluous:")]


def test_phone_explained_by_a_hint_next_to_it():
    phone = good("phone", "Phone", "tel", type="tel", required=True, y=900)
    hint = Element(index=next(_row), selector="#hint", tag="span", box=Rect(100, 940, 300, 18), visible=True,
                   text="In case the courier needs to reach you")
    _, found = run(stage(*CLEAN, phone, hint))
    assert not [k for k in found if k.startswith("superfluous:")]


def test_a_delivery_heading_or_neighbouring_fieldset_is_no_explanation():
    phone = good("phone", "Phone", "tel", type="tel", required=True, y=900)
    legend = Element(index=next(_row), selector="#lg", tag="legend", box=Rect(500, 900, 300, 20), visible=True,
                     text="Delivery address")
    street = good("street2", "Street", "shipping address-line1", y=930)
    column = Element(index=next(_row), selector="#col", tag="div", box=Rect(480, 890, 340, 300), visible=True,
                     text="Delivery address Street ZIP")
    _, found = run(stage(*CLEAN, phone, legend, street, column))
    assert "superfluous:phone-unexplained:phone" in found


def test_birth_date_placeholder_is_not_a_card_expiry():
    dob = Element(index=next(_row), selector="#dob", tag="input", type="text", box=Rect(0, 0, 200, 30), visible=True,
                  name="Date of birth (DD/MM/YYYY)", name_source="placeholder", attrs={"id": "dob", "name": "dob"})
    assert F.purpose(dob) == "bday"
    assert F.purpose(replace(dob, name="MM / YY", attrs={"id": "exp", "name": "exp"})) == "cc-exp"


def test_split_name_is_one_finding_with_both_fields():
    _, found = run(stage(good("email", "Email", "email", type="email"), good("fn", "First name", "given-name"),
                         good("ln", "Last name", "family-name")))
    f = found["superfluous:split-name:fn"]
    assert [e.selector for e in f.evidence] == ["#fn", "#ln"]


def _block(prefix: str, visible: bool = True):
    return [good(f"{prefix}_{k}", lbl, f"{prefix} {tok}", visible=visible) for k, lbl, tok in
            (("name", "Full name", "name"), ("street", "Address", "address-line1"), ("zip", "ZIP", "postal-code"),
             ("city", "City", "address-level2"))]


def test_second_address_block_shown_by_default_is_flagged_once():
    same = field("same", "Billing address same as shipping", type="checkbox")
    result, found = run(stage(good("email", "Email", "email", type="email"), *_block("shipping"), same,
                              *_block("billing")))
    f = found["superfluous:billing-block:billing"]
    assert {e.selector for e in f.evidence} == {"#billing_name", "#billing_street", "#billing_zip", "#billing_city"}
    assert not [k for k in found if k.startswith("superfluous:") and k != f.key]


def test_billing_block_hidden_behind_a_checked_same_as_shipping_box_is_fine():
    same = field("same", "Billing address same as shipping", type="checkbox", checked="checked")
    _, found = run(stage(good("email", "Email", "email", type="email"), *_block("shipping"), same,
                         *_block("billing", visible=False)))
    assert not [k for k in found if k.startswith("superfluous:")]


def test_field_problems_are_grouped_per_kind_and_stage():
    bad = [field(f"e{i}", f"Email {i}", type="text", ac="off") for i in range(3)]
    result, found = run(stage(*CLEAN, *bad))
    assert [e.selector for e in found["autocomplete-off"].evidence] == ["#e0", "#e1", "#e2"]
    assert found["autocomplete-off"].severity == "major" and found["autocomplete-off"].measured == 3
    assert [e.selector for e in found["input-type"].evidence] == ["#e0", "#e1", "#e2"]
    assert found["autocomplete-off"].title == "Autofill is switched off on 3 personal fields"


@pytest.mark.parametrize("el, kind, severity", [
    (field("zip2", None, ac=None, autocomplete="postal-code"), "no-label", "major"),
    (field("zip2", "", ac=None, autocomplete="postal-code"), "no-label", "major"),
    (Element(index=900, selector="#z", tag="input", type="text", box=Rect(0, 0, 9, 9), visible=True,
             name="ZIP", name_source="placeholder", attrs={"name": "z", "autocomplete": "postal-code"}), "placeholder-label",
     "major"),
    (field("tel2", "Mobile", type="tel", ac=""), "autocomplete-missing", "minor"),
    (field("tel2", "Mobile", type="tel", ac=None, autocomplete="shipping mobile tel"), None, None),
    (field("tel2", "Mobile", type="tel", ac=None, autocomplete="phone"), "autocomplete-invalid", "major"),
    (field("mail2", "Email", type="text", ac=None, autocomplete="email"), "input-type", "minor"),
    (field("cc", "Card number", type="number", ac=None, autocomplete="cc-number"), "input-type", "minor"),
    (field("cc", "Card number", ac=None, autocomplete="cc-number"), "input-type", "minor"),
    (field("cc", "Card number", ac=None, autocomplete="cc-number", inputmode="numeric"), None, None),
    (field("csc", "CVC", type="tel", ac=None, autocomplete="cc-csc"), None, None),
])
def test_field_quality_problems(el, kind, severity):
    _, found = run(stage(*CLEAN, el))
    problems = {k: f.severity for k, f in found.items() if not k.startswith(("total-", "superfluous:"))}
    assert problems == ({kind: severity} if kind else {})


@pytest.mark.parametrize("value, state, token, section", [
    ("email", "ok", "email", ""), ("shipping postal-code", "ok", "postal-code", "shipping"),
    ("section-blue billing address-line1", "ok", "address-line1", "billing"), ("billing mobile tel", "ok", "tel", "billing"),
    ("home email webauthn", "ok", "email", ""), ("username webauthn", "ok", "username", ""),
    ("off", "off", "", ""), ("on", "missing", "", ""), ("", "missing", "", ""), (None, "missing", "", ""),
    ("nope", "invalid", "", ""), ("mobile postal-code", "invalid", "", ""),
    # WooCommerce's default on its checkout email: the address is also the account name
    ("email username", "ok", "email", ""), ("billing email username", "ok", "email", "billing"),
    ("username email", "ok", "email", ""), ("postal-code username", "invalid", "", ""), ("email nope", "invalid", "", ""),
    ("section- email", "invalid", "", ""),
])
def test_autocomplete_grammar(value, state, token, section):
    assert F.parse_autocomplete(value) == F.Autocomplete(state, token, section)


def test_policy_overrides_bands_and_severities():
    more = [good(f"note{i}", f"Delivery note {i}", "on") for i in range(4)]
    policy = Policy(checks={"long-form": {"fields": {"good": 10}, "severity": {"autocomplete-missing": "major"}}})
    _, found = run(stage(*CLEAN, *more, field("tel2", "Mobile", type="tel", ac="")), policy=policy)
    assert "total-fields" not in found  # 10 fields ≤ good 10; poor stays at the default 12
    assert found["autocomplete-missing"].severity == "major"
    _, found = run(stage(*CLEAN, *more), policy=Policy(checks={"long-form": {"fields": [4, 6]}}))
    assert found["total-fields"].severity == "major"


def test_not_applicable_without_checkout_stage_or_fields():
    result, _ = run(stage(*CLEAN, kind="product"))
    assert result.outcome == "not_applicable" and "checkout" in result.reason
    result, _ = run(stage(kind="checkout"))
    assert result.outcome == "not_applicable" and "no form fields" in result.reason


def test_keys_are_stable_evidence_identities():
    _, a = run(stage(*CLEAN, field("company", "Company", ac="")))
    moved = field("company", "Company", ac="", y=1500)
    _, b = run(stage(*CLEAN, moved))
    assert {f.fingerprint() for f in a.values()} == {f.fingerprint() for f in b.values()}


# ---- fixture pages: each platform's markup, with and without the friction ---------------------------

CASES = sidecar("form_length")


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_page(name, browser, tmp_path_factory):
    check_case(form_length, "form_length", CASES[name], browser, tmp_path_factory)
