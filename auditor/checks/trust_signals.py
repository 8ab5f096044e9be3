"""Missing trust signals where shoppers look for them: HTTPS, a security cue at the card fields,
payment logos, returns, contact and privacy links in checkout; reviews and delivery facts on the
product page.

Why: 25 % of US shoppers who abandoned a checkout "didn't trust the site with [their] credit card
information", 18 % found the returns policy unsatisfactory and 23 % the delivery too slow (Baymard,
2024, heuristics.md §1b). Baymard's perceived-security study shows shoppers judge safety by the
look of the card form itself, so the cue must sit at the card fields; NN/g's credibility factors
include up-front disclosure of returns and contact details. Thresholds: no HTTPS is critical, no
security cue at the card fields is major, one other missing signal is minor and two or more
missing on one stage are major (heuristics.md §1, the ≥ 2 rule and the 300 px radius are auditor's
proposals, P). Each signal found is listed as passed with its box. A security cue is lock wording, a
named lock icon or seal, or an untitled svg icon that draws a well-known padlock glyph (``trust.py``);
delivery information states a cost or a time ("Free delivery in 2–3 days"), not "calculated at checkout".
"""
from __future__ import annotations

from typing import Iterable
from urllib.parse import urlsplit

from ..analysis import trust as t
from ..analysis.evidence import evidence_box, evidence_of
from ..analysis.ledger import build_ledger
from ..analysis.lexicon import pattern
from ..model import Evidence, Finding, Passed, Rect, StageCapture
from .base import CheckMeta, Context, NotApplicable, Source

META = CheckMeta(
    id="missing-trust-signals", title="Trust signals are where shoppers look for them",
    failure_title="Trust signals are missing", scope="stage",
    applies_to=("product", "cart", "checkout", "payment", "review"),
    defaults={
        "cue_radius_px": 300,  # (P) security cue within this distance of the card fields
        "delivery_radius_px": 400,  # (P) delivery facts within this distance of the price / add-to-cart
        "bump_missing_at": 2,  # (P) this many missing signals on one stage make each of them major
        "dedupe_footer_links": True,  # report a missing returns/contact/privacy link once, where first missing
        "loopback_is_secure": True,  # http://127.0.0.1 and localhost count as secure (local test shops)
    },
)

HTTPS = Source("Lighthouse 'is-on-https'; Baymard 2024: 25 % abandoned for not trusting the site with card data",
               "https://developer.chrome.com/docs/lighthouse/best-practices/is-on-https")
SECURITY = Source("How Users Perceive Security During the Checkout Flow (Incl. New 'Trust Seal' Study 2023), "
                  "Baymard; 300 px radius proposed by auditor (P)",
                  "https://baymard.com/blog/perceived-security-of-payment-form", proposed=True)
CREDIBILITY = Source("Trustworthiness in Web Design: 4 Credibility Factors, NN/g, 2016; ≥ 2 missing → major is "
                     "auditor's proposal (P)", "https://www.nngroup.com/articles/trustworthy-design/", proposed=True)
FUNNEL = ("cart", "checkout", "payment", "review")
FOOTER = ("returns", "contact", "privacy")
LABELS = {"https": "HTTPS", "mixed-content": "secure subresources", "security-cue": "security cue at the card fields",
          "payment-logos": "accepted payment methods", "returns": "returns/refund policy",
          "contact": "contact or support",
          "privacy": "privacy policy link", "reviews": "ratings and reviews", "delivery-info": "delivery information"}
FIX = {
    "security-cue": "Add a lock icon and a line such as 'Payments are secure and encrypted' right above the card "
                    "fields.",
    "payment-logos": "Show the accepted payment methods (card logos, wallets) beside the payment options.",
    "returns": "Add a 'Free 30-day returns' (or your policy) link under the order summary, next to the main button.",
    "contact": "Add a phone number, email or chat link ('Questions? Call …') under the order summary.",
    "privacy": "Link the privacy policy under the main button or next to the email field.",
    "reviews": "Show the star rating and review count under the product title, linked to the reviews.",
    "delivery-info": "State delivery cost and time ('Delivery $4.95 · 2–4 days') right under the price or Add to "
                     "cart.",
}


