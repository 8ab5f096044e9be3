"""Shoppers who must sign in or create an account before they can pay.

Why: 26 % of US shoppers who abandoned a checkout did so because "the site wanted me to create an
account" (Baymard, 2024); guest checkout should be the most prominent option, yet 47 % of sites do
not make it so ("Make 'Guest Checkout' the Most Prominent Option", Baymard).

Judged stages (heuristics 2.3): cart, checkout, sign-in (once a product page was seen), payment,
review, and custom stages between them — never the confirmation page, where an account offer is good
practice. Findings:
  * wall (critical): a visible password field or social-login-only buttons, sign-in/register wording,
    and no visible guest path (guest wording, or a contact/address form usable without a password);
  * required password (critical when marked required, major when unmarked): the checkout form itself
    has a visible password field that is not optional and not switched by a "create an account" box;
  * guest option hard to find (minor): the only guest path is a plain link below the sign-in button
    and much smaller than it.
Options: ``small_link_ratio`` (0.5): a guest link with less than this share of the sign-in button's
area counts as "much smaller" — (P), auditor's own cut-off.
"""
from __future__ import annotations

import re

from ..analysis import forms as F
from ..analysis.evidence import evidence_of
from ..analysis.formscope import controls
from ..model import Element, Journey, StageCapture
from .base import CheckMeta, Context, NotApplicable, Source, find_text

META = CheckMeta(
    id="forced-account", title="Shoppers can buy as a guest",
    failure_title="Shoppers must sign in or create an account to buy", scope="journey",
    applies_to=("cart", "checkout", "signin", "payment", "review"), defaults={"small_link_ratio": 0.5},
)

GUEST_SOURCE = Source("Make 'Guest Checkout' the Most Prominent Option (47 % Don't), Baymard Institute",
                      "https://baymard.com/blog/make-guest-checkout-prominent")
PROMINENCE_SOURCE = Source("Make 'Guest Checkout' the Most Prominent Option, Baymard Institute (size cut-off "
                           "proposed by auditor)", "https://baymard.com/blog/make-guest-checkout-prominent",
                           proposed=True)

SIGNIN_RE = re.compile(
    r"sign[ -]?in|log[ -]?in|\blogin\b|create (an |your )?account|\bregister|anmelden|einloggen|konto erstellen|"
    r"kundenkonto|registrieren|se connecter|connexion|cr[ée]er (un|mon|votre) compte|iniciar sesi[óo]n|"
    r"crear (una )?cuenta|\baccedi\b|registrati|inloggen|account aanmaken|zaloguj|załóż konto", re.I)
GUEST_RE = re.compile(
    r"\bguest\b|continue without (an )?account|check ?out without|without (an )?account|als gast|gastbestellung|"
    r"ohne (kunden)?konto|en tant qu.invit|sans (cr[ée]er (de|un) )?compte|como invitado|sin (crear )?(una )?cuenta|"
    r"come ospite|senza registrazione|jako gość|bez rejestracji", re.I)
_NO_GUEST_RE = re.compile(r"(guest|gast|invit)\w*[^.]{0,30}\b(not|nicht|pas|no)\b[^.]{0,12}(available|possible|"
                          r"möglich|disponible|allowed|erlaubt)|\b(no|kein\w*|pas de)\s+(guest|gast)", re.I)
CREATE_RE = re.compile(r"create (an |my )?account|register|konto (erstellen|anlegen|eröffnen)|kundenkonto|"
                       r"cr[ée]er (un|mon) compte|crear (una )?cuenta|crea(re)? un account|account aanmaken|"
                       r"save (my )?(info|details)", re.I)
# A notice that the shop refuses guests, e.g. WooCommerce's "You must be logged in to checkout."
MUST_SIGNIN_RE = re.compile(r"must (be )?(logged|signed) in|must (log|sign) in|"
                            r"please (log|sign) in to (check ?out|continue|order)|"
                            r"bitte (melden sie sich|loggen sie sich) .{0,20}an|vous devez (être|etre) connect|"
                            r"debe(s)? iniciar sesi[óo]n|devi (effettuare l.accesso|accedere)", re.I)
