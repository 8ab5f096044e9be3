"""The bundled demo shop, over plain HTTP (no browser): cart maths, the checkout, and every toggle.

Each toggle is checked both ways: it changes what it should when switched on alone, and the clean
shop shows none of it. Timings are only compared (≥ a delay, slower than another page), never capped.
"""
from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import html as lxml_html

import auditor.demo as demo
from auditor.demo import PROFILES, DemoShop, Toggles, parse_toggles
from auditor.demo.toggles import FLAGS
from auditor.scenario.load import load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "demo-shop.yaml"
PACKAGED_SCENARIO = demo.SCENARIO  # what `auditor demo` walks
CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "12 / 34", "card_cvc": "123", "card_name": "Alex Morgan"}
# Both checkout forms' fields: each form reads its own and ignores the rest.
ADDRESS = {"email": "shopper@example.test", "email_confirm": "shopper@example.test", "name": "Alex Morgan",
           "first_name": "Alex", "last_name": "Morgan", "phone": "5550100142", "address": "100 Roastery Lane",
           "city": "Portland", "postal_code": "97201", "country": "US", "delivery": "standard"}
TEXT_INPUT = "input[not(@type) or not(contains(' hidden submit button image reset checkbox radio ', concat(' ', @type, ' ')))]"
FILLABLE = f".//{TEXT_INPUT} | .//select | .//textarea"
FRICTION_NO_WAIT = replace(PROFILES["friction"], slow={})  # its delays are tested on their own


class Client:
    """One shopper: a cookie jar, and pages parsed with lxml."""

    def __init__(self, shop: DemoShop, follow: bool = True) -> None:
        self.base = shop.url
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if not follow:
            handlers.append(_NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: dict | None = None, method: str | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        started = time.perf_counter()
        try:
            resp = self.opener.open(req, timeout=10)
        except urllib.error.HTTPError as err:
            resp = err
        with resp:
            text = resp.read().decode()
        resp.elapsed = time.perf_counter() - started
        resp.text = text
        resp.path = resp.geturl().removeprefix(self.base)
        return resp

    def get(self, path: str):
        return self.request(path)

    def post(self, path: str, data: dict):
        return self.request(path, data)

    def page(self, path: str):
        return lxml_html.fromstring(self.get(path).text)

    def api(self, path: str = "/api/cart") -> dict:
        return json.loads(self.get(path).text)

    def add(self, slug: str, quantity: int = 1):
        return self.post("/cart/add", {"product_id": slug, "quantity": quantity})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def clean_shop():
    with DemoShop(PROFILES["clean"]) as shop:
        yield shop


def text_of(tree) -> str:
    return " ".join(tree.text_content().split())


def check_totals(cart: dict) -> Decimal:
    """The JSON adds up, to the cent; returns the total."""
    lines = sum((Decimal(l["line_total"]) for l in cart["lines"]), Decimal("0"))
    for line in cart["lines"]:
        assert Decimal(line["unit_price"]) * line["quantity"] == Decimal(line["line_total"])
    assert Decimal(cart["subtotal"]) == lines
    fees = sum((Decimal(f["amount"]) for f in cart["fees"]), Decimal("0"))
    shipping = Decimal(cart["shipping"] or "0")
    assert Decimal(cart["total"]) == Decimal(cart["subtotal"]) + shipping + Decimal(cart["tax"]) + fees
    assert all(re.fullmatch(r"\d+\.\d\d", cart[k]) for k in ("subtotal", "tax", "total"))
    return Decimal(cart["total"])


def reach_payment(client: Client) -> object:
    """A filled cart → (wall: register) → address step → payment page. Returns the payment response."""
    if client.get("/checkout").path.startswith("/account/login"):
        client.post("/account/register", {"name": "Sam Shopper", "email": "sam@example.test", "password": "a-long-pass",
                                          "password_confirm": "a-long-pass", "next": "/checkout"})
    response = client.post("/checkout", ADDRESS)
    assert response.path == "/checkout/payment", response.text[:2000]
    return response


# --- server and API ---------------------------------------------------------------------------

def test_public_api_is_pinned():
    assert sorted(demo.__all__) == ["DemoShop", "PROFILES", "Toggles", "parse_toggles"]


def test_starts_on_an_ephemeral_loopback_port_and_stops():
    shop = DemoShop().start()
    url = shop.url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url) and shop.port != 0
    assert Client(shop).get("/").status == 200
    shop.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/", timeout=2)
    with DemoShop(PROFILES["friction"]) as again:
        assert Client(again).get("/robots.txt").status == 200


