"""Checkout routes: address step, payment step, order confirmation, and accounts (incl. the wall)."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from . import catalog, forms
from .app import App, Request, Response, redirect, safe_next
from .pricing import DELIVERY, shipping_price
from .state import Notice, Session

WALL = "/account/login?next=/checkout"


def install(app: App) -> None:
    def blocked(session: Session, need_address: bool = False) -> Response | None:
        """Where a shopper goes instead when a checkout step is not reachable yet."""
        if not session.cart:
            session.flash = Notice("Your cart is empty.")
            return redirect("/cart")
        if app.toggles.account_wall and not session.user:
            return redirect(WALL)
        if need_address and "address" not in session.checkout:
            return redirect("/checkout")
        return None

    def checkout_spec() -> tuple[forms.Field, ...]:
        return forms.LONG_CHECKOUT if app.toggles.long_form else forms.CLEAN_CHECKOUT

    def payment_spec() -> tuple[forms.Field, ...]:
        return forms.LONG_PAYMENT if app.toggles.long_form else forms.CLEAN_PAYMENT

    def render_checkout(request: Request, values: dict, errors: dict, status: int = 200) -> Response:
        totals = app.cart_totals(request.session)
        prices = {key: shipping_price(key, totals.subtotal, app.toggles.late_fees) for key in DELIVERY}
        return app.render(request, "checkout.html", status=status, title=f"Checkout | {catalog.SHOP_NAME}",
                          spec=checkout_spec(), values=values, errors=errors, totals=totals,
                          groups=forms.CHECKOUT_GROUPS["long" if app.toggles.long_form else "clean"],
                          delivery_prices=prices, account_field=forms.ACCOUNT_PASSWORD)

    @app.route("GET", "/checkout", stage="checkout")
    def checkout(request: Request) -> Response:
        session = request.session
        if (stop := blocked(session)) is not None:
            return stop
        values = dict(session.checkout)
        user = app.user(session)
        if user:  # a signed-in shopper's details are known; pre-fill rather than ask again
            values.setdefault("email", user.email)
            values.setdefault("email_confirm", user.email)
            values.setdefault("name", user.name)
            values.setdefault("first_name", user.first_name)
            values.setdefault("last_name", " ".join(user.name.split()[1:]))
        values.setdefault("country", "US")
        values.setdefault("delivery", "standard")
        return render_checkout(request, values, {})

    @app.route("POST", "/checkout")
    def checkout_submit(request: Request) -> Response:
        session, form = request.session, request.form
        if (stop := blocked(session)) is not None:
            return stop
        values, errors = forms.validate(checkout_spec(), form)
        values["delivery"] = form.get("delivery") if form.get("delivery") in DELIVERY else "standard"
        if app.toggles.long_form:
            values["name"] = f"{values['first_name']} {values['last_name']}".strip()
        wants_account = not app.toggles.long_form and form.get("create_account") == "on"
        values["create_account"] = "on" if wants_account else ""
        if wants_account and not errors:
            account_values, errors = forms.validate((replace(forms.ACCOUNT_PASSWORD, required=True),), form)
            if not errors and not app.store.register(values["email"], values["name"],
                                                     account_values["account_password"]):
                errors["account-password"] = "An account with this email already exists. Sign in instead."
            elif not errors:
                session.user = values["email"].lower()
        if errors:
            return render_checkout(request, values, errors, status=400)
        app.store.update(session, lambda s: s.checkout.update(values))
        return redirect("/checkout/payment")

    def render_payment(request: Request, errors: dict, values: dict, status: int = 200) -> Response:
        session = request.session
        return app.render(request, "payment.html", status=status, title=f"Payment | {catalog.SHOP_NAME}",
                          spec=payment_spec(), values=values, errors=errors, details=session.checkout,
                          totals=app.final_totals(session), country_names=dict(forms.COUNTRIES))

    @app.route("GET", "/checkout/payment", stage="payment")
    def payment(request: Request) -> Response:
        if (stop := blocked(request.session, need_address=True)) is not None:
            return stop
        return render_payment(request, {}, {})

    @app.route("POST", "/checkout/place-order")
    def place_order(request: Request) -> Response:
        session = request.session
        if (stop := blocked(session, need_address=True)) is not None:
            return stop
        values, errors = forms.validate(payment_spec(), request.form)
        if errors:
            for secret in ("card_number", "card_cvc"):  # card data is never echoed back into the page
                values.pop(secret, None)
            return render_payment(request, errors, values, status=400)
        totals = app.final_totals(session)
        digits = "".join(ch for ch in values["card_number"] if ch.isdigit())
        order = {"totals": totals, "details": dict(session.checkout), "card_last4": digits[-4:]}
        order_id = app.store.place_order(session, order)
        return redirect(f"/order/{order_id}")

    @app.route("GET", r"/order/(?P<order_id>HB-\d+)", stage="confirmation")
    def order_page(request: Request, order_id: str) -> Response:
        order = app.store.order(request.session, order_id)
        if order is None:
            return app.not_found(request)
        return app.render(request, "order.html", title=f"Order {order_id} confirmed | {catalog.SHOP_NAME}",
                          order=order, country_names=dict(forms.COUNTRIES))

    # accounts -----------------------------------------------------------------------------------
    def render_login(request: Request, target: str, status: int = 200, **context) -> Response:
        # The wall is the sign-in page put in front of checkout: it counts as the checkout stage.
        wall = app.toggles.account_wall and target.startswith("/checkout")
        context.setdefault("errors", {})
        response = app.render(request, "login.html", status=status, wall=wall, next=target,
                              login_fields=forms.LOGIN_FIELDS, register_fields=forms.REGISTER_FIELDS,
                              login_values=context.pop("login_values", {}),
                              register_values=context.pop("register_values", {}),
                              title=f"{'Sign in to continue' if wall else 'Sign in'} | {catalog.SHOP_NAME}",
                              **context)
        response.stage = "checkout" if wall else "signin"
        return response

    @app.route("GET", "/account/login")
    def login(request: Request) -> Response:
        target = safe_next(request.query.get("next"), "/account")
        if request.session.user:
            return redirect(target)
        return render_login(request, target)

    @app.route("POST", "/account/login")
    def login_submit(request: Request) -> Response:
        form = request.form
        target = safe_next(form.get("next"), "/account")
        account = app.store.authenticate(form.get("email", ""), form.get("password", ""))
        if account is None:
            return render_login(request, target, status=400, login_values={"email": form.get("email", "")},
                                errors={"login": "That email and password do not match an account."})
        request.session.user = account.email
        request.session.flash = Notice(f"Welcome back, {account.first_name}.")
        return redirect(target)

    @app.route("POST", "/account/register")
    def register(request: Request) -> Response:
        form = request.form
        target = safe_next(form.get("next"), "/account")
        # The post-purchase offer asks for the password once; the registration form asks twice.
        spec = forms.REGISTER_FIELDS if "password_confirm" in form else forms.REGISTER_FIELDS[:3]
        values, errors = forms.validate(spec, form)
        account = None if errors else app.store.register(values["email"], values["name"], values["password"])
        if account is None and not errors:
            errors["register-email"] = "An account with this email already exists. Sign in instead."
        if errors:
            return render_login(request, target, status=400, errors=errors,
                                register_values={"name": values["name"], "email": values["email"]})
        request.session.user = account.email
        request.session.flash = Notice(f"Welcome, {account.first_name}! Your account is ready.")
        return redirect(target)

    @app.route("GET", "/account/logout")
    def logout(request: Request) -> Response:
        request.session.user = None
        request.session.flash = Notice("You have been signed out.")
        return redirect("/")

    @app.route("GET", "/account")
    def account_page(request: Request) -> Response:
        user = app.user(request.session)
        if user is None:
            return redirect("/account/login?next=" + quote("/account"))
        return app.render(request, "account.html", title=f"Your account | {catalog.SHOP_NAME}",
                          orders=list(reversed(request.session.orders)))