SOCIAL_RE = re.compile(r"(sign in|log in|continue|anmelden|fortfahren|weiter|connexion|se connecter|continuer)"
                       r" (with|mit|avec) (google|apple|facebook|amazon|microsoft|twitter|x)\b", re.I)
_CHECKOUT_BUTTON_RE = re.compile(r"check ?out|kasse|commander|paiement|tramitar|pagar|cassa|afrekenen|"
                                 r"proceed|continue to (shipping|payment)", re.I)
_PASSWORD_CONTEXT = F.ADDRESS | {"email", "name", "given-name", "family-name", "tel"}


def _control(el: Element) -> bool:
    return el.tag in ("a", "button", "input") or el.role in ("button", "link")


def _button(el: Element) -> bool:
    return el.tag in ("button", "input") or el.role == "button"


def _heading(el: Element) -> bool:
    return el.tag in ("h1", "h2", "h3", "h4", "legend") or el.role == "heading"


def _matching(stage: StageCapture, pattern: re.Pattern, kind) -> list[Element]:
    """Visible elements of one kind (controls, headings) whose accessible name or own text matches."""
    return [e for e in stage.elements if e.visible and kind(e) and (pattern.search(e.name) or pattern.search(e.text))]


def _guest_paths(stage: StageCapture) -> list[Element]:
    """Controls, headings and sentences offering a guest checkout, controls first."""
    found = _matching(stage, GUEST_RE, _control) + _matching(stage, GUEST_RE, _heading) + find_text(stage, GUEST_RE)
    out, seen = [], set()
    for e in found:
        if e.selector not in seen and not _NO_GUEST_RE.search(e.text or e.name):
            seen.add(e.selector)
            out.append(e)
    return out


def _demanded_passwords(stage: StageCapture, ctx: Context) -> tuple[list[tuple[Element, bool]], Element | None]:
    """Passwords a checkout form insists on — (field, marked required) — and the first field of a form a
    guest can fill in without one. Sign-in and register boxes are not checkout forms (no address)."""
    forms: dict[str, list[Element]] = {}
    for e in controls(stage):  # search/newsletter/sign-in boxes already left out
        forms.setdefault(e.form, []).append(e)
    demanded, guest_form = [], None
    for group in forms.values():
        if any(e.type == "checkbox" and CREATE_RE.search(e.name) for e in group):
            forced = []  # an opt-in box switches the password: not forced
        else:
            forced = [e for e in group if e.tag == "input" and e.type == "password" and F.required_state(e) != "optional"
                      and not F.OPTIONAL_RE.search(F.dom_context(ctx.tree(stage), e, 200))]
        contact = [e for e in group if F.is_field(e) and F.purpose(e) in _PASSWORD_CONTEXT]
        if forced and any(F.purpose(e) in F.ADDRESS for e in contact):
            demanded += [(e, F.required_state(e) == "required") for e in forced]
        elif not forced and len(contact) >= 2 and guest_form is None:
            guest_form = contact[0]
    return demanded, guest_form