def test_cart_add_change_remove_and_totals(clean_shop):
    client = Client(clean_shop)
    assert client.api()["lines"] == [] and client.api()["total"] == "0.00"
    assert client.add("ceramic-pour-over-dripper", 2).path == "/p/ceramic-pour-over-dripper"
    cart = client.api()
    assert (cart["subtotal"], cart["shipping"], cart["tax"], cart["total"]) == ("48.00", "4.95", "3.84", "56.79")
    check_totals(cart)

    client.post("/cart/update", {"quantity-ceramic-pour-over-dripper": "3"})
    cart = client.api()
    assert (cart["subtotal"], cart["shipping"], cart["total"]) == ("72.00", "0.00", "77.76")

    client.add("dual-boiler-espresso-machine")
    cart = client.api()
    assert cart["subtotal"] == "1321.00" and check_totals(cart) == Decimal("1426.68")
    page = client.page("/cart")
    assert "$1,249.00" in text_of(page) and "$1,321.00" in text_of(page)
    assert page.xpath("string(//td[@class='order-total'])") == "$1,426.68"

    client.post("/cart/remove", {"product_id": "ceramic-pour-over-dripper"})
    assert [l["id"] for l in client.api()["lines"]] == ["dual-boiler-espresso-machine"]
    client.post("/cart/update", {"product_id": "dual-boiler-espresso-machine", "quantity": "0"})
    assert client.api()["lines"] == []
    assert "Your cart is empty" in client.get("/cart").text


def test_free_standard_delivery_from_fifty_dollars(clean_shop):
    client = Client(clean_shop)
    client.add("cast-iron-skillet")  # $45.00
    assert client.api()["shipping"] == "4.95"
    assert "Add $5.00 more for free standard delivery" in client.get("/cart").text
    client.add("soy-wax-candle")  # + $18.50
    assert client.api()["shipping"] == "0.00"
    assert client.page("/cart").xpath("string(//tr[th[starts-with(., 'Shipping')]]/td)") == "Free"


def test_clean_checkout_places_an_order_for_the_cart_total(clean_shop):
    client = Client(clean_shop, follow=False)
    client.add("walnut-cutting-board")
    cart_total = client.api()["total"]
    response = client.post("/checkout", ADDRESS)
    assert response.status == 303 and response.headers["Location"] == "/checkout/payment"
    payment = lxml_html.fromstring(client.get("/checkout/payment").text)
    assert payment.xpath("string(//button[@id='place-order'])") == f"Place order · ${cart_total}"
    assert client.api("/api/order-preview")["total"] == cart_total

    placed = client.post("/checkout/place-order", CARD)
    assert placed.status == 303 and re.fullmatch(r"/order/HB-\d{6}", placed.headers["Location"])
    confirmation = client.get(placed.headers["Location"])
    assert "Thank you, your order is confirmed" in confirmation.text
    assert 'id="account-offer"' in confirmation.text  # optional, after the purchase
    assert client.api()["lines"] == []
    assert Client(clean_shop).get(placed.headers["Location"]).status == 404  # another shopper's order


def test_checkout_steps_guard_their_order(clean_shop):
    client = Client(clean_shop)
    assert client.get("/checkout").path == "/cart"
    client.add("chefs-knife")
    assert client.get("/checkout/payment").path == "/checkout"
    bad = client.post("/checkout", {**ADDRESS, "email": "not-an-email"})
    assert bad.status == 400 and "Enter an email address" in bad.text
    client.post("/checkout", ADDRESS)
    declined = client.post("/checkout/place-order", {**CARD, "card_number": "4242 4242 4242 4241"})
    assert declined.status == 400 and "Enter a valid card number" in declined.text
    assert "4241" not in declined.text  # card data is not echoed


# --- toggles, one at a time -------------------------------------------------------------------

TRUST_LINK = ("//a[starts-with(@href, 'tel:') or starts-with(@href, 'mailto:') or @href='/contact'"
              " or @href='/help/returns' or @href='/help/privacy']")


