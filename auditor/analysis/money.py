"""Money amounts in page text, as ``Decimal``, in the formats shops really print.

    $1,234.56   1.234,56 €   1 234,56 € (U+00A0/U+202F)   CHF 1’234.50   £12   ¥1,200   1,200円
    12,00 zł   R$ 1.234,56   € 12,-   ₹1,23,456.00   −$5.00 (U+2212)

An amount needs a currency next to it (a symbol or an ISO code): that is what keeps "4.5 stars",
"2–4 days", phone numbers, years and quantities out. A lone separator followed by three digits
("1,200", "1.234") is ambiguous; it is decided by the currency's ISO 4217 minor units (JPY 0 → a
thousands separator, KWD 3 → a decimal point, 2 → thousands, since a 2-decimal currency never shows
three decimals). The page's decimal separator (a vote over its unambiguous prices, else its
``<html lang>``) decides bare numbers, and the page currency (structured data) resolves shared
symbols ($, kr, ¥). Prices that are not what the shopper pays are tagged with a qualifier:
"from"/"ab"/"over" thresholds, unit prices ("/kg"), instalments ("4 × $12.50", "$9/mo").

Hand-written rather than ``price-parser`` (Zyte): that library reads one price per string, reads a
bare "4.5" or a year as a price, drops the U+2212 minus, and stops at the ’ in "CHF 1’234.50".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterable
from urllib.parse import urlsplit

from .lexicon import load, pattern

# ISO 4217 minor units where they are not 2.
MINOR_UNITS = {c: 0 for c in ("JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "XPF", "KMF", "RWF",
                              "BIF", "DJF", "GNF", "VUV")}
MINOR_UNITS.update({c: 3 for c in ("KWD", "BHD", "OMR", "JOD", "TND", "IQD", "LYD")})

# Symbol → currency; longest first so "R$" wins over "$". Shared symbols are resolved by the page currency.
SYMBOLS = {
    "US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD",
    "R$": "BRL", "MX$": "MXN", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "￥": "JPY", "円": "JPY",
    "元": "CNY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₪": "ILS", "฿": "THB", "₫": "VND",
    "₱": "PHP",
    "₴": "UAH", "zł": "PLN", "Kč": "CZK", "Ft": "HUF", "kr.": "DKK", "kr": "SEK", "Fr.": "CHF", "lei": "RON",
    "RM": "MYR", "Rp": "IDR", "руб.": "RUB", "руб": "RUB", "Rs.": "INR",
}
SHARED = {"$": {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "ARS", "CLP", "COP", "TWD"},
          "kr": {"SEK", "NOK", "DKK", "ISK"}, "kr.": {"DKK", "SEK", "NOK", "ISK"}, "¥": {"JPY", "CNY"}}
ISO_CODES = ("USD EUR GBP JPY CNY INR KRW CHF CAD AUD NZD SEK NOK DKK ISK PLN CZK HUF RON BGN BRL MXN ARS CLP COP "
             "ZAR SGD HKD TWD TRY RUB UAH AED SAR ILS THB VND PHP IDR MYR KWD BHD OMR JOD TND").split()
# Languages whose shops write 1.234,56 (a fallback when a page has no unambiguous price to vote with).
COMMA_DECIMAL_LANGS = {"de", "fr", "es", "it", "nl", "pl", "pt", "ru", "sv", "da", "nb", "nn", "no", "fi", "cs",
                       "sk", "sl", "hr", "sr", "hu", "ro", "bg", "el", "tr", "uk", "lt", "lv", "et", "id", "vi"}
REGION_CURRENCY = {"US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "MX": "MXN",
                   "SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "CN": "CNY", "JP": "JPY"}
TLD_CURRENCY = {"ca": "CAD", "au": "AUD", "nz": "NZD", "sg": "SGD", "hk": "HKD", "mx": "MXN", "se": "SEK", "no": "NOK",
                "dk": "DKK", "is": "ISK", "jp": "JPY", "cn": "CNY"}
LANG_CURRENCY = {"sv": "SEK", "nb": "NOK", "nn": "NOK", "no": "NOK", "da": "DKK", "is": "ISK", "ja": "JPY",
                 "zh": "CNY"}

_SEP = "[.,'’\u00a0\u202f\u2009 ]"
_NUM = (rf"(?:\d{{1,3}}(?:{_SEP}\d{{3}})+|\d{{1,2}}(?:,\d{{2}})+,\d{{3}}|\d+)"
        r"(?:[.,](?:\d{1,3}(?!\d)|[-–—]{1,2}))?(?![\d])")
_LETTER_AFTER = r"(?![^\W\d_])"


def _symbol_alternation() -> str:
    parts = []
    for sym in sorted(list(SYMBOLS) + ISO_CODES, key=len, reverse=True):
        esc = re.escape(sym)
        parts.append(rf"(?<![^\W\d_]){esc}{_LETTER_AFTER}" if sym[0].isalpha() else esc)
    return "|".join(parts)


_SYM = _symbol_alternation()
_TOKEN = re.compile(
    rf"(?P<sign1>[-\u2212\u2013](?:\s)?)?(?:(?P<cur1>{_SYM})\s?(?P<sign2>[-\u2212])?(?P<num1>{_NUM})"
    rf"|(?<![\d.,])(?P<num2>{_NUM})\s?(?P<cur2>{_SYM}))")
_BARE = re.compile(r"(?<![\d.,\w])(?P<sign>[-\u2212])?"
                   r"(?P<num>\d{1,3}(?:[.,'’\u00a0\u202f ]\d{3})*[.,]\d{2})(?![\d.,%])")


@dataclass(frozen=True, slots=True)
class MoneyHint:
    """What the page says about its money: currency (ISO) and decimal separator ("." or ",")."""

    currency: str = ""
    decimal: str = ""


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal  # signed
    currency: str  # ISO 4217 code, "" when only a bare number was read
    text: str  # as written on the page
    start: int
    end: int
    qualifier: str = ""  # "" | "threshold" (from/ab/over) | "unit" (/kg) | "instalment" (4 × $12.50)

    @property
    def plain(self) -> bool:
        return not self.qualifier


def minor_units(currency: str) -> int:
    return MINOR_UNITS.get(currency, 2)


def _currency(sym: str, hint: MoneyHint) -> str:
    if sym in ISO_CODES:
        return sym
    if sym in SHARED and hint.currency in SHARED[sym]:
        return hint.currency
    return SYMBOLS.get(sym, "")


def to_decimal(num: str, currency: str = "", decimal_hint: str = "") -> Decimal | None:
    """One number as written ("1.234,56", "12,-", "1,23,456.00") → Decimal, or None if malformed."""
    s = num.strip()
    dash = re.search(r"[.,][-–—]+$", s)
    if dash:
        s = s[:dash.start()]
    seps = [(i, c) for i, c in enumerate(s) if not c.isdigit()]
    digits = "".join(c for c in s if c.isdigit())
    if not digits:
        return None
    decimal_at = -1
    if seps:
        last_i, last_c = seps[-1]
        tail = len(s) - last_i - 1
        punct = {c for _, c in seps if c in ".,"}
        if last_c not in ".,":
            decimal_at = -1  # spaces and apostrophes only ever group thousands
        elif len(punct) == 2:
            decimal_at = last_i
        elif sum(1 for _, c in seps if c == last_c) > 1:
            decimal_at = -1  # "1,234,567" / "1.234.567" / Indian "1,23,456"
        elif tail != 3:
            decimal_at = last_i
        elif len(seps) > 1:
            decimal_at = last_i  # "1 234.567": the punctuation after space-grouping is a decimal point
        elif currency:
            decimal_at = last_i if minor_units(currency) == 3 else -1
        else:
            decimal_at = last_i if decimal_hint == last_c else -1
    if decimal_at < 0:
        value = digits
    else:
        whole = "".join(c for c in s[:decimal_at] if c.isdigit()) or "0"
        value = whole + "." + s[decimal_at + 1:]
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


@lru_cache(maxsize=None)
def _ending(key: str) -> re.Pattern:
    """The lexicon list ``key`` anchored at the end of the text before an amount."""
    return re.compile("(?:" + ")|(?:".join(load("fee_lexicon")[key]) + r")\s*$", re.IGNORECASE)


def _qualifier(text: str, start: int, end: int) -> str:
    before, after = text[max(0, start - 40):start], text[end:end + 40]
    if pattern("fee_lexicon", "unit_after").search(after):
        return "unit"
    if pattern("fee_lexicon", "instalment_after").search(after) or _ending("instalment").search(before):
        return "instalment"
    if _ending("threshold").search(before.rstrip(" :\u00a0")):
        return "threshold"
    return ""


def find_money(text: str, hint: MoneyHint = MoneyHint(), *, bare: bool = False) -> list[Money]:
    """Every amount in ``text``, in order. ``bare=True`` also reads currency-less "54.90" / "54,90"
    (only for cells a cost label already names), in the hint's currency."""
    out: list[Money] = []
    if not text:
        return out
    for m in _TOKEN.finditer(text):
        sym = m.group("cur1") or m.group("cur2")
        num = m.group("num1") or m.group("num2")
        currency = _currency(sym, hint)
        value = to_decimal(num, currency, hint.decimal)
        if value is None:
            continue
        start = m.start()
        sign1 = m.group("sign1") or ""
        # A detached dash is a minus only at the start of the text: "Total – $54.90" is not negative.
        if sign1 and sign1 != sign1.strip() and text[:start].strip():
            sign1, start = "", start + len(sign1)
        if sign1 or m.group("sign2"):
            value = -value
        out.append(Money(value, currency, text[start:m.end()].strip(), start, m.end(),
                         _qualifier(text, start, m.end())))
    if bare and not out:
        for m in _BARE.finditer(text):
            value = to_decimal(m.group("num"), "", hint.decimal or ".")
            if value is None:
                continue
            if m.group("sign"):
                value = -value
            out.append(Money(value, hint.currency, m.group(0), m.start(), m.end(),
                             _qualifier(text, m.start(), m.end())))
    return out


