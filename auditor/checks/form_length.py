"""Checkout forms that ask for too much, or make it hard to fill in.

Why: 22 % of US shoppers who abandoned a checkout did so because it was "too long / complicated"
(Baymard, 2024), and the average checkout shows 11.3 form fields where 7–8 would do ("Checkout
Optimization: 5 Ways to Minimize Form Fields in Checkout", Baymard, 2024). Fields the browser cannot
autofill, the wrong keyboard and missing labels make each field slower (Baymard 2015: 54 % of sites
fail to invoke the right touch keyboard; WHATWG Autofill; WCAG 1.3.5).

Counts like Baymard: from the cart to the order review, for a new guest, what the checkout form shows
by default — visible, enabled controls; not site chrome (header, navigation and footer: search,
language/currency, newsletter), not cart tools (per-line quantity and remove controls, coupon and
gift-card boxes, shipping estimators), not a sign-in box (``analysis/formscope.py``); the cart page only when it
holds a checkout form itself. A field shown again on a later stage counts once (by name, id or
autocomplete). *Fields* are text inputs and textareas; *elements* add selects, custom comboboxes,
checkboxes and each radio group once. What was left out is named in the count's detail.

Labels (``analysis/labels.py``): a field with no visible label (placeholder only, or nothing a sighted shopper can
read) is the usability problem (major); visible label text beside a field but not tied to it is an
accessibility defect (minor).

Options (``policy: checks: long-form: …``):
  fields:   {good: 8, poor: 12}    ≤ good passes, ≤ poor needs work (minor), more is poor (major) — (P)
  elements: {good: 14, poor: 23}   same bands for elements — (P), from Baymard's 23.48 average (2016)
  severity: {problem kind: severity}  no-label major, placeholder-label major, label-not-tied minor,
            autocomplete-off major, autocomplete-invalid major, autocomplete-missing minor, input-type minor,
            superfluous minor
"""
from __future__ import annotations

import re

from ..analysis import forms as F
from ..analysis import labels as L
from ..analysis.evidence import evidence_of
from ..analysis.formscope import controls, scope_of
from ..analysis.labels import label_state
from ..analysis.role import role_of
from ..model import Element, Journey, StageCapture
from .base import CheckMeta, Context, NotApplicable, Source

META = CheckMeta(
    id="long-form", title="The checkout form asks only for what it needs",
    failure_title="The checkout form is long or hard to fill in", scope="journey",
    applies_to=("checkout", "payment", "review"),
    defaults={"fields": {"good": 8, "poor": 12}, "elements": {"good": 14, "poor": 23},
              "severity": {"no-label": "major", "placeholder-label": "major", "label-not-tied": "minor",
                           "autocomplete-off": "major",
                           "autocomplete-invalid": "major", "autocomplete-missing": "minor", "input-type": "minor",
                           "superfluous": "minor"}},
)

_BAYMARD_URL = "https://baymard.com/blog/checkout-flow-average-form-fields"
FIELDS_SOURCE = Source("Checkout Optimization: 5 Ways to Minimize Form Fields in Checkout, Baymard Institute, 2024 "
                       "(average 11.3 fields; bands proposed by auditor)", _BAYMARD_URL, proposed=True)
ELEMENTS_SOURCE = Source("Baymard Institute checkout benchmark, 2016: 23.48 form elements on average "
                         "(bands proposed by auditor)", _BAYMARD_URL, proposed=True)
SUPERFLUOUS_SOURCE = Source("Checkout Optimization: 5 Ways to Minimize Form Fields in Checkout, Baymard Institute, 2024",
                            _BAYMARD_URL)
NAME_SOURCE = Source("Payment and address form best practices, web.dev (one name field)",
                     "https://web.dev/articles/payment-and-address-form-best-practices")
CARD_SOURCE = Source("Payment forms, web.dev Learn Forms", "https://web.dev/learn/forms/payment")
REDUNDANT_SOURCE = Source("WCAG 2.2 SC 3.3.7 Redundant Entry, W3C, 2023",
                          "https://www.w3.org/WAI/WCAG22/Understanding/redundant-entry.html")
AUTOFILL_SOURCE = Source("HTML Standard, Autofill (WHATWG); WCAG 2.1 SC 1.3.5 Identify Input Purpose "
                         "(severity proposed by auditor)",
                         "https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofill",
                         proposed=True)