def observe(toggles: Toggles) -> dict[str, bool]:
    """Which frictions a shopper meets on one journey through a shop with these toggles."""
    with DemoShop(toggles) as shop:
        client = Client(shop)
        product = client.page("/p/travel-mug")
        client.add("ceramic-pour-over-dripper")
        cart = client.page("/cart")
        cart_total = Decimal(client.api()["total"])
        wall = client.get("/checkout").path.startswith("/account/login")
        reach_payment(client)
        checkout = client.page("/checkout")
        payment = client.page("/checkout/payment")
        paid = Decimal(client.api("/api/order-preview")["total"])
    funnel = (cart, checkout, payment)
    return {
        "account_wall": wall,
        "long_form": len(checkout.xpath("//form[@id='checkout-form']").pop().xpath(FILLABLE)) >= 25,
        "no_trust": not any(page.xpath(TRUST_LINK) or page.xpath("//svg/title[.='Lock']") for page in funnel)
        and "reviews" not in text_of(product),
        "late_fees": "calculated at checkout" in text_of(cart) and "Service fee" in text_of(payment)
        and paid > cart_total,
        "xss": "<script>" in product.xpath("string(//h1)"),
    }


@pytest.fixture(scope="module")
def clean_observed():
    return observe(PROFILES["clean"])


def test_clean_profile_has_no_friction(clean_observed):
    assert clean_observed == {flag: False for flag in FLAGS}


@pytest.mark.parametrize("flag", FLAGS)
def test_each_toggle_alone_changes_exactly_its_friction(flag, clean_observed):
    assert observe(Toggles(**{flag: True})) == {**clean_observed, flag: True}


def test_friction_profile_has_every_friction_but_xss():
    assert observe(FRICTION_NO_WAIT) == {flag: flag != "xss" for flag in FLAGS}


def test_account_wall_has_no_guest_path_but_accounts_work(monkeypatch):
    monkeypatch.setenv("DEMO_SHOP_PASSWORD", "from-the-environment")
    with DemoShop(Toggles(account_wall=True)) as shop:
        guest = Client(shop)
        guest.add("gooseneck-kettle")
        wall = guest.get("/checkout")
        assert wall.path == "/account/login?next=/checkout"
        page = lxml_html.fromstring(wall.text)
        assert page.xpath("string(//h1)") == "Sign in to continue"
        assert len(page.xpath("//input[@type='password']")) == 3
        assert "Create account" in text_of(page) and "guest" not in text_of(page).lower()
        assert guest.post("/checkout", ADDRESS).path.startswith("/account/login")
        assert guest.get("/checkout/payment").path.startswith("/account/login")

        refused = guest.post("/account/login", {"email": "shopper@example.test", "password": "correct-horse-battery",
                                                "next": "/checkout"})
        assert refused.status == 400  # the default no longer applies: the environment set the password
        signed_in = guest.post("/account/login", {"email": "shopper@example.test", "password": "from-the-environment",
                                                  "next": "/checkout"})
        assert signed_in.path == "/checkout" and "Hi, Alex" in signed_in.text and "/account/logout" in signed_in.text

        newcomer = Client(shop)
        newcomer.add("gooseneck-kettle")
        form = {"name": "Sam Shopper", "email": "sam@example.test", "password": "a-long-pass",
                "password_confirm": "a-long-pass", "next": "/checkout"}
        assert newcomer.post("/account/register", form).path == "/checkout"
        again = Client(shop)  # the scenario registers once per device against one server
        again.add("gooseneck-kettle")
        assert again.post("/account/register", form).path == "/checkout"
        taken = Client(shop).post("/account/register", {**form, "password": "another-pass", "password_confirm": "another-pass"})
        assert taken.status == 400 and "already exists" in taken.text