def parse_money(text: str, hint: MoneyHint = MoneyHint()) -> Money | None:
    """The first amount the shopper would pay in ``text`` (thresholds, unit prices, instalments skipped)."""
    return next((m for m in find_money(text, hint) if m.plain), None)


def decimal_vote(texts: Iterable[str]) -> str:
    """"." or "," — whichever the page's unambiguous prices use as decimal separator ("" if none)."""
    votes = {".": 0, ",": 0}
    for text in texts:
        for m in _TOKEN.finditer(text or ""):
            num = (m.group("num1") or m.group("num2")).rstrip("-–—")
            puncts = [(i, c) for i, c in enumerate(num) if c in ".,"]
            if not puncts:
                continue
            i, c = puncts[-1]
            tail = len(num) - i - 1
            if tail in (0, 1, 2) or len({p for _, p in puncts}) == 2:
                votes[c] += 1
            elif tail == 3 and len(puncts) > 1 and all(p == c for _, p in puncts):
                votes["," if c == "." else "."] += 1  # "1.234.567" groups with "." → decimal is ","
    if votes["."] == votes[","]:
        return ""
    return "." if votes["."] > votes[","] else ","


def lang_decimal(lang: str) -> str:
    base = (lang or "").lower().replace("_", "-")
    if base in ("de-ch", "it-ch", "fr-ch", "rm-ch"):
        return "."
    primary = base.split("-")[0]
    return "," if primary in COMMA_DECIMAL_LANGS else ("." if primary else "")