LABEL_SOURCE = Source("WCAG 2.2 SC 3.3.2 Labels or Instructions and 4.1.2 Name, Role, Value; axe-core rules "
                      "label, select-name", "https://www.w3.org/WAI/WCAG22/Understanding/labels-or-instructions.html")
VISIBLE_LABEL_SOURCE = Source("Placeholders in Form Fields Are Harmful, K. Sherwin, Nielsen Norman Group, 2014; "
                              "WCAG 2.2 SC 3.3.2 Labels or Instructions (severity proposed by auditor)",
                              "https://www.nngroup.com/articles/form-design-placeholders/", proposed=True)

# Why a phone number is asked for: wording next to the field, not any mention of delivery on the page.
_EXPLAINED_RE = re.compile(r"for (the )?deliver|deliver(y|ies)? (question|update|issue|problem|driver)|courier|carrier|"
                           r"driver|contact you|questions? about|in case|text message|\bsms\b|rückfragen|zustell|"
                           r"paketdienst|für die lieferung|livreur|transporteur|en cas de|pour (la )?livraison|"
                           r"para (la )?entrega|repartidor|corriere|per la consegna", re.I)

# kind → (title, recommendation, source); one finding per kind and stage, its fields as evidence.
PROBLEMS = {
    "no-label": ("{n} field{s} {have} no visible label", "Give every field a visible <label for> above it.",
                 VISIBLE_LABEL_SOURCE),
    "placeholder-label": ("{n} field{s} {are} labelled only by placeholder text",
                          "Add a visible label above each field: placeholder text disappears as soon as shoppers "
                          "type and is often too faint to read.", VISIBLE_LABEL_SOURCE),
    "label-not-tied": ("Accessibility: {n} field{s} {have} a visible label that is not tied to {it}",
                       "Tie each visible label to its field (<label for=\"id\">, or aria-labelledby) so screen "
                       "readers announce it; shoppers who see the page already read it.", LABEL_SOURCE),
    "autocomplete-off": ("Autofill is switched off on {n} personal field{s}",
                         "Remove autocomplete=\"off\" and set the matching token (email, name, address-line1, "
                         "postal-code, cc-number…) so browsers and password managers can fill the form.",
                         AUTOFILL_SOURCE),
    "autocomplete-invalid": ("{n} field{s} {have} an autocomplete value browsers do not understand",
                             "Use a token from the WHATWG autofill list, optionally prefixed with section-*, "
                             "shipping or billing.", AUTOFILL_SOURCE),
    "autocomplete-missing": ("{n} personal field{s} lack{v} an autocomplete token",
                             "Add autocomplete tokens (email, given-name, address-line1, postal-code, tel, cc-number, "
                             "cc-exp, cc-csc…) so one tap fills the form.", AUTOFILL_SOURCE),
    "input-type": ("{n} field{s} bring{v} up the wrong keyboard",
                   "Use type=email for email, type=tel for phone, and type=text with inputmode=numeric for card "
                   "number and security code (never type=number).", CARD_SOURCE),
}
SUPERFLUOUS = {
    "email-confirm": ("Shoppers must type their email address twice", "Remove the confirmation field; validate the "
                      "format inline and show the address back on the review step.", SUPERFLUOUS_SOURCE),
    "honorific": ("A title/salutation is asked for, though not needed to deliver", "Remove the title field, or make it "
                  "optional.", SUPERFLUOUS_SOURCE),
    "company": ("Every shopper is shown a company field", "Hide it behind an \"Add company name\" link or a "
                "business-customer option.", SUPERFLUOUS_SOURCE),
    "bday": ("A birth date is asked for during checkout", "Drop it unless an age check is legally required for these "
             "goods.", SUPERFLUOUS_SOURCE),
    "gender": ("Gender is asked for during checkout", "Remove it: it is not needed to deliver the order.",
               SUPERFLUOUS_SOURCE),
    "address-line2": ("Address line 2 is shown as a full field by default", "Collapse it behind an \"Add apartment, "
                      "suite, etc.\" link; most shoppers do not need it.", SUPERFLUOUS_SOURCE),
    "phone-unexplained": ("Phone number is required without saying why", "Make it optional, or say next to the field "
                          "why it is needed (e.g. \"for delivery questions from the courier\").", SUPERFLUOUS_SOURCE),
    "split-name": ("Name is split into first and last name fields", "Use one \"Full name\" field.", NAME_SOURCE),
    "cc-type": ("Shoppers must pick their card type", "Remove the card-type choice: the brand follows from the card "
                "number's first digits; show the detected logo instead.", CARD_SOURCE),
    "billing-block": ("A second address form is shown by default", "Pre-tick \"same as shipping address\" and show "
                      "the second address only when the shopper unticks it.", REDUNDANT_SOURCE),
}
NAME_PARTS = {"given-name", "family-name"}
BLOCK = F.ADDRESS | NAME_PARTS | {"name", "company", "country", "tel"}  # what a second address form repeats