def test_clean_checkout_offers_an_optional_account_only():
    with DemoShop() as shop:
        client = Client(shop)
        client.add("gooseneck-kettle")
        checkout = client.page("/checkout")
        box = checkout.xpath("//input[@id='create-account']").pop()
        assert box.get("type") == "checkbox" and box.get("checked") is None
        password = checkout.xpath("//input[@type='password']")
        assert [p.get("id") for p in password] == ["account-password"] and password[0].get("required") is None
        assert password[0].xpath("ancestor::div[@class='account-password-field']")
        css = client.get("/static/shop.css").text
        assert "#create-account:not(:checked) ~ .account-password-field { display: none; }" in css
        assert "Continue as guest" in client.get("/account/login?next=/checkout").text

        short = client.post("/checkout", {**ADDRESS, "create_account": "on", "account_password": "short"})
        assert short.status == 400 and "at least 8 characters" in short.text
        taken = client.post("/checkout", {**ADDRESS, "create_account": "on", "account_password": "a-long-pass"})
        assert taken.status == 400 and "already exists" in taken.text  # shopper@example.test is the demo account
        opted_in = client.post("/checkout", {**ADDRESS, "email": "opt.in@example.test", "create_account": "on",
                                              "account_password": "a-long-pass"})
        assert opted_in.path == "/checkout/payment" and "Hi, Alex" in opted_in.text

        later = Client(shop)  # or after the purchase, from the confirmation page
        later.add("gooseneck-kettle")
        later.post("/checkout", {**ADDRESS, "email": "later@example.test"})
        confirmation = later.post("/checkout/place-order", CARD)
        assert 'id="offer-password"' in confirmation.text
        saved = later.post("/account/register", {"name": "Alex Morgan", "email": "later@example.test",
                                                  "password": "a-long-pass", "next": "/account"})
        assert saved.path == "/account" and "later@example.test" in saved.text


def _fields(form) -> list:
    return form.xpath(FILLABLE)


def _label_for(form, field) -> str:
    return form.xpath(f"string(//label[@for='{field.get('id')}'])").strip()


def test_long_form_is_long_and_badly_marked_up():
    with DemoShop(Toggles(long_form=True)) as shop:
        client = Client(shop)
        client.add("gooseneck-kettle")
        form = client.page("/checkout").xpath("//form[@id='checkout-form']").pop()
        fields = _fields(form)
        assert len(fields) >= 25
        by_id = {f.get("id"): f for f in fields}
        assert {"title", "email-confirm", "company", "dob", "address2", "name", "last-name", "billing-address"} <= set(by_id)
        assert by_id["email"].get("type") == "text" and by_id["phone"].get("type") == "text"
        assert by_id["phone"].get("required") is not None
        assert by_id["email"].get("autocomplete") == "off"
        assert 2 <= sum(1 for f in fields if not _label_for(form, f) and f.get("placeholder")) <= 3
        assert not form.xpath(".//input[@type='checkbox' and contains(@id, 'same')]")  # no "same as shipping"
        client.post("/checkout", ADDRESS)
        payment = client.page("/checkout/payment")
        assert payment.xpath("//input[@id='card-number']/@type") == ["number"]
        assert payment.xpath("//select[@id='card-type']") and payment.xpath("//input[@id='card-name']")
        assert client.post("/checkout/place-order", {**CARD, "card_number": "4242424242424242"}).path.startswith("/order/")


def test_clean_form_is_short_labelled_and_autofillable(clean_shop):
    client = Client(clean_shop)
    client.add("gooseneck-kettle")
    form = client.page("/checkout").xpath("//form[@id='checkout-form']").pop()
    fields = [f for f in _fields(form) if not f.xpath("ancestor::details") and f.get("type") != "password"]
    assert len(fields) <= 8
    assert all(_label_for(form, f) for f in _fields(form))
    assert all(f.get("autocomplete") not in (None, "off") for f in fields)
    assert form.xpath("//input[@id='email']/@type") == ["email"]
    client.post("/checkout", ADDRESS)
    card = client.page("/checkout/payment").xpath("//input[@id='card-number']").pop()
    assert (card.get("type"), card.get("inputmode"), card.get("autocomplete")) == ("text", "numeric", "cc-number")