def lang_currency(lang: str) -> str:
    parts = (lang or "").replace("_", "-").split("-")
    if len(parts) > 1 and parts[1].upper() in REGION_CURRENCY:
        return REGION_CURRENCY[parts[1].upper()]
    return LANG_CURRENCY.get(parts[0].lower(), "")


def tld_currency(url: str) -> str:
    """The currency a shop's country domain implies for a shared symbol ("$" on .ca → CAD)."""
    host = (urlsplit(url).hostname or "") if url else ""
    return TLD_CURRENCY.get(host.rsplit(".", 1)[-1], "") if "." in host else ""


def page_hint(texts: Iterable[str], lang: str = "", currency: str = "", url: str = "") -> MoneyHint:
    """Decide a page's currency and decimal separator: structured data first, then the page itself,
    then its domain and language (which only matter for shared symbols like "$" and "kr")."""
    texts = list(texts)
    decimal = decimal_vote(texts) or lang_decimal(lang)
    if not currency:
        seen: dict[str, int] = {}
        shared: dict[str, int] = {}
        for text in texts:
            for m in _TOKEN.finditer(text or ""):
                sym = m.group("cur1") or m.group("cur2")
                bucket = shared if sym in SHARED else seen
                code = _currency(sym, MoneyHint())
                bucket[code] = bucket.get(code, 0) + 1
        # An unshared symbol or code decides; a bare "$"/"kr" yields to the locale before its default.
        currency = (max(seen, key=seen.get) if seen else tld_currency(url) or lang_currency(lang)
                    or (max(shared, key=shared.get) if shared else ""))
    return MoneyHint(currency=currency, decimal=decimal)


def format_money(amount: Decimal, currency: str = "") -> str:
    """A neutral rendering for finding titles: "USD 3.49", "JPY 1200"."""
    places = minor_units(currency)
    q = amount.quantize(Decimal(1).scaleb(-places)) if places else amount.quantize(Decimal(1))
    return f"{currency} {q}".strip()
