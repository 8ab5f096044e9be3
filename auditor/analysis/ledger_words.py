"""Which cost a label names, and what a sentence says about a cost (heuristics.md 2.5 lexicon).

``classify("Servicegebühr") == "fee:service"``; ``mentions("Taxes and shipping calculated at
checkout") == [("tax", "pending"), ("shipping", "pending")]``. The words live in
``data/fee_lexicon.json``.
"""
from __future__ import annotations

import re

from .lexicon import earliest, pattern, patterns

_CORE_ORDER = ("subtotal", "shipping", "tax", "fee", "total")  # tie-break at the same position
# "Total after discount" is a total; "Shipping discount" is a discount.
_AFTER = re.compile(r"\b(?:after|nach|apr[eè]s|tras|dopo|po|excl|incl|inkl|including|w tym)\b", re.I)
# Sentences, not list commas: "Taxes, discounts and shipping calculated at checkout" is one statement;
# within it each cost word takes the nearest status phrase ("inkl. MwSt., zzgl. Versandkosten").
_CLAUSE = re.compile(r"[;·|•\n]")


def fee_kind(text: str) -> tuple[str, int] | None:
    """("fee:service", position) for the most specific fee word; generic "fee"/"Gebühr" last."""
    found = [(name, m.start()) for name, pat in patterns("fee_lexicon", "fees") if (m := pat.search(text))]
    if not found:
        return None
    specific = [f for f in found if f[0] != "other"]
    name = min(specific or found, key=lambda f: f[1])[0]
    return f"fee:{name}", min(pos for _, pos in found)


def classify(label: str) -> str:
    """The cost kind a row label names, or "item" (a product line or anything unknown)."""
    text = (label or "").strip()
    if not text:
        return "item"
    core: list[tuple[int, int, str]] = []
    for name, pat in patterns("fee_lexicon", "core"):
        m = pat.search(text)
        if m:
            core.append((m.start(), _CORE_ORDER.index(name), name))
    fee = fee_kind(text)
    if fee:
        core.append((fee[1], _CORE_ORDER.index("fee"), fee[0]))
    first = min(core) if core else None
    modifier = earliest(text, patterns("fee_lexicon", "modifiers"))
    if modifier:
        if first and first[2] in ("total", "subtotal") and first[0] < modifier[1] and _AFTER.search(text):
            return first[2]
        return modifier[0]
    return first[2] if first else "item"


def mentions(text: str) -> list[tuple[str, str]]:
    """(kind, status) for each cost a sentence qualifies: status is pending | free | included.
    A cost word with no such phrase in its clause says nothing ("Shipping" as a link text)."""
    out: list[tuple[str, str]] = []
    statuses = (("pending", pattern("fee_lexicon", "pending")), ("free", pattern("fee_lexicon", "free")),
                ("included", pattern("fee_lexicon", "included")))
    for clause in _CLAUSE.split(text or ""):
        phrases = [(name, m.start(), m.end()) for name, pat in statuses for m in pat.finditer(clause)]
        if not phrases:
            continue
        words = [(name, m.start(), m.end()) for name, pat in patterns("fee_lexicon", "core")
                 if name in ("shipping", "tax") for m in pat.finditer(clause)]
        fee = fee_kind(clause)
        if fee:
            words.append((fee[0], fee[1], fee[1] + 1))
        for kind, start, end in words:
            def gap(p: tuple[str, int, int]) -> int:
                return max(p[1] - end, start - p[2], 0)
            status = min(phrases, key=gap)[0]
            if status == "included" and kind != "tax":
                continue
            if (kind, status) not in out and not any(k == kind for k, _ in out):
                out.append((kind, status))
    return out