def test_no_trust_removes_every_signal_and_clean_has_them_all(clean_shop):
    def signals(shop: DemoShop) -> dict[str, bool]:
        client = Client(shop)
        product = client.page("/p/gooseneck-kettle")
        client.add("gooseneck-kettle")
        reach_payment(client)
        payment, cart = client.page("/checkout/payment"), client.page("/cart")
        ld = json.loads(product.xpath("string(//script[@type='application/ld+json'])"))
        return {
            "security cue": bool(payment.xpath("//*[@id='secure-payment']//svg/title[.='Lock']")),
            "payment logos": len(payment.xpath("//ul[@class='payment-logos']/li/svg/title")) == 5,
            "returns": bool(cart.xpath("//a[@href='/help/returns']")),
            "privacy": bool(payment.xpath("//a[@href='/help/privacy']")),
            "contact": bool(cart.xpath("//a[starts-with(@href, 'tel:')]") and cart.xpath("//a[@href='/contact']")),
            "reviews": "86 reviews" in text_of(product) and "aggregateRating" in ld,
            "delivery": "Delivery:" in text_of(product) and "shippingDetails" in ld["offers"],
        }
    assert set(signals(clean_shop).values()) == {True}
    with DemoShop(Toggles(no_trust=True)) as shop:
        assert set(signals(shop).values()) == {False}
        footer = Client(shop).page("/").xpath("//footer").pop()
        assert [a.text for a in footer.xpath(".//a")] == ["About us"]


def test_late_fees_appear_only_on_the_payment_step(clean_shop):
    with DemoShop(Toggles(late_fees=True)) as shop:
        client = Client(shop)
        product = client.page("/p/walnut-cutting-board")
        assert "$4.95" not in text_of(product) and "calculated at checkout" in text_of(product)
        client.add("walnut-cutting-board")
        cart = client.get("/cart").text
        assert "Shipping and fees calculated at checkout" in cart and "Shipping (" not in cart
        assert client.api()["shipping"] is None and client.api()["fees"] == []
        cart_total = check_totals(client.api())
        client.post("/checkout", ADDRESS)
        payment = client.page("/checkout/payment")
        preview = client.api("/api/order-preview")
        assert [f["name"] for f in preview["fees"]] == ["Service fee", "Handling"] and preview["shipping"] == "4.95"
        assert check_totals(preview) > cart_total
        assert payment.xpath("string(//td[@class='order-total'])") == f"${preview['total']}"
        assert "Service fee" in text_of(payment) and "Handling" in text_of(payment)


def test_xss_payload_is_shown_as_text_never_as_markup():
    with DemoShop(Toggles(xss=True)) as shop:
        client = Client(shop)
        raw = client.get("/p/travel-mug").text
        page = lxml_html.fromstring(raw)
        assert '<script>alert("xss")</script>' in page.xpath("string(//h1)")
        assert '<script>alert("xss")</script>' in page.xpath("string(//title)")
        assert not [s for s in page.xpath("//script") if "alert" in (s.text or "") and s.get("type") != "application/ld+json"]
        assert not page.xpath("//img[@onerror]") and "&lt;script&gt;" in raw
        ld = json.loads(page.xpath("string(//script[@type='application/ld+json'])"))
        assert ld["name"].startswith("<script>") and "\\u003cscript\\u003e" in raw  # inert inside the JSON-LD block
        client.add("travel-mug")
        for path in ("/c/coffee-gear", "/cart"):
            assert not lxml_html.fromstring(client.get(path).text).xpath("//img[@onerror]")


def test_slow_delays_only_the_stage_it_names():
    with DemoShop(Toggles(slow={"product": 400, "checkout": 300}, account_wall=True)) as shop:
        client = Client(shop)
        landing = client.get("/")
        product = client.get("/p/chefs-knife")
        assert product.elapsed >= 0.4 and landing.elapsed < product.elapsed
        client.add("chefs-knife")
        cart = client.get("/cart")
        wall = client.get("/checkout")  # the wall stands in for checkout, so it is slowed as checkout
        assert wall.path.startswith("/account/login") and wall.elapsed >= 0.3 and cart.elapsed < wall.elapsed


# --- profiles and the toggle parser -----------------------------------------------------------

def test_profiles():
    assert PROFILES["clean"] == Toggles()
    friction = PROFILES["friction"]
    assert all(getattr(friction, flag) for flag in FLAGS if flag != "xss") and not friction.xss
    assert friction.slow["product"] > 2500 and friction.slow["payment"] > 2500  # past LCP's "good" limit


def test_parse_toggles():
    toggles = parse_toggles("slow=product:1500;cart:300,account_wall,late_fees")
    assert toggles == Toggles(slow={"product": 1500, "cart": 300}, account_wall=True, late_fees=True)
    assert parse_toggles("") == Toggles() and parse_toggles("none") == Toggles()
    assert parse_toggles("long_form=off", PROFILES["friction"]).long_form is False
    merged = parse_toggles("slow=product:100,xss", PROFILES["friction"])
    assert merged.slow == {"product": 100, "payment": 2600} and merged.xss and merged.account_wall
    for profile in PROFILES.values():
        assert parse_toggles(profile.describe()) == profile and hash(parse_toggles(profile.describe())) == hash(profile)