def bands(options, name: str) -> tuple[float, float]:
    """(good, poor) limits from the option {good, poor} (defaults merged in) or [good, poor]."""
    value = options[name]
    if isinstance(value, (list, tuple)):
        return float(value[0]), float(value[1])
    return value["good"], value["poor"]


def _plural(template: str, n: int) -> str:
    one = n == 1
    return template.format(n=n, s="" if one else "s", have="has" if one else "have", are="is" if one else "are",
                           v="s" if one else "", it="it" if one else "them")


def _shown_as(el: Element) -> str:
    if el.type == "radio":  # the group, not the first option
        return f"{F.field_key(el)} ({F.label_of(el)})"
    return re.sub(r"\s*\*\s*$", "", F.label_of(el) or el.attr("placeholder") or F.field_key(el))


def _problems(stage: StageCapture, el: Element) -> list[tuple[str, str]]:
    """(kind, what is wrong) for one field."""
    out = []
    if el.tag in ("input", "select", "textarea"):
        label = label_state(stage, el)
        if label.kind == L.NOT_TIED:
            out.append(("label-not-tied", f"visible label “{label.text}” beside it, not tied to the field"))
        elif label.kind == L.PLACEHOLDER:
            out.append(("placeholder-label", "only a placeholder" if el.attr("placeholder") else "only a tooltip"))
        elif label.kind == L.NONE:
            out.append(("no-label", "no visible label" + (f" (only an {el.name_source} for screen readers)"
                                                         if el.name_source.startswith("aria") and el.name else "")))
    p = F.purpose(el) if (F.is_field(el) or el.tag == "select") else ""
    if p in F.PERSONAL:
        ac = F.parse_autocomplete(el.attr("autocomplete"))
        if ac.state != "ok":
            out.append((f"autocomplete-{ac.state}", f"autocomplete={el.attr('autocomplete') or '(none)'}"))
    if el.tag == "input":
        want = {"email": "email", "tel": "tel"}.get(p)
        if want and el.type != want:
            out.append(("input-type", f"type={el.type} (expected type={want})"))
        elif p in ("cc-number", "cc-csc") and (el.type == "number" or
                                               (el.type != "tel" and el.attr("inputmode") != "numeric")):
            out.append(("input-type", f"type={el.type}" + ("" if el.type == "number" else " without inputmode=numeric")))
    return out


def _superfluous(stage: StageCapture, units: list[Element], tree) -> list[tuple[str, list[Element]]]:
    """(kind, fields) for fields a checkout does not need, from the lexicon in heuristics 2.2."""
    found: dict[tuple[str, str], list[Element]] = {}
    purpose = {id(u): F.purpose(u) for u in units}  # each a few dozen regexes: once per field, not per pair
    section = {id(u): F.section(u) for u in units}
    purposes_in: dict[str, set[str]] = {}
    for u in units:
        purposes_in.setdefault(section[id(u)], set()).add(purpose[id(u)])
    for el in units:
        if el.type == "checkbox" or el.role in ("checkbox", "switch"):
            continue
        p = purpose[id(el)]
        kind = p if p in ("email-confirm", "honorific", "company", "bday", "gender", "address-line2", "cc-type") else ""
        if p == "tel" and F.required_state(el) == "required" and not _EXPLAINED_RE.search(F.label_of(el)) \
                and not F.near(stage, el, _EXPLAINED_RE) and not _EXPLAINED_RE.search(F.dom_context(tree, el)):
            kind = "phone-unexplained"
        if p in NAME_PARTS and purposes_in[section[id(el)]] >= NAME_PARTS:
            kind = "split-name"
        if kind:
            found.setdefault((kind, section[id(el)] if kind == "split-name" else F.field_key(el)), []).append(el)
    return [(kind, els) for (kind, _), els in found.items()]


