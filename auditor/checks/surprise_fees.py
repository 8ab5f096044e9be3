"""Costs that first appear late in checkout, totals that grow after the cart, pre-ticked paid extras.

Why: extra costs are the most common reason shoppers abandon a checkout — 48 % of US abandoners
said "extra costs too high (shipping, tax, fees)" and 21 % "couldn't see / calculate the total
order cost up-front" (Baymard, 2024, heuristics.md §1b). Hidden costs and sneak-into-basket are
among the dark patterns Mathur et al. (2019) found in shops; the EU Consumer Rights Directive
art. 22 bars pre-ticked paid extras. The rules below are auditor's proposal (heuristics.md §2.5, P).

An *unavoidable* cost is a charge the shopper cannot choose away: a mandatory fee or tax line, or the
cheapest option of a choice among paid ones (a choice of paid delivery methods is not the shopper's
choice of the cost; only what a dearer option adds is). It is compared with what the product page or
cart stated: no amount (no line, or only "calculated at checkout") means the whole cost is new; a
stated amount, an estimate or "free shipping" means only a rise above it is. A cost is a surprise
when it is first shown after the cart: **major**; **critical** when first shown at the payment or
review step — the step's role is the later of the scenario's label and the page's content (card
fields or a payment-method choice → payment; an order summary with a place-order button → review;
``analysis.role``). At payment/review the total must equal the cart total plus the shopper's choices and the
costs flagged; a rise no line explains is an unlabelled fee (critical). Tax included in the prices
("incl. 19 % MwSt.") is no cost added; ``tax_may_appear_late`` lets US destination tax come after the
address.

Demoted to minor: a charge the cart total already held, only unnamed; a cart that says "calculated
at checkout" without an estimate. A pre-ticked paid add-on is major.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Iterable

from ..analysis.evidence import collapse, evidence_box, evidence_of
from ..analysis.choices import Option, option_regions
from ..analysis.ledger import Ledger, Line, build_ledger
from ..analysis.ledger_words import classify
from ..analysis.lexicon import pattern
from ..analysis.money import find_money, format_money
from ..analysis.role import StageRole, stage_role
from ..model import Evidence, Finding, Journey, Passed, StageCapture, slug
from .base import CheckMeta, Context, NotApplicable, Source

META = CheckMeta(
    id="surprise-fees", title="All costs are shown by the cart", failure_title="Costs appear only late in checkout",
    scope="journey", applies_to=("product", "cart", "checkout", "payment", "review"),
    defaults={
        "min_fee": 0.01,  # amounts at or below this are rounding, not fees (per line)
        "rise_tolerance_pct": 0.5,  # heuristics §2.5 (P): a rise within max(0.01 × lines, 0.5 %) is rounding
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
    pairs = [(s, r) for s, r in ((s, stage_role(s)) for s in journey.stages) if r.kind in META.applies_to]
    stages, roles = [s for s, _ in pairs], [r for _, r in pairs]
    if not any(r.kind not in EARLY for r in roles):
        raise NotApplicable("no checkout, payment or review stage was captured: nothing to compare the cart with")
    ledgers = [build_ledger(s, ctx.tree(s)) for s in stages]
    if not any(led.lines or led.options for led in ledgers):
        raise NotApplicable("no prices found on " + ", ".join(s.stage for s in stages))
    pre = list(_preticked(ledgers, ctx))
    yield from (f for f, _ in pre)
    yield from _no_estimate(ledgers, ctx)
    yield from _late_costs(ledgers, roles, ctx, {k for _, k in pre})


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


def _promised(before: list[Ledger], kind: str) -> tuple[Decimal | None, Ledger | None]:
    """The amount the shopper was last shown for ``kind`` before this stage (a line, "free", or the
    cheapest option of a choice), and where; (None, None) when no amount was stated."""
    for b in reversed(before):
        amount = _amount_of(b, kind)
        cheap = b.cheapest(kind)
        if amount is None and cheap is not None:
            amount = cheap.amount
        if amount is not None:
            return amount, b
    return None, None


def _late_costs(ledgers: list[Ledger], roles: list[StageRole], ctx: Context,
                preticked: set[str]) -> Iterable[Finding | Passed]:
    """Every unavoidable cost first shown after the cart, and (at payment/review) the total's rise.

    An unavoidable cost is a charge line the shopper cannot choose away, or the cheapest option of a
    choice among paid ones (the cheapest delivery method): what a dearer option adds is the shopper's
    choice. It is compared with what the product page or cart stated for it: nothing stated (no line,
    or only "calculated at checkout") means the whole floor is new; a stated amount or "free" means only
    a rise above it is. Severity: major after the cart; critical at the payment or review step (by its
    label or its content, ``analysis.role``)."""
    min_fee = Decimal(str(ctx.options["min_fee"]))
    funnel = [i for i, r in enumerate(roles) if r.kind not in EARLY]
    flagged: dict[str, Decimal] = {}  # cost ident → what its findings say it added, across stages
    flagged_at: dict[str, str] = {}  # cost ident → the stage where it was first reported
    floors: dict[str, Decimal] = {}  # cost kind → the cheapest option shown so far in checkout
    unstated: set[str] = set()  # cost kinds offered with an option whose price is not shown
    for i in funnel:
        led, role, before = ledgers[i], roles[i], ledgers[:i]
        ref = next((b for b, r in zip(reversed(before), reversed(roles[:i])) if r.kind in EARLY and b.total()), None)
        late = role.kind in LATE or i == funnel[-1]
        out: list[tuple[Finding, Decimal, bool]] = []  # finding, what it adds to the total, charged on this page
        allowed = Decimal(0)  # what the total may grow by: choices, costs stated before, costs flagged earlier
        choices: list[tuple[str, str]] = []  # (why, what) for each part of the total's rise that is no surprise
        shown = _shown(before, roles[:i], ref)
        for kind, line, cheap in _costs(led, floors, unstated, ctx):
            amount = line.amount if line is not None else None
            in_cart = ((_amount_of(ref, kind) if ref else None) or Decimal(0))
            if kind.startswith("tax") and ctx.options["tax_may_appear_late"]:
                allowed += amount - in_cart if amount is not None else 0
                continue
            if kind in preticked or kind.split(":")[0] in preticked:
                continue  # reported as pre-ticked; _judge_total counts the ticked box's amount
            ident = _ident(line) if line is not None else kind
            floor = floors.get(kind, amount)
            prev, prev_at = _promised(before, kind)
            added, parts = Decimal(0), len(choices)
            if ident not in flagged and floor is not None:
                stated = prev is not None or any(kind in b.shown_kinds() for b in before)
                rise = floor - (prev or 0) if stated else floor
                if rise > min_fee:
                    added = rise
                    out.append((_surprise(ctx, led, role, (kind, line, cheap), floor, prev, prev_at, shown),
                                rise, amount is not None))
            if amount is not None and floor is not None and amount - floor > min_fee:
                picked = next((o for b in (led, *reversed(before)) for o in b.options
                               if o.kind == kind and o.amount is not None and abs(o.amount - amount) <= min_fee), None)
                if kind in unstated:  # picked among options, one of which states no price
                    choices.append(("choice", f"{_name(line)} {line.text}, picked where an option states no price"))
                elif picked is not None:  # a dearer option the shopper picked: their choice, not a surprise
                    choices.append(("choice", f"{collapse(picked.label, 40)} over the cheapest "
                                              f"{format_money(floor, led.hint.currency)}"))
                elif "increase:" + ident not in flagged:
                    flagged["increase:" + ident] = amount - floor
                    out.append((_surprise(ctx, led, role, (kind, line, None), amount, floor, led, shown),
                                amount - floor, True))
                    added += amount - floor
            if added:
                flagged[ident] = flagged.get(ident, Decimal(0)) + added
                flagged_at.setdefault(ident, led.stage.stage)
            elif amount is not None and amount - in_cart > min_fee and len(choices) == parts:
                where = flagged_at.get(ident)
                choices.append(("reported", f"{_name(line)} {line.text}, reported at {where}") if where else
                               ("stated", f"{_name(line)} {line.text}, stated at {prev_at.stage.stage}")
                               if prev_at is not None else ("stated", f"{_name(line)} {line.text}"))
            if amount is not None:
                allowed += amount - in_cart - added
        if late and ref is not None and led.total() is not None:
            yield from _judge_total(ctx, led, ref, out, allowed, choices, ledgers)
            continue
        if ref is not None and led.total() is not None:
            yield from _rated(out, led.total().amount - ref.total().amount - allowed, len(led.lines), ctx.options)
        else:
            yield from (f for f, _, _ in out)
        if late and ref is None:
            yield from _reconcile(ctx, led, min_fee)


def _costs(led: Ledger, floors: dict[str, Decimal], unstated: set[str],
           ctx: Context) -> list[tuple[str, Line | None, Option | None]]:
    """(kind, its charge line, its cheapest option) for every cost this stage charges or offers a choice
    of; ``floors`` keeps the cheapest option of each kind seen so far in checkout (a later step that
    shows only the chosen rate is still judged against the cheapest the shopper could pick), and
    ``unstated`` the kinds offered with an option whose price is not shown (it may cost nothing)."""
    min_fee = Decimal(str(ctx.options["min_fee"]))
    lines = {ln.kind: ln for ln in _unique(x for x in led.lines if x.component in CHARGES and x.status == "amount"
                                           and not x.included and x.amount is not None and x.amount > min_fee)}
    kinds = list(lines)
    for o in led.options:
        if o.kind.split(":")[0] in CHARGES and not o.checkbox and o.shown and o.kind not in kinds:
            kinds.append(o.kind)
    out = []
    for kind in kinds:
        cheap = led.cheapest(kind)
        offered = any(o.kind == kind and o.shown and not o.checkbox for o in led.options)
        if cheap is not None:
            floors[kind] = min(floors.get(kind, cheap.amount), cheap.amount)
        elif offered:
            floors[kind] = Decimal(0)
            unstated.add(kind)
        out.append((kind, lines.get(kind), cheap))
    return out


def _shown(before: list[Ledger], roles: list[StageRole], ref: Ledger | None) -> tuple[Ledger, Line] | None:
    """The price the shopper saw before checkout (the cart total, else the product price) and where."""
    if ref is not None:
        return ref, ref.total()
    return next(((b, b.product_price()) for b, r in zip(reversed(before), reversed(roles))
                 if r.kind == "product" and b.product_price()), None)


def _by_content(role: StageRole) -> bool:
    """The content changed what this check makes of the step (a label of payment or review already says late)."""
    return role.from_content and role.declared not in LATE


def _where(role: StageRole, stage: StageCapture) -> str:
    if not _by_content(role):
        return "the payment step" if role.kind == "payment" else f"the {stage.stage} step"
    does = "where the shopper pays" if role.kind == "payment" else "where the order is placed"
    return f"the {stage.stage} step, {does}"


def _surprise(ctx: Context, led: Ledger, role: StageRole, cost: tuple[str, Line | None, Option | None],
              amount: Decimal, prev: Decimal | None, prev_at: Ledger | None,
              shown: tuple[Ledger, Line] | None) -> Finding:
    """A cost of ``amount`` first shown here; ``prev``: what was stated for it before (and where)."""
    kind, line, cheap = cost
    s, cur = led.stage, led.hint.currency
    name = _name(line) if line is not None else NAMES.get(kind.split(":")[0], kind)
    Name = name[:1].upper() + name[1:]
    text = (cheap.text if cheap is not None and (line is None or line.amount != amount) else
            line.text if line is not None else "") or format_money(amount, cur)
    if cheap is not None and sum(o.kind == kind for o in led.options) > 1:
        text += " (the cheapest option)"
    where = _where(role, s)
    evidence = ([_ev(line, s.stage)] if line is not None else []) + \
               ([evidence_of(cheap.element, s, cheap.label)] if cheap is not None else [])
    before = shown[1] if shown else None
    evidence += [_ev(before, shown[0].stage.stage)] if before else []
    tail = (_ident(line) if line is not None else kind).split(":")[-1]
    if prev is None:
        title = f"{Name} {text} appears only at {where}"
        key = f"fee:{tail}"
    elif prev == 0:
        said = {"cart": "the cart", "product": "the product page"}.get(prev_at.stage.kind,
                                                                        f"the {prev_at.stage.stage} step")
        title = f"{Name} {text} at {where}, after {said} said free"
        key = f"increase:{tail}"
    else:
        title = f"{Name} rises from {format_money(prev, cur)} to {text} at {where}"
        key = f"increase:{tail}"
    place = "the cart total" if shown and shown[0].stage.kind == "cart" else "the product price"
    seen = f"{place} was {before.text or before.amount}" if before else "the product page and cart did not show it"
    why = f" by its content: {role.reason}" if _by_content(role) else ""
    return ctx.finding(
        s, severity="critical" if role.kind in LATE else "major", title=title, measured=float(amount), unit=cur,
        threshold="shown or estimated on the product page or cart", source=RULE, key=key, evidence=evidence,
        recommendation=f"Show the {name} ({text.split(' (')[0]}) {WHERE}, or an estimate of it on the product page "
                       "— or drop it.",
        detail=f"First seen on stage '{s.stage}' ({role.kind if why else s.kind}{why}); {seen}. "
               "Rule proposed by auditor (P).")


def _judge_total(ctx, led, ref, out, allowed, choices, ledgers) -> Iterable[Finding | Passed]:
    """At payment/review: the rise of the total over the cart's, less what the shopper chose and what
    was stated before, must be explained by the costs flagged; a rise nothing explains is a fee."""
    o = ctx.options
    s, before, after = led.stage, ref.total(), led.total()
    tol = max(Decimal(str(o["min_fee"])) * len(led.lines), before.amount * Decimal(str(o["rise_tolerance_pct"])) / 100)
    delta = after.amount - before.amount - allowed
    explained = sum((a for _, a, _ in out), Decimal(0))
    # A ticked paid checkbox explains its own line: reported as pre-ticked, or chosen by the shopper.
    explained += sum((c.amount for b in ledgers if b.stage.kind not in EARLY for c in b.options
                      if c.checked and c.checkbox and c.amount), Decimal(0))
    rise_pct = float(delta / before.amount * 100) if before.amount else 0.0
    for f in _rated(out, delta, len(led.lines), o):
        yield replace(f, detail=f.detail + f" Total {before.text} at {ref.stage.stage} → {after.text} "
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
        yield ctx.passed(s, _passed_title(s, ref, before, after, choices), evidence, measured=float(after.amount))


def _passed_title(s: StageCapture, ref: Ledger, before: Line, after: Line, parts: list[tuple[str, str]]) -> str:
    """Never "all costs shown by the cart: $5.00 → $15.00": a changed total says what it is made of."""
    if after.amount == before.amount:
        return f"all costs shown by the cart: total {before.text} unchanged at {s.kind}"
    change = (f"the total {'falls' if after.amount < before.amount else 'rises'} from {before.text} at "
              f"{ref.stage.stage} to {after.text} at {s.stage}")
    whys = {why for why, _ in parts}
    what = "; ".join(text for _, text in parts) or "amounts the ledger does not name"
    if "reported" in whys:
        return f"no new cost at {s.stage}: {change} by {what}"
    if whys == {"choice"}:
        return f"no cost appears late: {change} only by the shopper’s choice: {what}"
    return f"no cost appears late: {change} by {what}"


def _rated(out, delta: Decimal, n_lines: int, o) -> Iterable[Finding]:
    """A charged cost the total did not grow by was already inside the cart total, only unnamed: minor."""
    rounding = Decimal(str(o["min_fee"])) * n_lines
    for f, added, charged in out:
        yield replace(f, severity="minor") if charged and delta < added - rounding else f


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