@pytest.mark.parametrize("spec, message", [
    ("late_fee", "unknown toggle 'late_fee'; valid toggles: slow, account_wall, long_form, no_trust, late_fees, xss"),
    ("slow=checkout", "slow: bad delay 'checkout'"),
    ("slow=basket:100", "slow: unknown stage 'basket'"),
    ("xss=maybe", "toggle 'xss': expected on or off"),
])
def test_parse_toggles_errors_name_the_problem(spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_toggles(spec)


def test_toggles_are_validated_and_frozen():
    with pytest.raises(ValueError, match="unknown stage 'basket'"):
        Toggles(slow={"basket": 100})
    with pytest.raises(ValueError, match="whole number of ms"):
        Toggles(slow={"cart": -1})
    toggles = Toggles(slow={"cart": 100})
    with pytest.raises(TypeError):
        toggles.slow["cart"] = 0  # type: ignore[index]


# --- HTTP details -----------------------------------------------------------------------------

def test_http_details(clean_shop):
    client = Client(clean_shop)
    missing = client.get("/p/no-such-thing")
    assert missing.status == 404 and "We could not find that page" in missing.text
    assert client.get("/robots.txt").text.startswith("User-agent: *")
    assert client.get("/favicon.ico").headers["Content-Type"].startswith("image/svg+xml")
    head = client.request("/", method="HEAD")
    assert head.status == 200 and head.text == "" and int(head.headers["Content-Length"]) > 1000
    assert client.post("/cart", {}).status == 405
    cookie = Client(clean_shop).get("/").headers["Set-Cookie"]
    assert cookie.startswith("sid=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.post("/cart/add", {"product_id": "x" * 70_000}).status == 413
    nowhere = Client(clean_shop, follow=False).post("/account/login", {
        "email": "shopper@example.test", "password": "correct-horse-battery", "next": "//evil.example/"})
    assert nowhere.headers["Location"] == "/account"  # no open redirect
    page = client.page("/")
    assert page.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    assert not page.xpath("//*[starts-with(@src, 'http') or (self::link and starts-with(@href, 'http'))]")
    hero = page.xpath("//img[contains(@class, 'hero-image')]").pop()
    assert hero.get("width") and hero.get("height") and client.get(hero.get("src")).status == 200


# --- the scenario -----------------------------------------------------------------------------

def test_scenario_loads_and_its_ids_exist_on_both_profiles():
    """Every #id the scenario needs is on the clean and the friction shop; optional ones on one of them,
    and a `when:` step's ids wherever its condition holds."""
    assert SCENARIO.read_text() == PACKAGED_SCENARIO.read_text()
    scenario = load_scenario(PACKAGED_SCENARIO, base_url="http://127.0.0.1:1")
    assert scenario.allow_submit and [d.name for d in scenario.devices] == ["desktop", "mobile"]
    pages = {}
    for name, toggles in (("clean", PROFILES["clean"]), ("friction", FRICTION_NO_WAIT)):
        with DemoShop(toggles) as shop:
            client = Client(shop)
            seen = [client.get(p).text for p in ("/", "/c/coffee-gear", "/p/ceramic-pour-over-dripper")]
            seen.append(client.add("ceramic-pour-over-dripper").text)
            seen += [client.get("/cart").text, client.get("/checkout").text]
            reach_payment(client)
            seen += [client.get("/checkout").text, client.get("/checkout/payment").text]
            pages[name] = "\n".join(seen)

    def has(profile: str, selector: str) -> bool:
        return all(f'id="{i}"' in pages[profile] for i in re.findall(r"#([\w-]+)", selector))

    for step in scenario.steps:
        profiles = [p for p in pages if not step.when or has(p, step.when)]
        assert profiles, step.name
        for action in step.actions:
            found = [has(p, action.selector or "") for p in profiles]
            assert any(found) if action.optional else all(found), (step.name, action.describe())
    assert [p for p in pages if has(p, "#register-form")] == ["friction"]  # the wall step runs there only