def checkout_shown(journey: Journey):
    """(the stages from the cart to the order review, each with the controls it shows first), or None
    when no checkout, payment or review stage was captured. The gate's form budgets count the same."""
    stages = F.funnel_stages(journey, ("cart",) + META.applies_to)
    if not any(s.kind in META.applies_to for s in stages):
        return None
    return stages, _first_shown(stages)


def run(journey: Journey, ctx: Context):
    found = checkout_shown(journey)
    if found is None:
        raise NotApplicable("no checkout, payment or review stage was captured")
    stages, shown = found
    if not any(new for _, new in shown):
        raise NotApplicable("no form fields were shown on the checkout stages")
    sev = ctx.options["severity"]
    extra_blocks = _address_blocks(shown)[1:]  # every address form after the first one
    out: list = []
    reported: set[tuple[str, str]] = set()
    for stage, new in shown:
        out += _field_problems(ctx, stage, [e for _, e in F.element_units(_checkout_controls(stage))], sev,
                               reported)
        covered = {id(e) for st, _, els in extra_blocks if st is stage for e in els}  # reported as the block
        for kind, els in _superfluous(stage, [e for e in new if id(e) not in covered], ctx.tree(stage)):
            title, rec, source = SUPERFLUOUS[kind]
            out.append(ctx.finding(stage, severity=sev["superfluous"], title=title, measured=_shown_as(els[0]),
                                   threshold="not needed to place an order", source=source, recommendation=rec,
                                   evidence=[evidence_of(e, stage, text=_shown_as(e)) for e in els],
                                   key=f"superfluous:{kind}:{F.field_key(els[0])}"))
    for stage, sec, els in extra_blocks:
        title, rec, source = SUPERFLUOUS["billing-block"]
        out.append(ctx.finding(stage, severity=sev["superfluous"], title=title, measured=len(els), unit="fields",
                               threshold="one address unless the shopper asks for another", source=source,
                               recommendation=rec, evidence=[evidence_of(e, stage, text=_shown_as(e)) for e in els],
                               key=f"superfluous:billing-block:{sec or F.field_key(els[0])}"))
    out.sort(key=lambda f: [s.stage for s in stages].index(f.stage))
    yield from _totals(ctx, shown)
    yield from out
    yield from _passes(ctx, stages, [e for _, new in shown for e in new], out)


def _first_shown(stages: list[StageCapture]) -> list[tuple[StageCapture, list[Element]]]:
    """Each stage with the controls it shows for the first time: a field re-shown later counts once.
    A cart page counts only when it holds a checkout form (``_checkout_controls``): a basket's own controls
    are tools for the cart, not the checkout a shopper fills in."""
    seen: set[str] = set()
    out = []
    for stage in stages:
        units = [(key, el) for key, el in F.element_units(_checkout_controls(stage)) if key not in seen]
        seen.update(key for key, _ in units)
        out.append((stage, [el for _, el in units]))
    return out


def _checkout_controls(stage: StageCapture) -> list[Element]:
    """The stage's checkout-form controls; none on a cart page unless it holds a checkout form itself (its
    fields ask for contact, address or card data, or its content makes it a payment or review step)."""
    shown = controls(stage)
    if stage.kind == "cart" and not F.holds_checkout_form(shown) and role_of(stage) == "cart":
        return []
    return shown


def _address_blocks(shown) -> list[tuple[StageCapture, str, list[Element]]]:
    """Address forms (≥ 2 address fields of one shipping/billing section) in funnel order."""
    blocks = []
    for stage, new in shown:
        entries = [(e, F.section(e), F.purpose(e)) for e in new if F.is_field(e) or e.tag == "select"]
        for sec in dict.fromkeys(s for _, s, p in entries if p in F.ADDRESS):  # document order
            if sum(1 for _, s, p in entries if s == sec and p in F.ADDRESS) >= 2:
                blocks.append((stage, sec, [e for e, s, p in entries if s == sec and p in BLOCK]))
    return blocks


