import pytest

from auditor.walk.browser import BASE_ARGS, IGNORED_DEFAULT_ARGS


def test_checkout(page, ux_audit, shop):
    """An ordinary end-to-end test with three captures: audited after its last line."""
    page.goto(shop + "/")
    page.click("a.product-card-link[href='/p/ceramic-pour-over-dripper']")
    ux_audit.capture("product")
    page.click("#add-to-cart")
    page.click("#view-cart")
    ux_audit.capture("cart")
    page.click("#checkout-button")
    ux_audit.capture("checkout")
    assert page.url.startswith(shop)


@pytest.mark.ux_audit(fail_on="never")
def test_no_account_wall(page, ux_audit, shop):
    """Only one check and one budget decide here: the gate is off for this test."""
    page.goto(shop + "/p/ceramic-pour-over-dripper")
    page.click("#add-to-cart")
    page.click("#view-cart")
    ux_audit.capture("cart")
    page.click("#checkout-button")
    ux_audit.capture("checkout")
    ux_audit.assert_budget(checkout_fields=12)
    ux_audit.assert_no("forced_account")


def test_launch_args(browser_type_launch_args):
    """The browser is launched with auditor's flags although this project sets none."""
    assert set(BASE_ARGS) <= set(browser_type_launch_args["args"])
    assert list(IGNORED_DEFAULT_ARGS) == browser_type_launch_args["ignore_default_args"]
