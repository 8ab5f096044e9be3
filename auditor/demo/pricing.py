"""Every amount the shop shows, computed once on the server with ``Decimal``.

Two views of the same basket exist because of the ``late_fees`` toggle: the *cart* view is what the
cart and checkout pages disclose, the *final* view is what the payment page charges. In the clean
shop they are equal (apart from a delivery upgrade the shopper chose); with late fees the final view
adds shipping, a service fee and handling that the cart never mentioned.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

from .catalog import CURRENCY, Product

CENT = Decimal("0.01")
TAX_RATE = Decimal("0.08")  # a flat estimate; US sales tax really depends on the address
FREE_SHIPPING_FROM = Decimal("50.00")
DELIVERY = {  # id → (label, price, when)
    "standard": ("Standard delivery", Decimal("4.95"), "2–4 business days"),
    "express": ("Express delivery", Decimal("12.95"), "next business day"),
}
LATE_FEES = (("Service fee", Decimal("3.49")), ("Handling", Decimal("2.50")))


@dataclass(frozen=True)
class Line:
    product: Product
    quantity: int

    @property
    def total(self) -> Decimal:
        return (self.product.price * self.quantity).quantize(CENT)


@dataclass(frozen=True)
class Totals:
    lines: tuple[Line, ...]
    subtotal: Decimal
    shipping: Decimal | None  # None: not disclosed at this stage ("calculated at checkout")
    delivery: str  # the delivery option the shipping line is for
    fees: tuple[tuple[str, Decimal], ...]
    tax: Decimal
    total: Decimal

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def delivery_label(self) -> str:
        return DELIVERY[self.delivery][0]

    def as_json(self) -> dict:
        return {
            "lines": [{"id": l.product.slug, "name": l.product.name, "unit_price": str(l.product.price),
                       "quantity": l.quantity, "line_total": str(l.total)} for l in self.lines],
            "subtotal": str(self.subtotal),
            "shipping": None if self.shipping is None else str(self.shipping),
            "fees": [{"name": name, "amount": str(amount)} for name, amount in self.fees],
            "tax": str(self.tax),
            "total": str(self.total),
            "currency": CURRENCY,
        }


def shipping_price(delivery: str, subtotal: Decimal, late_fees: bool) -> Decimal:
    """Standard delivery is free over the threshold, except in the late-fees shop (which never says so)."""
    price = DELIVERY[delivery][1]
    if delivery == "standard" and subtotal >= FREE_SHIPPING_FROM and not late_fees:
        return Decimal("0.00")
    return price


def totals(lines: tuple[Line, ...], delivery: str = "standard", *, late_fees: bool = False,
           final: bool = False) -> Totals:
    """The cart view (``final=False``) or the payment-step view (``final=True``) of a basket."""
    delivery = delivery if delivery in DELIVERY else "standard"
    subtotal = sum((line.total for line in lines), Decimal("0.00"))
    tax = (subtotal * TAX_RATE).quantize(CENT, ROUND_HALF_UP)
    if not lines:
        shipping, fees = Decimal("0.00"), ()
    elif late_fees and not final:
        shipping, fees = None, ()
    else:
        shipping = shipping_price(delivery, subtotal, late_fees)
        fees = LATE_FEES if late_fees else ()
    total = subtotal + tax + (shipping or 0) + sum((amount for _, amount in fees), Decimal("0.00"))
    return Totals(lines, subtotal, shipping, delivery, fees, tax, total.quantize(CENT))


def lines_of(cart: Mapping[str, int], catalogue: Mapping[str, Product]) -> tuple[Line, ...]:
    return tuple(Line(catalogue[slug], qty) for slug, qty in cart.items() if slug in catalogue and qty > 0)


def money(amount: Decimal | None) -> str:
    """``Decimal('1249')`` → ``$1,249.00``; zero shipping reads "Free" where the template says so."""
    if amount is None:
        return ""
    return f"${amount.quantize(CENT):,.2f}"
