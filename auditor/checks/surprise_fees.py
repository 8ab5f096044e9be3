"""Costs that first appear late in checkout, totals that grow after the cart, pre-ticked paid extras.

Why: extra costs are the most common reason shoppers abandon a checkout — 48 % of US abandoners
said "extra costs too high (shipping, tax, fees)" and 21 % "couldn't see / calculate the total
order cost up-front" (Baymard, 2024, heuristics.md §1b). Hidden costs and sneak-into-basket are
among the dark patterns Mathur et al. (2019) found in shops; the EU Consumer Rights Directive
art. 22 bars pre-ticked paid extras. The rules below are auditor's proposal (heuristics.md §2.5, P):
a cost first shown at the payment/review step (or the last funnel step captured) that the product
page or cart neither showed nor estimated is a surprise; so is a final total above the cart total
plus what the shopper chose (a delivery option at the price shown, and tax when
``tax_may_appear_late`` says US destination tax may come after the address).

Severity: a late surprise is major; critical when the total rose by more than
``critical_rise_pct`` or when no line explains the rise (an unlabelled fee); minor when the cost
shows up on a checkout step before payment, or when the cart total already held it unnamed, or when
the cart says "calculated at checkout" without an estimate. A pre-ticked paid add-on is major.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Iterable

from ..analysis.evidence import collapse, evidence_box
from ..analysis.ledger import Ledger, Line, build_ledger, option_regions
from ..analysis.ledger_words import classify
from ..analysis.lexicon import pattern
from ..analysis.money import find_money, format_money
from ..model import Evidence, Finding, Journey, Passed, slug
from .base import CheckMeta, Context, NotApplicable, Source

META = CheckMeta(
    id="surprise-fees", title="All costs are shown by the cart", failure_title="Costs appear only late in checkout",
    scope="journey", applies_to=("product", "cart", "checkout", "payment", "review"),
    defaults={
        "min_fee": 0.01,  # amounts at or below this are rounding, not fees (per line)
        "rise_tolerance_pct": 0.5,  # heuristics §2.5 (P): a rise within max(0.01 × lines, 0.5 %) is rounding
        "critical_rise_pct": 10.0,  # (P) a surprise that lifts the total by more than this is critical
        "tax_may_appear_late": False,  # US destination-based sales tax: tax added after the address is expected
        "flag_no_estimate": True,  # cart says "calculated at checkout" with no estimate → minor
    },
    description="Compares the cost ledger of every stage (rows, structured data) from product page to payment.",
)

BAYMARD = "Baymard Institute, cart abandonment reasons 2024 (48 % extra costs; 21 % total not visible up-front)"
RULE = Source(f"auditor proposed rule (P), heuristics.md §2.5; impact: {BAYMARD}",
              "https://baymard.com/lists/cart-abandonment-rate", proposed=True)
PRETICK = Source("EU Consumer Rights Directive 2011/83/EU art. 22 (no pre-ticked paid extras); Mathur et al. 2019, "
                 "'sneak into basket'; cut-off proposed by auditor (P)", "https://eur-lex.europa.eu/eli/dir/2011/83/oj",
                 proposed=True)
EARLY = ("product", "cart")
LATE = ("payment", "review")
CHARGES = ("shipping", "tax", "fee", "duties", "protection", "donation")
NAMES = {"shipping": "shipping", "tax": "tax", "duties": "import duties", "protection": "protection/insurance",
         "donation": "donation", "fee": "fee"}
WHERE = "in the cart's order summary, between Subtotal and Total"


def _name(line: Line) -> str:
    return collapse(line.label, 40) if line.component == "fee" and line.label else NAMES.get(line.component, line.kind)


def _ev(line: Line, stage: str) -> Evidence:
    text = f"{line.label} {line.text}".strip() if line.label != line.text else line.text
    return evidence_box(stage, line.box, line.value.selector if line.value else None, text)


def _ident(line: Line) -> str:
    """What a cost is called across stages and runs: its kind, or for an unnamed kind of fee its label."""
    return f"fee:{slug(line.label)[:40]}" if line.kind == "fee:other" else line.kind


def _unique(lines: Iterable[Line]) -> list[Line]:
    """One line per cost (a page may repeat its summary for mobile and desktop)."""
    seen: set[str] = set()
    return [ln for ln in lines if not (_ident(ln) in seen or seen.add(_ident(ln)))]


def _amount_of(led: Ledger, kind: str) -> Decimal | None:
    return next((ln.amount for ln in led.lines if ln.kind == kind and ln.status in ("amount", "free")), None)


def run(journey: Journey, ctx: Context) -> Iterable[Finding | Passed]:
    stages = [s for s in journey.stages if s.kind in META.applies_to]
    if not any(s.kind not in EARLY for s in stages):
        raise NotApplicable("no checkout, payment or review stage was captured: nothing to compare the cart with")
    ledgers = [build_ledger(s, ctx.tree(s)) for s in stages]
    if not any(led.lines or led.options for led in ledgers):
        raise NotApplicable("no prices found on " + ", ".join(s.stage for s in stages))
    pre = list(_preticked(ledgers, ctx))
    yield from (f for f, _ in pre)
    yield from _no_estimate(ledgers, ctx)
    yield from _late_costs(ledgers, ctx, {k for _, k in pre})


def _preticked(ledgers: list[Ledger], ctx: Context) -> Iterable[tuple[Finding, str]]:
    """Sneak into basket: a checked checkbox whose label carries a price or add-on words."""
    reported: set[str] = set()
    for led in ledgers:
        for inp, label, box in option_regions(led.stage):
            text = inp.name or (label.text if label is not None else "")
            if inp.type != "checkbox" or not inp.attr("checked") or not text:
                continue
            paid = [t for t in find_money(text, led.hint) if t.plain and t.amount > 0]
            kind = classify(text)
            if pattern("fee_lexicon", "gift_wrap").search(text):
                kind = "gift-wrap"
            elif kind not in ("protection", "donation"):
                kind = "paid-extra" if paid else ""
            free = pattern("fee_lexicon", "free").search(text) and not paid
            if not kind or free or kind in reported:
                continue
            reported.add(kind)
            price = paid[0].text if paid else "a cost"
            yield ctx.finding(
                led.stage, severity="major", title=f"A paid extra is pre-selected: “{collapse(text, 60)}”",
                measured=float(paid[0].amount) if paid else "pre-ticked", unit=paid[0].currency if paid else "",
                threshold="paid extras unticked by default (opt-in)", source=PRETICK, key=f"preticked:{kind}",
                recommendation=f"Leave “{collapse(text, 40)}” unticked so the shopper opts in; show its price "
                               "next to the checkbox.",
                evidence=[evidence_box(led.stage, box, inp.selector, text)],
                detail=f"The box is ticked when the page loads and adds {price} unless the shopper notices it. "
                       "Rule proposed by auditor (P).",
            ), kind


def _no_estimate(ledgers: list[Ledger], ctx: Context) -> Iterable[Finding]:
    if not ctx.options["flag_no_estimate"]:
        return
    for led in (x for x in ledgers if x.stage.kind == "cart"):
        shown = led.shown_kinds()
        for ln in _unique(x for x in led.lines if x.status == "pending"):
            if ln.kind in shown or (ln.component == "tax" and ctx.options["tax_may_appear_late"]):
                continue
            yield ctx.finding(
                led.stage, severity="minor", title=f"The cart gives no {NAMES.get(ln.component, ln.kind)} estimate",
                measured="not disclosed", threshold="shown or estimated by the cart", source=RULE,
                key=f"estimate:{ln.kind}", evidence=[_ev(ln, led.stage.stage)],
                recommendation=f"Replace “{collapse(ln.label, 50)}” with an estimate {WHERE} (e.g. "
                               f"'{NAMES.get(ln.component, ln.kind).capitalize()} from …' or a postcode field).",
                detail="Shoppers who cannot see the total up-front abandon (21 %, Baymard 2024). Rule proposed by "
                       "auditor (P).")


def _late_costs(ledgers: list[Ledger], ctx: Context, preticked: set[str]) -> Iterable[Finding | Passed]:
    o = ctx.options
    min_fee = Decimal(str(o["min_fee"]))
    funnel = [led for led in ledgers if led.stage.kind not in EARLY]
    flagged: dict[str, Decimal] = {}  # kind → amount it added, across stages
    for i, led in enumerate(ledgers):
        s = led.stage
        if s.kind in EARLY:
            continue
        before = ledgers[:i]
        seen = set().union(*(b.shown_kinds() for b in before)) if before else set()
        # Radio/select choices (a delivery method); ticked paid checkboxes are counted in _judge_total.
        chosen = [c for b in ledgers[:i + 1] if b.stage.kind not in EARLY for c in b.options
                  if c.checked and not c.checkbox and c.amount is not None]
        ref = next((b for b in reversed(before) if b.stage.kind in EARLY and b.total()), None)
        ref_total = ref.total() if ref else None
        late = s.kind in LATE or led is funnel[-1]
        out: list[tuple[Finding, Decimal]] = []
        allowed = Decimal(0)
        earlier_flags = dict(flagged)
        for ln in _unique(x for x in led.lines if x.component in CHARGES and x.status == "amount"):
            if ln.included or ln.amount is None or ln.amount <= min_fee or _ident(ln) in flagged:
                continue
            prev = next((_amount_of(b, ln.kind) for b in reversed(before) if _amount_of(b, ln.kind) is not None), None)
            # Not a surprise: chosen at the price shown, tax the policy lets come late, or disclosed earlier
            # (e.g. "Delivery $4.95" on the product page while the cart total left it out).
            in_cart = ((_amount_of(ref, ln.kind) if ref else None) or 0)
            if (ln.component == "tax" and o["tax_may_appear_late"]) or any(
                    c.kind == ln.kind and abs(c.amount - ln.amount) <= min_fee for c in chosen):
                allowed += ln.amount - in_cart
                continue
            if ln.component in preticked or ln.kind in preticked:
                continue
            if ln.kind in seen and (prev is None or ln.amount - prev <= min_fee):
                allowed += max(ln.amount - in_cart, Decimal(0))
                continue
            added = ln.amount - (prev or 0)
            flagged[_ident(ln)] = added
            shown = (ref, ref_total) if ref else next(((b, b.product_price()) for b in reversed(before)
                                                        if b.stage.kind == "product" and b.product_price()), None)
            out.append((_surprise(ctx, led, ln, prev, shown, late), added))
        if late and ref_total is not None and led.total() is not None:
            # Costs flagged on an earlier checkout step that this stage still charges explain part of the rise.
            here = {_ident(ln) for ln in led.lines}
            carried = sum((a for k, a in earlier_flags.items() if k in here), Decimal(0))
            yield from _judge_total(ctx, led, ref, out, allowed + carried, chosen, ledgers)
        else:
            yield from (f for f, _ in out)
            if late and ref_total is None:
                yield from _reconcile(ctx, led, min_fee)


def _surprise(ctx: Context, led: Ledger, ln: Line, prev: Decimal | None, shown: tuple[Ledger, Line] | None,
              late: bool) -> Finding:
    """``shown``: the price the shopper saw before (the cart total, else the product price) and where."""
    s = led.stage
    name = _name(ln)
    before = shown[1] if shown else None
    evidence = [_ev(ln, s.stage)] + ([_ev(before, shown[0].stage.stage)] if before else [])
    step = "the payment step" if s.kind == "payment" else f"the {s.kind} step"
    if prev is None:
        title = f"{name[:1].upper() + name[1:]} {ln.text} appears only at {step}"
        key = f"fee:{_ident(ln).split(':')[-1]}"
    else:
        title = f"{name[:1].upper() + name[1:]} rises from {format_money(prev, led.hint.currency)} to {ln.text} at {step}"
        key = f"increase:{_ident(ln).split(':')[-1]}"
    where = "the cart total" if shown and shown[0].stage.kind == "cart" else "the product price"
    seen = f"{where} was {before.text or before.amount}" if before else "the product page and cart did not show it"
    return ctx.finding(
        s, severity="major" if late else "minor", title=title, measured=float(ln.amount), unit=led.hint.currency,
        threshold="shown or estimated on the product page or cart", source=RULE, key=key, evidence=evidence,
        recommendation=f"Show the {name} ({ln.text}) {WHERE}, or an estimate of it on the product page — or drop it.",
        detail=f"First seen on stage '{s.stage}' ({s.kind}); {seen}. Rule proposed by auditor (P).")


def _judge_total(ctx, led, ref, out, allowed, chosen, ledgers) -> Iterable[Finding | Passed]:
    o = ctx.options
    s, before, after = led.stage, ref.total(), led.total()
    tol = max(Decimal(str(o["min_fee"])) * len(led.lines), before.amount * Decimal(str(o["rise_tolerance_pct"])) / 100)
    delta = after.amount - before.amount - allowed
    explained = sum((a for _, a in out), Decimal(0))
    # A ticked paid checkbox explains its own line: reported as pre-ticked, or chosen by the shopper.
    explained += sum((c.amount for b in ledgers if b.stage.kind not in EARLY for c in b.options
                      if c.checked and c.checkbox and c.amount), Decimal(0))
    rise_pct = float(delta / before.amount * 100) if before.amount else 0.0
    rounding = Decimal(str(o["min_fee"])) * len(led.lines)
    for f, added in out:
        sev = f.severity
        if f.severity == "major" and delta < added - rounding:
            sev = "minor"  # the total did not grow by it: the cart total already held it, only unnamed
        elif f.severity == "major" and rise_pct > o["critical_rise_pct"]:
            sev = "critical"
        yield replace(f, severity=sev, detail=f.detail + f" Total {before.text} at {ref.stage.stage} → {after.text} "
                                                          f"at {s.stage} ({rise_pct:+.1f} % beyond shopper choices).")
    residual = delta - explained
    cur = led.hint.currency
    evidence = [_ev(after, s.stage), _ev(before, ref.stage.stage)]
    if residual > tol:
        yield ctx.finding(
            s, severity="critical", title=f"The total rises from {before.text} to {after.text} with no line explaining "
                                          f"{format_money(residual, cur)}", measured=float(residual), unit=cur,
            threshold=f"≤ {format_money(tol, cur)} beyond the cart total plus shopper choices", source=RULE,
            key="fee:unlabelled",
            evidence=evidence, recommendation=f"Name every charge in the order summary at the {s.kind} step and "
                                              f"show it {WHERE}.",
            detail=f"Cart total {before.text}; {s.kind} total {after.text}; shopper choices {allowed}; named new "
                   f"costs {explained}. Rule proposed by auditor (P).")
    elif not out:
        picked = "; ".join(f"{collapse(c.label, 40)}" for c in chosen if c.amount)
        change = (f"{before.text} unchanged at {s.kind}" if after.amount == before.amount else
                  f"{before.text} → {after.text} at {s.kind}"
                  + (f" after the shopper's choice ({picked})" if picked else ""))
        yield ctx.passed(s, f"all costs shown by the cart: total {change}", evidence, measured=float(after.amount))


def _reconcile(ctx: Context, led: Ledger, min_fee: Decimal) -> Iterable[Finding]:
    """Without a cart total to compare with: total ≈ subtotal + charges − discounts on this page."""
    total, subtotal = led.total(), next((x for x in led.lines if x.kind == "subtotal" and x.amount), None)
    if total is None or subtotal is None:
        return
    parts = _unique(x for x in led.lines if (x.component in CHARGES or x.kind == "discount") and x.amount is not None
                    and not x.included)
    base = subtotal.amount + sum((x.amount for x in parts if x.component != "tax"), Decimal(0))
    tax = sum((x.amount for x in parts if x.component == "tax"), Decimal(0))
    residual = min((total.amount - base - tax, total.amount - base), key=abs)  # tax may be inside prices
    tol = max(min_fee * len(led.lines), total.amount * Decimal(str(ctx.options["rise_tolerance_pct"])) / 100)
    cur = led.hint.currency
    if residual > tol:
        yield ctx.finding(
            led.stage, severity="critical", title=f"The total {total.text} is {format_money(residual, cur)} more than "
                                                  "its listed lines",
            measured=float(residual), unit=cur, threshold=f"≤ {format_money(tol, cur)}", source=RULE,
            key="fee:unlabelled",
            evidence=[_ev(total, led.stage.stage), _ev(subtotal, led.stage.stage)],
            recommendation="Show every charge as its own line in the order summary, between Subtotal and Total.",
            detail="Subtotal + shipping + tax + fees − discounts does not add up to the total. "
                   "Rule proposed by auditor (P).")
