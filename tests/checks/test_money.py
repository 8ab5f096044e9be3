"""Money parsing (auditor/analysis/money.py): the formats shops print, and what is not money."""
from decimal import Decimal

import pytest

from auditor.analysis.money import (MoneyHint, decimal_vote, find_money, lang_decimal, page_hint, parse_money,
                                   to_decimal)

NBSP, NNBSP = "\u00a0", "\u202f"

PRICES = [
    ("$1,234.56", "1234.56", "USD"),
    ("1.234,56 €", "1234.56", "EUR"),
    (f"1{NBSP}234,56{NBSP}€", "1234.56", "EUR"),
    (f"1{NNBSP}234,56 €", "1234.56", "EUR"),
    ("£12", "12", "GBP"),
    ("¥1,200", "1200", "JPY"),
    ("1,200円", "1200", "JPY"),
    ("12,00 zł", "12.00", "PLN"),
    ("1 299,99 zł", "1299.99", "PLN"),
    ("CHF 1’234.50", "1234.50", "CHF"),
    ("CHF 1'234.50", "1234.50", "CHF"),
    ("R$ 1.234,56", "1234.56", "BRL"),
    ("€ 12,-", "12", "EUR"),
    ("12,– €", "12", "EUR"),
    ("₹1,23,456.00", "123456.00", "INR"),
    ("\u2212$5.00", "-5.00", "USD"),
    ("-5,00 €", "-5.00", "EUR"),
    ("$-5.00", "-5.00", "USD"),
    ("EUR 12,50", "12.50", "EUR"),
    ("12.00 USD", "12.00", "USD"),
    ("199 kr", "199", "SEK"),
    ("US$5", "5", "USD"),
    ("Rs. 499", "499", "INR"),
    ("KWD 1.234", "1.234", "KWD"),  # three minor units: the lone "." is a decimal point
    ("$140.600", "140600", "USD"),  # two minor units never show three decimals: a thousands separator
    ("1.234 €", "1234", "EUR"),
    ("$0.99", "0.99", "USD"),
    ("Total – $54.90", "54.90", "USD"),  # a dash between label and price is punctuation, not a minus
    ("Zwischensumme 1.249,00\u00a0€", "1249.00", "EUR"),
]


@pytest.mark.parametrize("text,amount,currency", PRICES)
def test_parses_shop_formats(text, amount, currency):
    m = parse_money(text)
    assert m is not None, text
    assert (m.amount, m.currency) == (Decimal(amount), currency)
    assert isinstance(m.amount, Decimal)


@pytest.mark.parametrize("text", [
    "4.5 stars", "Rated 4.8 out of 5", "2–4 days", "2-4 business days", "+1 (555) 123-4567", "Call 0800 123 456",
    "© 2024 Shop Inc.", "Qty 3", "Size 42", "1,234", "Order #10234", "20% off", "Free", "12.05.2024", "",
])
def test_is_not_money(text):
    assert find_money(text) == []


@pytest.mark.parametrize("text,qualifier", [
    ("4 × $12.50", "instalment"),
    ("or 4 interest-free payments of $12.50 with Klarna", "instalment"),
    ("$9/mo", "instalment"),
    ("6 × 209,49 € mit Klarna", "instalment"),
    ("$2.99/kg", "unit"),
    ("Grundpreis: 3,98 € / 100 g", "unit"),
    ("$5.00 each", "unit"),
    ("from $12", "threshold"),
    ("ab 12,99 €", "threshold"),
    ("à partir de 9,90 €", "threshold"),
    ("Free shipping on orders over $50", "threshold"),
])
def test_prices_that_are_not_the_price_paid_are_qualified(text, qualifier):
    found = find_money(text)
    assert [m.qualifier for m in found] == [qualifier]
    assert parse_money(text) is None


def test_several_amounts_in_one_text_keep_their_order_and_spans():
    found = find_money("Blue shirt 2 × $20.00 $40.00")
    assert [(str(m.amount), m.qualifier) for m in found] == [("20.00", "instalment"), ("40.00", "")]
    text = "Subtotal $59.90 Shipping $4.95"
    assert [text[m.start:m.end] for m in find_money(text)] == ["$59.90", "$4.95"]


def test_shared_symbols_follow_the_page_currency():
    assert parse_money("$12.00", MoneyHint(currency="CAD")).currency == "CAD"
    assert parse_money("$12.00", MoneyHint(currency="EUR")).currency == "USD"  # hint is not a dollar: default
    assert parse_money("120 kr", MoneyHint(currency="NOK")).currency == "NOK"
    assert parse_money("¥1,200", MoneyHint(currency="CNY")).currency == "CNY"


def test_ambiguous_lone_separator_uses_minor_units_then_locale():
    assert to_decimal("1,200", "JPY") == Decimal("1200")
    assert to_decimal("1.234", "BHD") == Decimal("1.234")
    assert to_decimal("1.234", "EUR") == Decimal("1234")
    assert to_decimal("1,234", "", ",") == Decimal("1.234")  # a bare number on a comma-decimal page
    assert to_decimal("1,234", "", ".") == Decimal("1234")


def test_bare_numbers_only_when_asked():
    assert find_money("Total: 54.90") == []
    bare = find_money("Total: 54,90", MoneyHint("EUR", ","), bare=True)
    assert [(m.amount, m.currency) for m in bare] == [(Decimal("54.90"), "EUR")]


def test_page_hint_votes_and_falls_back_to_lang():
    assert decimal_vote(["12,99 €", "1.234,56 €", "$1.234"]) == ","
    assert decimal_vote(["$12.99", "$1,234.56"]) == "."
    assert decimal_vote(["no prices here"]) == ""
    assert lang_decimal("de-DE") == "," and lang_decimal("de-CH") == "." and lang_decimal("en-US") == "."
    assert page_hint(["Total 12,00 zł"], "pl") == MoneyHint("PLN", ",")
    assert page_hint(["$12.00"], "en-CA").currency == "CAD"
    assert page_hint(["$12.00"], "en").currency == "USD"
    assert page_hint(["$12.00"], "en", url="https://shop.example.ca/cart").currency == "CAD"
    assert page_hint(["199 kr"], "", url="https://butik.example.dk/kurv").currency == "DKK"
    assert page_hint([], "de", currency="EUR") == MoneyHint("EUR", ",")
