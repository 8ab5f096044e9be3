"""The checkout and payment forms, as data: one spec drives both the markup and the validation.

The clean form follows web.dev's payment/address form guidance (one name field, labels, the right
``type``/``inputmode``/``autocomplete``); the long form breaks it on purpose the way the form-length,
autocomplete and label checks expect (docs/heuristics 2.2). The ids the scenario fills are shared:
#email, #name, #address, #city, #postal-code, #country, #card-number, #card-expiry, #card-cvc.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

COUNTRIES = (("US", "United States"), ("CA", "Canada"), ("GB", "United Kingdom"), ("DE", "Germany"),
             ("FR", "France"), ("AU", "Australia"))
TITLES = (("", "Select…"), ("mr", "Mr"), ("mrs", "Mrs"), ("ms", "Ms"), ("mx", "Mx"), ("dr", "Dr"))
HEARD = (("", "Please select"), ("search", "Search engine"), ("social", "Social media"),
         ("friend", "Friend or family"), ("press", "Magazine or press"), ("other", "Other"))
CARD_TYPES = (("visa", "Visa"), ("mastercard", "Mastercard"), ("amex", "American Express"))
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
EXPIRY_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")


@dataclass(frozen=True)
class Field:
    id: str
    name: str
    label: str | None  # None: placeholder only, no <label> (a deliberate flaw of the long form)
    type: str = "text"  # text | email | tel | number | password | select | textarea
    autocomplete: str | None = None  # None: attribute absent
    required: bool = False
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] = ()
    inputmode: str | None = None
    hint: str = ""
    group: str = "shipping"  # contact | shipping | billing | extra | card
    collapsed: bool = False  # rendered behind "+ Add apartment, suite, etc."
    check: str = ""  # email | same_email | password | same_password | card | expiry | cvc | country


CLEAN_CHECKOUT = (
    Field("email", "email", "Email", "email", "email", True, group="contact", check="email",
          hint="For your order confirmation and delivery updates."),
    Field("name", "name", "Full name", autocomplete="name", required=True),
    Field("address", "address", "Street address", autocomplete="address-line1", required=True),
    Field("address2", "address2", "Apartment, suite, etc. (optional)", autocomplete="address-line2",
          collapsed=True),
    Field("city", "city", "City", autocomplete="address-level2", required=True),
    Field("postal-code", "postal_code", "ZIP / postal code", autocomplete="postal-code", required=True),
    Field("country", "country", "Country", "select", "country", True, options=COUNTRIES, check="country"),
)

LONG_CHECKOUT = (
    Field("title", "title", "Title", "select", options=TITLES, group="contact"),
    Field("name", "first_name", "First name *", autocomplete="off", required=True, group="contact"),
    Field("last-name", "last_name", "Last name *", autocomplete="off", required=True, group="contact"),
    Field("email", "email", "Email address *", autocomplete="off", required=True, group="contact", check="email"),
    Field("email-confirm", "email_confirm", "Confirm email address *", autocomplete="off", required=True,
          group="contact", check="same_email"),
    Field("phone", "phone", "Phone number *", required=True, group="contact"),
    Field("company", "company", "Company", group="contact"),
    Field("dob", "dob", None, placeholder="Date of birth (DD/MM/YYYY)", group="contact"),
    Field("address", "address", "Address line 1 *", autocomplete="off", required=True),
    Field("address2", "address2", "Address line 2", autocomplete="off"),
    Field("city", "city", "Town / City *", autocomplete="off", required=True),
    Field("county", "county", None, placeholder="County / State"),
    Field("postal-code", "postal_code", "Postcode / ZIP *", autocomplete="off", required=True),
    Field("country", "country", "Country *", "select", "off", True, options=COUNTRIES, check="country"),
    Field("billing-name", "billing_name", "Name", autocomplete="off", group="billing"),
    Field("billing-address", "billing_address", "Address line 1", autocomplete="off", group="billing"),
    Field("billing-address2", "billing_address2", "Address line 2", autocomplete="off", group="billing"),
    Field("billing-city", "billing_city", "Town / City", autocomplete="off", group="billing"),
    Field("billing-county", "billing_county", "County / State", autocomplete="off", group="billing"),
    Field("billing-postal-code", "billing_postal_code", "Postcode / ZIP", autocomplete="off", group="billing"),
    Field("billing-country", "billing_country", "Country", "select", "off", options=COUNTRIES, group="billing"),
    Field("billing-phone", "billing_phone", "Billing phone number", group="billing"),
    Field("how-heard", "how_heard", "How did you hear about us?", "select", options=HEARD, group="extra"),
    Field("promo-code", "promo_code", "Promo code", autocomplete="off", group="extra"),
    Field("vat-number", "vat_number", None, placeholder="VAT number", group="extra"),
    Field("order-notes", "order_notes", "Order notes", "textarea", group="extra"),
)

CLEAN_PAYMENT = (
    Field("card-number", "card_number", "Card number", autocomplete="cc-number", required=True,
          inputmode="numeric", placeholder="1234 5678 9012 3456", group="card", check="card"),
    Field("card-expiry", "card_expiry", "Expiry date (MM / YY)", autocomplete="cc-exp", required=True,
          inputmode="numeric", placeholder="MM / YY", group="card", check="expiry"),
    Field("card-cvc", "card_cvc", "Security code (CVC)", autocomplete="cc-csc", required=True,
          inputmode="numeric", placeholder="3 or 4 digits", group="card", check="cvc"),
)

LONG_PAYMENT = (
    Field("card-type", "card_type", "Card type *", "select", options=CARD_TYPES, group="card"),
    Field("card-name", "card_name", "Name on card *", autocomplete="off", required=True, group="card"),
    Field("card-number", "card_number", "Card number *", "number", "off", True, group="card", check="card"),
    Field("card-expiry", "card_expiry", "Expiry (MM/YY) *", autocomplete="off", required=True, group="card",
          check="expiry"),
    Field("card-cvc", "card_cvc", "CVV *", autocomplete="off", required=True, group="card", check="cvc"),
)


CHECKOUT_GROUPS = {
    "clean": (("contact", "Contact"), ("shipping", "Shipping address")),
    "long": (("contact", "Your details"), ("shipping", "Delivery address"), ("billing", "Billing address"),
             ("extra", "Additional information")),
}
# Not `required` in the markup: it is hidden until "create an account" is ticked (checkout.py asks for it then).
ACCOUNT_PASSWORD = Field("account-password", "account_password", "Choose a password", "password", "new-password",
                         hint="At least 8 characters.", check="password")
LOGIN_FIELDS = (
    Field("login-email", "email", "Email", "email", "username", True),
    Field("login-password", "password", "Password", "password", "current-password", True),
)
REGISTER_FIELDS = (
    Field("register-name", "name", "Full name", autocomplete="name", required=True),
    Field("register-email", "email", "Email", "email", "email", True, check="email"),
    Field("register-password", "password", "Password", "password", "new-password", True,
          hint="At least 8 characters.", check="password"),
    Field("register-password-confirm", "password_confirm", "Confirm password", "password", "new-password", True,
          check="same_password"),
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _problem(f: Field, value: str, form: dict[str, str], today: date) -> str | None:
    if not value:
        return f"Enter your {(f.label or f.placeholder).rstrip(' *').lower()}." if f.required else None
    if f.check == "email" and not EMAIL_RE.match(value):
        return "Enter an email address like name@example.com."
    if f.check == "same_email" and value.lower() != form.get("email", "").strip().lower():
        return "The email addresses do not match."
    if f.check == "password" and len(value) < MIN_PASSWORD:
        return f"Choose a password of at least {MIN_PASSWORD} characters."
    if f.check == "same_password" and value != form.get("password", ""):
        return "The passwords do not match."
    if f.check == "country" and value not in dict(COUNTRIES):
        return "Choose a country we deliver to."
    if f.check == "card":
        digits = re.sub(r"[\s-]", "", value)
        if not (digits.isdigit() and 12 <= len(digits) <= 19 and luhn_ok(digits)):
            return "Enter a valid card number."
    if f.check == "expiry":
        m = EXPIRY_RE.match(value)
        month, year = (int(m.group(1)), int(m.group(2)) % 100) if m else (0, 0)
        if not 1 <= month <= 12 or (year, month) < (today.year % 100, today.month):
            return "Enter an expiry date in the future, as MM / YY."
    if f.check == "cvc" and not (value.isdigit() and len(value) in (3, 4)):
        return "Enter the 3 or 4 digits on the back of your card."
    return None


def _clean(value: str, f: Field) -> str:
    return value[:200] if f.type == "password" else value.strip()[:200]  # spaces may be part of a password


def validate(spec: tuple[Field, ...], form: dict[str, str], today: date | None = None
             ) -> tuple[dict[str, str], dict[str, str]]:
    """(cleaned values by field name, error message by field id)."""
    today = today or date.today()
    values = {f.name: _clean(form.get(f.name, ""), f) for f in spec}
    errors = {}
    for f in spec:
        problem = _problem(f, values[f.name], form, today)
        if problem:
            errors[f.id] = problem
    return values, errors

