"""forced-account: unit tests on hand-built stages, then sign-in walls and guest paths in several platforms' markup."""
from __future__ import annotations

import pytest

from auditor.checks import forced_account
from auditor.checks.runner import run_check
from auditor.model import Element, Rect, StageCapture, Timing
from auditor.config.policy import DEFAULT_POLICY, Policy
from auditor.walk.snapshot import journey_of
from fixture_pages import check_case, sidecar, stub

_row = iter(range(10_000))


def el(tag: str, text: str = "", *, type: str = "", box=(100, 100, 300, 40), visible: bool = True, form: str = "",
       name: str | None = None, role: str = "", **attrs) -> Element:
    i = next(_row)
    return Element(index=i, selector=f"#e{i}", tag=tag, box=Rect(*box) if box else None, visible=visible, type=type,
                   role=role, name=text if name is None else name, name_source="label" if tag == "input" else "text",
                   text="" if tag == "input" else text, attrs={"id": f"e{i}", **attrs}, form=form)


def at(kind: str, *elements: Element, index: int = 2) -> StageCapture:
    return StageCapture(stage=kind, kind=kind, index=index, step=index, label=kind, device="desktop",
                        url=f"https://shop.example/{kind}", status=200, title=kind, timing=Timing(),
                        elements=tuple(elements))


def run(*stages: StageCapture, policy: Policy = DEFAULT_POLICY):
    result = run_check(forced_account, journey_of(stub("product"), stub("cart", 1), *stages), policy, {}, debug=True)
    return result, {f.key: f for f in result.findings}


def login_box(y: float = 200, form: str = "#login"):
    return [el("h1", "Sign in", box=(100, y - 80, 400, 40)),
            el("form", "", box=(100, y, 400, 200), role="form", visible=True),
            el("input", "Email", type="email", box=(100, y, 400, 40), form=form),
            el("input", "Password", type="password", box=(100, y + 60, 400, 40), form=form),
            el("button", "Sign in", box=(100, y + 120, 400, 48), form=form)]


def address_form(*extra: Element, form: str = "#co"):
    return [el("input", "Email", type="email", form=form, autocomplete="email"),
            el("input", "Address", form=form, autocomplete="address-line1"),
            el("input", "ZIP", form=form, autocomplete="postal-code"), *extra]


def test_sign_in_page_without_guest_path_is_a_critical_wall():
    result, found = run(at("signin", *login_box()))
    wall = found["wall"]
    assert wall.severity == "critical" and wall.title == "Shoppers must sign in or create an account to buy"
    assert [e.text for e in wall.evidence] == ["Password", "Sign in", "Sign in"]  # field, heading, button
    assert all(e.box for e in wall.evidence)


@pytest.mark.parametrize("guest", [
    el("a", "Continue as guest", box=(100, 20, 300, 48)),
    el("button", "Als Gast bestellen", box=(100, 20, 300, 48)),
    el("h2", "Commander en tant qu’invité", box=(600, 100, 300, 40)),
    el("label", "Checkout without an account", box=(600, 100, 300, 20)),
])
def test_a_visible_guest_path_means_no_wall(guest):
    result, found = run(at("signin", *login_box(), guest))
    assert not found and [p.title for p in result.passed] == ["guest checkout: present"]
    assert result.passed[0].evidence[0].selector == guest.selector


def test_hidden_guest_link_or_negated_guest_wording_is_still_a_wall():
    _, found = run(at("signin", *login_box(), el("a", "Continue as guest", visible=False)))
    assert "wall" in found
    _, found = run(at("signin", *login_box(), el("p", "Guest checkout is not available for this order.")))
    assert "wall" in found


def test_guest_form_next_to_a_have_an_account_link_is_fine():
    result, found = run(at("checkout", el("a", "Have an account? Sign in"), *address_form()))
    assert not found and result.passed[0].title.startswith("guest checkout")


def test_must_log_in_notice_and_social_only_walls():
    _, found = run(at("checkout", el("div", "You must be logged in to checkout."), el("a", "Click here to login")))
    assert found["wall"].evidence[0].text == "You must be logged in to checkout."
    _, found = run(at("signin", el("h1", "Log in to continue"), el("button", "Continue with Google"),
                      el("button", "Sign in with Apple")))
    assert found["wall"].severity == "critical"


def test_checkout_form_requiring_a_password():
    pw = el("input", "Create account password *", type="password", form="#co", required="required")
    _, found = run(at("checkout", *address_form(pw)))
    assert found[f"required-password:{pw.attr('id')}"].severity == "critical"
    unmarked = el("input", "Password", type="password", form="#co")
    _, found = run(at("checkout", *address_form(unmarked)))
    assert found[f"required-password:{unmarked.attr('id')}"].severity == "major"


@pytest.mark.parametrize("extra", [
    [el("input", "Create an account?", type="checkbox", form="#co"),
     el("input", "Password", type="password", form="#co", visible=False)],  # behind the unchecked box
    [el("input", "Create an account?", type="checkbox", form="#co"),
     el("input", "Password", type="password", form="#co")],
    [el("input", "Password (optional)", type="password", form="#co")],
])
def test_optional_account_creation_is_not_forced(extra):
    result, found = run(at("checkout", *address_form(*extra)))
    assert not found


def test_account_offer_on_confirmation_and_sign_in_before_shopping_are_ignored():
    journey = journey_of(at("signin", *login_box(), index=0), stub("product", 1), stub("cart", 2),
                         at("checkout", *address_form(), index=3), at("confirmation", *login_box(), index=4))
    result = run_check(forced_account, journey, DEFAULT_POLICY, {}, debug=True)
    assert result.outcome == "passed" and not result.findings


def test_cart_with_a_login_box_and_a_checkout_button_is_no_wall():
    _, found = run(at("cart", *login_box(), el("button", "Proceed to checkout")))
    assert not found


@pytest.mark.parametrize("link_box, fires", [
    ((100, 420, 120, 14), True),   # small plain link below the sign-in button
    ((100, 20, 120, 14), False),   # above it
    ((100, 420, 400, 48), False),  # below but as large as the button
])
def test_guest_link_prominence(link_box, fires):
    result, found = run(at("signin", *login_box(), el("a", "Continue as guest", box=link_box)))
    assert ("guest-prominence" in found) == fires and "wall" not in found
    if fires:
        f = found["guest-prominence"]
        assert f.severity == "minor" and f.proposed and f.measured < 0.5
        assert [e.text for e in f.evidence] == ["Continue as guest", "Sign in"]


def test_prominence_ratio_is_a_policy_option():
    policy = Policy(checks={"forced-account": {"small_link_ratio": 0.05}})
    _, found = run(at("signin", *login_box(), el("a", "Continue as guest", box=(100, 420, 120, 14))), policy=policy)
    assert "guest-prominence" not in found


def test_not_applicable_without_funnel_stages():
    result = run_check(forced_account, journey_of(stub("product"), stub("confirmation", 1)), DEFAULT_POLICY, {})
    assert result.outcome == "not_applicable"


# ---- fixture pages ----------------------------------------------------------------------------------

CASES = sidecar("forced_account")


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_page(name, browser, tmp_path_factory):
    check_case(forced_account, "forced_account", CASES[name], browser, tmp_path_factory)