def _judge_stage(stage: StageCapture, ctx: Context):
    demanded, guest_form = _demanded_passwords(stage, ctx)
    if demanded:
        marked = any(m for _, m in demanded)
        pws = [e for e, _ in demanded]
        yield ctx.finding(
            stage, severity="critical" if marked else "major", title="Checkout requires creating a password",
            measured="password required" if marked else "password field not marked optional",
            threshold="account creation optional or after purchase", source=GUEST_SOURCE,
            recommendation="Let shoppers check out as guests: drop the password field, or put it behind an "
                           "unticked \"Create an account\" box, or offer the account on the confirmation page.",
            evidence=[evidence_of(e, stage) for e in pws], key=f"required-password:{F.field_key(pws[0])}",
            detail="" if marked else "The password field is neither required nor marked optional; shoppers will "
                                     "read it as mandatory.")
        return
    passwords = [e for e in stage.elements if e.tag == "input" and e.type == "password" and e.visible and e.enabled]
    social = _matching(stage, SOCIAL_RE, _control)
    notice = find_text(stage, MUST_SIGNIN_RE)
    signin = _matching(stage, SIGNIN_RE, _control) + _matching(stage, SIGNIN_RE, _heading)
    guest = _guest_paths(stage)
    onward = stage.kind == "cart" and _matching(stage, _CHECKOUT_BUTTON_RE, _control)
    button = _signin_button(signin, passwords)
    if (passwords or social or notice) and (signin or notice) and not guest and guest_form is None and not onward:
        heading = [e for e in signin if _heading(e)][:1]
        shown = notice[:1] + passwords + social[:3] + heading + ([button] if button else [])
        evidence = [evidence_of(e, stage) for e in shown]
        hint = ""
        if "checkout_url=" in stage.url or "/customer/account/login" in stage.url:
            hint = " The URL is the shop's login page with the checkout as its return target."
        yield ctx.finding(
            stage, severity="critical", title="Shoppers must sign in or create an account to buy",
            measured="no guest option", threshold="a visible guest checkout option", source=GUEST_SOURCE,
            recommendation="Offer \"Continue as guest\" as the first, most prominent option on this page, and "
                           "offer account creation after the order.",
            evidence=evidence, key="wall",
            detail=f"Sign-in wording: {'; '.join(dict.fromkeys((e.text or e.name)[:60] for e in notice + signin))}."
                   f"{hint} 26 % of shoppers abandoned a checkout because the site wanted an account (Baymard, 2024).")
        return
    if guest:
        if passwords and button is not None:
            yield from _prominence(stage, ctx, guest, button)
        yield ctx.passed(stage, "guest checkout: present", [evidence_of(guest[0], stage)])
    elif guest_form is not None and (passwords or social or signin):
        yield ctx.passed(stage, "guest checkout: the form can be filled in without an account",
                         [evidence_of(guest_form, stage)])


def _signin_button(signin: list[Element], passwords: list[Element]) -> Element | None:
    """The sign-in submit: a button with sign-in wording (else a link), nearest the password field."""
    buttons = [e for e in signin if _button(e)] or [e for e in signin if _control(e)]
    if passwords and passwords[0].box:
        buttons.sort(key=lambda b: b.box.distance_to(passwords[0].box) if b.box else float("inf"))
    return buttons[0] if buttons else None


def _prominence(stage: StageCapture, ctx: Context, guest: list[Element], button: Element):
    """Guest path present, but only as a small plain link below the sign-in button (Baymard's pitfall)."""
    links = [e for e in guest if _control(e) and e.box]
    if button.box is None or not links or any(_button(e) or _heading(e) for e in guest):
        return
    ratio = float(ctx.options["small_link_ratio"])
    biggest = max(links, key=lambda e: e.box.area)
    if biggest.box.y < button.box.bottom or biggest.box.area >= ratio * button.box.area:
        return
    yield ctx.finding(
        stage, severity="minor", title="The guest checkout option is a small link below the sign-in form",
        measured=round(biggest.box.area / max(button.box.area, 1.0), 2), unit="× sign-in button area",
        threshold=ratio, source=PROMINENCE_SOURCE,
        recommendation="Make \"Continue as guest\" a full-size button placed first, above or beside sign-in.",
        evidence=[evidence_of(biggest, stage), evidence_of(button, stage)], key="guest-prominence",
        detail=f"The guest link covers {biggest.box.area:.0f} px² against {button.box.area:.0f} px² for the sign-in "
               f"button and sits below it; the {ratio:g} ratio is auditor's proposed cut-off.")


def run(journey: Journey, ctx: Context):
    stages = F.funnel_stages(journey, META.applies_to, after_product=("signin",))
    if not stages:
        raise NotApplicable("no cart, sign-in, checkout or payment stage was captured")
    items = [item for stage in stages for item in _judge_stage(stage, ctx)]
    yield from items
    if not items:
        yield ctx.passed(stages[-1], "no sign-in or account creation asked for between cart and payment")
