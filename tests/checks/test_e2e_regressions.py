"""Cases the demo-shop toggle matrix caught: pinned here as pure unit tests (no browser)."""
from auditor.analysis.formscope import SIGN_IN, FormScope
from auditor.analysis.trust import card_fields
from auditor.model import Element, Rect, StageCapture, Timing


def _stage(*els: Element) -> StageCapture:
    return StageCapture(stage="checkout", kind="checkout", index=0, step=0, label="", device="desktop",
                        url="https://shop.example/checkout", status=200, title="", timing=Timing(),
                        elements=tuple(els))


def _input(i: int, ident: str, *, type_: str = "text", form: str = "#f", **attrs) -> Element:
    return Element(index=i, selector=f"#{ident}", tag="input", box=Rect(0, 40 * i, 300, 30), visible=True,
                   type=type_, role="textbox", name=attrs.pop("label", ident),
                   attrs={"id": ident, "name": ident, **attrs}, form=form)


def test_birth_date_placeholder_is_not_a_card_expiry_field():
    dob = _input(1, "dob", placeholder="DD/MM/YYYY", label="Date of birth")
    assert card_fields(_stage(dob)) == []
    expiry = _input(2, "exp", placeholder="MM / YY", label="Expiry")
    assert card_fields(_stage(expiry)) == [expiry]


def _left_out(stage: StageCapture) -> set[str]:
    scope = FormScope(stage)
    return {scope.outside(e) for e in stage.elements if e.tag == "input"}


def test_credentials_box_on_a_wall_is_left_to_forced_account():
    form = Element(index=0, selector="#f", tag="form", box=Rect(0, 0, 300, 300), visible=True, role="form")
    wall = _stage(form, _input(1, "register-email", type_="email", autocomplete="email"),
                  _input(2, "register-password", type_="password", required="required"),
                  _input(3, "register-password-confirm", type_="password", required="required"))
    assert _left_out(wall) == {SIGN_IN}


def test_an_account_form_that_asks_for_a_name_is_checkout_data():
    """Issue 11.4: with no guest path, a new shopper types these fields to buy (PrestaShop's no-guest
    first step): counted as form length, while forced-account judges the wall."""
    form = Element(index=0, selector="#f", tag="form", box=Rect(0, 0, 300, 300), visible=True, role="form")
    wall = _stage(form, _input(1, "register-name", label="Full name", autocomplete="name"),
                  _input(2, "register-email", type_="email", autocomplete="email"),
                  _input(3, "register-password", type_="password", required="required"),
                  _input(4, "register-password-confirm", type_="password", required="required"))
    assert _left_out(wall) == {""}


def test_checkout_form_with_an_optional_password_is_still_counted():
    form = Element(index=0, selector="#f", tag="form", box=Rect(0, 0, 300, 300), visible=True, role="form")
    personal = _stage(form, _input(1, "firstname", autocomplete="given-name"),
                      _input(2, "email", type_="email", autocomplete="email"),
                      _input(3, "password", type_="password", label="Password (optional)"))
    assert _left_out(personal) == {""}