def _https(stage: StageCapture, ctx: Context) -> tuple[bool | None, str]:
    scheme = urlsplit(stage.url).scheme.lower()
    if scheme == "https":
        return True, "served over https"
    if scheme == "http" and ctx.options["loopback_is_secure"] and t.is_loopback(stage.url):
        return True, "http on a loopback host: a secure context, accepted for local testing only"
    return (False, "served over plain http") if scheme == "http" else (None, "")


def _present(stage: StageCapture, ctx: Context, signal: str) -> list[Evidence]:
    tree = ctx.tree(stage)
    if signal in ("returns", "privacy"):
        return [evidence_of(e, stage) for e in t.link_signal(stage, signal)[:3]]
    if signal == "contact":
        return [evidence_of(e, stage) for e in t.link_signal(stage, "contact")[:3]] + \
               [evidence_of(e, stage, what) for e, what in t.chat_widgets(stage, tree)][:3]
    raise KeyError(signal)


def signals(stage: StageCapture, ctx: Context) -> dict[str, tuple[list[Evidence], Evidence | None]]:
    """signal → (evidence it is there, where it belongs if missing); absent keys are not judged here."""
    tree, o = ctx.tree(stage), ctx.options
    out: dict[str, tuple[list[Evidence], Evidence | None]] = {}
    cta = t.largest(t.by_name(stage, "primary_cta"))
    headings = ("h1", "h2", "h3", "h4", "legend", "button", "summary", "caption")
    # A visually-hidden heading (1 px, screen readers only) is no place to point a designer at.
    summary = t.largest([e for e in stage.elements if e.visible and e.tag in headings and e.box.width >= 20
                         and pattern("fee_lexicon", "summary").search(e.text or e.name)]) or cta
    where = evidence_of(summary, stage, "(missing here) order summary") if summary else None
    if stage.kind in FUNNEL:
        cards = t.card_fields(stage)
        if cards:
            box = t.card_box(stage)
            cues = t.security_cues(stage, tree, box, o["cue_radius_px"])
            out["security-cue"] = ([evidence_of(e, stage, None if e.text or e.name else "padlock icon")
                                    for e in cues[:3]],
                                   evidence_box(stage, box, cards[0].selector, "(missing here) card fields"))
        methods = t.payment_methods(stage, tree)
        if stage.kind in ("payment", "cart") or cards:
            # A logo or option the shopper can see; a payment script alone reassures nobody.
            ev = [evidence_of(e, stage, name) for name, e in methods.items() if e is not None]
            anchor = evidence_of(cta, stage, "(missing here) main button") if cta else where
            out["payment-logos"] = (ev, anchor)
        for sig in FOOTER:
            out[sig] = (_present(stage, ctx, sig), where if sig != "privacy" or not cta
                        else evidence_of(cta, stage, "(missing here) main button"))
    elif stage.kind == "product":
        out["reviews"] = (t.review_signals(stage, tree)[:3],
                          evidence_of(t.largest([e for e in stage.elements if e.visible and e.tag == "h1"]), stage,
                                      "(missing here) product title"))
        atc = t.largest(t.by_name(stage, "add_to_cart"))
        price = build_ledger(stage, tree).product_price()
        anchors = [e for e in (atc, price.value if price else None) if e is not None and e.box]
        # Without a price or button to measure from, the first screenful and a half stands in.
        boxes, radius = ([e.box for e in anchors], o["delivery_radius_px"]) if anchors else ([_page_top(stage)], 0)
        hits = t.delivery_facts(stage, boxes, radius)
        out["delivery-info"] = ([evidence_of(e, stage) for e in hits[:3]],
                                evidence_of(anchors[0], stage, "(missing here) price / add to cart")
                                if anchors else None)
    return out


def _page_top(stage: StageCapture) -> Rect:
    return Rect(0, 0, stage.viewport_width or 1350, (stage.viewport_height or 940) * 1.5)