def _field_problems(ctx: Context, stage: StageCapture, units: list[Element], sev: dict,
                    reported: set[tuple[str, str]]):
    """One finding per problem kind on this stage, every affected field its own evidence. Every field the
    stage shows is judged (an e-mail counted on a sign-up form earlier can be a worse field here); a
    problem already reported for the same field on an earlier stage is not repeated."""
    grouped: dict[str, list] = {}
    for e in units:
        for kind, what in _problems(stage, e):
            if (kind, F.field_key(e)) in reported:
                continue
            reported.add((kind, F.field_key(e)))
            grouped.setdefault(kind, []).append(evidence_of(e, stage, text=f"{_shown_as(e)}: {what}"))
    for kind in (k for k in PROBLEMS if k in grouped):
        title, rec, source = PROBLEMS[kind]
        evidence = grouped[kind]
        yield ctx.finding(stage, severity=sev[kind], title=_plural(title, len(evidence)), measured=len(evidence),
                          unit="fields", threshold=0, source=source, recommendation=rec, evidence=evidence, key=kind,
                          detail="; ".join(ev.text for ev in evidence)
                          + (". Severity proposed by auditor, overridable by policy." if source.proposed else ""))


def _totals(ctx: Context, shown):
    units = [(stage, e) for stage, new in shown for e in new]
    fields = [(stage, e) for stage, e in units if F.is_field(e)]
    where = max((stage for stage, _ in shown), key=lambda s: sum(1 for st, _ in fields if st is s))
    marks = [F.required_state(e) for _, e in fields]
    per_stage = "; ".join(f"{stage.stage}: {sum(map(F.is_field, new))} fields, {len(new)} elements"
                          for stage, new in shown if new)
    detail = (f"{per_stage}. Required {marks.count('required')}, optional {marks.count('optional')}, "
              f"unmarked {marks.count('')}.")
    if ctx.journey.failures or ctx.journey.stopped:
        detail += " The walk ended before the order review, so later steps are not counted."
    detail += _left_out(shown)
    for what, items, source in (("fields", fields, FIELDS_SOURCE), ("elements", units, ELEMENTS_SOURCE)):
        good, poor = bands(ctx.options, what)
        n = len(items)
        if n <= good:
            yield ctx.passed(where, f"{n} form {what} — within the benchmark (≤ {good:g})", measured=n)
            continue
        yield ctx.finding(where, severity="minor" if n <= poor else "major",
                          title=f"Checkout asks for {n} form {what} (benchmark: {good:g} or fewer)",
                          measured=n, unit=what, threshold=good, source=source, key=f"total-{what}",
                          recommendation=f"Remove or collapse {what} that are not needed to deliver the order (see the "
                                         "other long-form findings); Baymard's worked example cuts 16 fields to 8.",
                          evidence=[evidence_of(e, st, text=_shown_as(e)) for st, e in items],
                          detail=f"{detail} Bands: good ≤ {good:g}, needs work ≤ {poor:g}, poor above — auditor's "
                                 "proposed cut-offs, overridable by policy.")


def _left_out(shown) -> str:
    """What a shopper can fill on these pages that is not the checkout form, and where."""
    where: dict[str, list[str]] = {}
    for stage, new in shown:
        reasons = list(scope_of(stage).excluded())
        if stage.kind == "cart" and not new and controls(stage):
            reasons.append("the cart page's own controls")
        for why in reasons:
            where.setdefault(why, []).append(stage.stage)
    if not where:
        return ""
    return " Not counted: " + "; ".join(f"{why} ({', '.join(stages)})" for why, stages in where.items()) + "."


def _passes(ctx: Context, stages, units: list[Element], findings):
    keys = {f.key for f in findings}
    last = stages[-1]
    natives = [e for e in units if e.tag in ("input", "select", "textarea")]
    personal = [e for e in units if (F.is_field(e) or e.tag == "select") and F.purpose(e) in F.PERSONAL]
    if natives and not keys & {"no-label", "placeholder-label"}:
        yield ctx.passed(last, f"all {len(natives)} form controls have labels", measured=len(natives))
    if personal and not any(k.startswith("autocomplete-") for k in keys):
        yield ctx.passed(last, f"autocomplete on all {len(personal)} personal fields", measured=len(personal))
    if personal and "input-type" not in keys:
        yield ctx.passed(last, "input types fit the data (email, phone, card)")
    if not any(k.startswith("superfluous:") for k in keys):
        yield ctx.passed(last, "no superfluous fields (confirm email, title, company, birth date, …)")