def run(stage: StageCapture, ctx: Context) -> Iterable[Finding | Passed]:
    if stage.kind in FUNNEL:
        yield from _transport(stage, ctx)
    found = signals(stage, ctx)
    if not found:
        raise NotApplicable(f"nothing to judge on a {stage.kind} stage")
    info_only = {"payment-logos"} if stage.kind == "cart" else set()
    missing = [s for s, (ev, _) in found.items() if not ev]
    counted = [s for s in missing if s not in info_only]
    bump = len(counted) >= ctx.options["bump_missing_at"]
    for sig, (ev, where) in found.items():
        if ev:
            what = f" ({', '.join(e.text for e in ev)})" if sig == "payment-logos" else ""
            yield ctx.passed(stage, f"{LABELS[sig]}: present{what}", ev[:6], measured=len(ev))
            continue
        if sig in FOOTER and ctx.options["dedupe_footer_links"] and _missing_earlier(stage, ctx, sig):
            continue
        sev = "info" if sig in info_only else "major" if sig == "security-cue" or bump else "minor"
        also = _missing_later(stage, ctx, sig) if sig in FOOTER and ctx.options["dedupe_footer_links"] else []
        yield ctx.finding(
            stage, severity=sev, title=f"No {LABELS[sig]} on the {stage.kind} page", measured="missing",
            threshold="present" + (" within %d px of the card fields" % ctx.options["cue_radius_px"]
                                   if sig == "security-cue" else ""),
            source=SECURITY if sig == "security-cue" else CREDIBILITY, key=f"missing:{sig}",
            recommendation=FIX[sig], evidence=[where] if where else [],
            detail=(f"{len(counted)} trust signals missing on this stage ({', '.join(counted)}): each is major (P)."
                    if bump and sev == "major" and sig != "security-cue" else "")
                   + (f" Also missing on: {', '.join(also)}." if also else ""))


def _funnel_stages(ctx: Context) -> list[StageCapture]:
    return [s for s in ctx.journey.stages if s.kind in FUNNEL]


def _missing_earlier(stage: StageCapture, ctx: Context, sig: str) -> bool:
    earlier = [s for s in _funnel_stages(ctx) if s.index < stage.index]
    return any(not _present(s, ctx, sig) for s in earlier)


def _missing_later(stage: StageCapture, ctx: Context, sig: str) -> list[str]:
    return [s.stage for s in _funnel_stages(ctx) if s.index > stage.index and not _present(s, ctx, sig)]


def _transport(stage: StageCapture, ctx: Context) -> Iterable[Finding | Passed]:
    ok, why = _https(stage, ctx)
    url_ev = Evidence(stage.stage, text=stage.url)
    if ok:
        yield ctx.passed(stage, f"HTTPS: {why}", [url_ev])
    elif ok is False:
        yield ctx.finding(stage, severity="critical", title=f"The {stage.kind} page is not on HTTPS",
                          measured=urlsplit(stage.url).scheme, threshold="https", source=HTTPS, key="missing:https",
                          recommendation="Serve every checkout page over HTTPS and redirect http:// to https://.",
                          evidence=[url_ev], detail=why)
    if urlsplit(stage.url).scheme.lower() != "https":
        return
    index = t.pd.PageIndex(stage, ctx.tree(stage))
    bad = list(t.mixed_content(ctx.tree(stage)))
    if not bad:
        yield ctx.passed(stage, "secure subresources: no http:// resources on this https page")
        return
    active = [b for b in bad if b[2]]
    evidence = []
    for node, url, _ in (active + [b for b in bad if not b[2]])[:5]:
        el = index.element_for(node)
        evidence.append(evidence_of(el, stage, url) if el is not None and el.tag == node.tag
                        else Evidence(stage.stage, selector=t.pd.selector_of(node), text=url))
    yield ctx.finding(
        stage, severity="major" if active else "minor",
        title=f"{len(bad)} resource(s) load over insecure http:// on the {stage.kind} page",
        measured=len(bad), unit="resources", threshold=0, source=HTTPS, key="mixed-content", evidence=evidence,
        recommendation="Load these resources over https:// (or remove them) so the browser keeps the padlock.",
        detail=("Active content (scripts, frames, stylesheets, form targets) over http can be altered in transit; "
                "browsers block it. " if active else "") + ", ".join(u for _, u, _ in bad[:5]))
