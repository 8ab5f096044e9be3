"""Finders for trust signals (heuristics.md §2.4): each returns the elements that carry a signal,
innermost first, so a pass can box exactly what the shopper sees.

Words and hosts come from ``data/trust_lexicon.json`` and ``data/trust_hosts.json``.
"""
from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import urlsplit

from ..model import Element, Evidence, Rect, StageCapture
from . import pagedata as pd
from .evidence import evidence_box
from .lexicon import host_in, load, pattern, patterns

LEX = "trust_lexicon"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
ACTIVE_TAGS = ("script", "iframe", "link", "object", "embed", "form")
_CARD_NAME = re.compile(r"card.?num|cardnumber|cc-?num|ccnum|credit.?card|kartennummer|num[ée]ro de (?:la )?carte|"
                        r"n[uú]mero de (?:la )?tarjeta|numero (?:di|della) carta|numer karty|kaartnummer|"
                        r"\bcvc\b|\bcvv\b|"
                        r"\bcsc\b|card.?expir|expiry|(?<!dd/)(?<!dd /)\bmm ?/ ?yy", re.I)  # not a DD/MM/YYYY birth date
_NOT_TYPED = ("radio", "checkbox", "submit", "button", "hidden", "image", "reset")
_PAYMENT_CONTEXT = re.compile(r"pay|zahl|paiement|pago|pagament|p[lł]atno|betaal|gateway|method", re.I)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in LOOPBACK or host.endswith(".localhost") or host.startswith("127.")


def _innermost(els: list[Element]) -> list[Element]:
    """Drop an element when a smaller hit lies inside it (a <td>, not its <table>)."""
    els = sorted(els, key=lambda e: e.box.area if e.box else float("inf"))
    out: list[Element] = []
    for e in els:
        if not any(o.box and e.box and o.box.x >= e.box.x - 1 and o.box.right <= e.box.right + 1
                   and o.box.y >= e.box.y - 1 and o.box.bottom <= e.box.bottom + 1 for o in out):
            out.append(e)
    return sorted(out, key=lambda e: e.index)


def _union(els: list[Element]) -> Rect | None:
    boxes = [e.box for e in els if e.box]
    if not boxes:
        return None
    out = boxes[0]
    for b in boxes[1:]:
        out = out.union(b)
    return out


def card_fields(stage: StageCapture) -> list[Element]:
    """Visible card-entry fields: cc-* autocomplete, card-like names, hosted-field frames."""
    hosts = load("trust_hosts")["payment_hosts"]["card"]
    out = []
    for e in stage.elements:
        if not (e.visible and e.box):
            continue
        hay = " ".join((e.attr("name"), e.attr("id"), e.name, e.attr("placeholder"), e.attr("data-testid")))
        if e.tag == "input" and e.type in _NOT_TYPED:
            continue  # a "Credit card" radio chooses the method; it is not where the number goes
        if e.tag == "input" and (e.attr("autocomplete").lower().startswith("cc-") or _CARD_NAME.search(hay)):
            out.append(e)
        elif e.tag == "input" and e.frame:
            out.append(e)
        elif e.tag == "iframe" and (host_in(e.attr("src"), hosts) or re.search(
                r"card|cvc|cvv|expir|stripe|braintree|adyen|hosted.?field", hay + " " + e.attr("title"), re.I)):
            out.append(e)
    return out


def card_box(stage: StageCapture) -> Rect | None:
    return _union(card_fields(stage))


def security_cues(stage: StageCapture, tree, near: Rect, radius: float) -> list[Element]:
    """Lock glyphs, padlock icons, "secure/encrypted" wording and seals within ``radius`` of ``near``."""
    exclude = pattern(LEX, "security_code_exclude")
    text_re, name_re = pattern(LEX, "secure_text"), pattern(LEX, "lock_name")
    glyphs = load(LEX)["lock_glyph"]
    seals = load("trust_hosts")["seals"]
    cards = {e.selector for e in card_fields(stage)}
    nodes: dict = {}  # the DOM by selector, built once and only when an svg needs a look
    hits = []
    for e in stage.elements:
        if not (e.visible and e.box) or e.selector in cards or e.box.distance_to(near) > radius:
            continue
        text = exclude.sub(" ", e.text or "")
        names = exclude.sub(" ", " ".join((e.name, e.attr("alt"), e.attr("title"), e.attr("class"),
                                           e.attr("aria-label"), e.attr("src").rsplit("/", 1)[-1])))
        if (len(text) <= 200 and (any(g in text for g in glyphs) or text_re.search(text))) \
                or (e.tag in ("img", "svg", "i", "span", "div", "picture") and name_re.search(names)) \
                or (e.tag == "img" and host_in(e.attr("src"), seals)) \
                or (e.tag == "svg" and _drawn_lock(e, tree, nodes)):
            hits.append(e)
    return _innermost(hits)


ICON_MAX_PX = 64  # an icon, not an illustration


def _squash(path: str) -> str:
    return re.sub(r"[\s,]+", "", path).lower()


def _drawn_lock(e: Element, tree, nodes: dict) -> bool:
    """An untitled svg icon that draws a padlock: its path data holds the shackle of a well-known lock
    glyph (``lock_svg_paths``), or it uses a sprite symbol named like a lock (``<use href="#icon-lock">``).
    Any other svg is no cue: a shopper reads a padlock, not a shape."""
    if tree is None or e.box is None or e.box.width > ICON_MAX_PX or e.box.height > ICON_MAX_PX:
        return False
    if not nodes:
        nodes.update(pd.nodes_by_selector(tree))
    node = nodes.get(e.selector)
    if node is None:
        return False
    shackles = [_squash(p) for p in load(LEX)["lock_svg_paths"]]
    for child in node.iter():
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.rsplit("}", 1)[-1].lower()
        if tag == "path" and any(sig in _squash(child.get("d") or "") for sig in shackles):
            return True
        if tag == "use":
            ref = child.get("href") or child.get("{http://www.w3.org/1999/xlink}href") or child.get("xlink:href") or ""
            if pattern(LEX, "lock_name").search(ref.rsplit("#", 1)[-1]):
                return True
    return False


def payment_methods(stage: StageCapture, tree) -> dict[str, Element | None]:
    """Distinct payment methods a shopper can see (logos, wallet buttons, radio options), merged by name;
    a method known only from a loaded script/iframe host maps to None (no box)."""
    methods = patterns(LEX, "payment_methods")
    found: dict[str, Element | None] = {}
    for e in stage.elements:
        if not e.visible:
            continue
        sources = [e.attr("class"), e.attr("aria-label")]
        if e.tag in ("img", "svg", "input", "button") or e.role in ("img", "button", "radio"):
            sources += [e.name, e.attr("alt"), e.attr("title"), e.attr("value"),
                        e.attr("src").rsplit("/", 1)[-1].rsplit(".", 1)[0]]
        if e.tag == "label" or (e.tag == "input" and e.type == "radio" and _PAYMENT_CONTEXT.search(e.attr("name"))):
            sources.append(e.text or e.name)
        hay = " ".join(s for s in sources if s).replace("_", " ").replace("-", " ")
        for name, pat in methods:
            if name not in found or found[name] is None:
                if pat.search(hay):
                    found[name] = e
    for node, _, url in pd.resource_urls(tree):
        for name, hosts in load("trust_hosts")["payment_hosts"].items():
            if node.tag in ("script", "iframe") and host_in(url, hosts):
                found.setdefault(name, None)
    return found


def _href_path(e: Element) -> str:
    href = e.attr("href")
    try:
        return urlsplit(href).path.lower() if href and not href.startswith(("javascript:", "#")) else ""
    except ValueError:
        return ""


def link_signal(stage: StageCapture, key: str) -> list[Element]:
    """Links (or short texts) for returns / privacy / contact, by words or by the link's path."""
    words, paths = pattern(LEX, key), load(LEX).get(f"{key}_href", [])
    hits = []
    for e in stage.elements:
        if not e.visible or not e.box:
            continue
        text = e.name if e.tag in ("a", "button") else (e.text if len(e.text) <= 120 else "")
        path = _href_path(e) if e.tag == "a" else ""
        href = e.attr("href").lower() if e.tag == "a" else ""
        if (text and words.search(text)) or any(p in path for p in paths) or \
                (key == "contact" and href.startswith(("tel:", "mailto:"))):
            hits.append(e)
    links = [e for e in hits if e.tag in ("a", "button")]
    # A returns promise is reassuring as plain text ("Free 30-day returns"); "Contact information" as a
    # form heading is not a way to reach the shop, and a privacy notice needs its link.
    return _innermost(links or (hits if key == "returns" else []))


def chat_widgets(stage: StageCapture, tree) -> list[tuple[Element | None, str]]:
    """(launcher element or None, what was seen) for chat widgets, by script host or launcher marker."""
    data = load("trust_hosts")
    out: list[tuple[Element | None, str]] = []
    for e in stage.elements:
        hay = (e.attr("id") + " " + e.attr("class")).lower()
        if e.visible and any(m in hay for m in data["chat_markers"]):
            out.append((e, e.name or e.attr("id") or "chat launcher"))
    for node, _, url in pd.resource_urls(tree):
        if node.tag in ("script", "iframe") and host_in(url, data["chat_widgets"]):
            out.append((None, f"chat widget script {urlsplit(url).hostname}"))
    return out


def mixed_content(tree) -> Iterator[tuple[object, str, bool]]:
    """(node, url, active) for http:// resources on an https page; active ones can rewrite the page."""
    for node, attr, url in pd.resource_urls(tree):
        if not url.lower().startswith("http://") or is_loopback(url):
            continue
        if node.tag == "link" and "stylesheet" not in (node.get("rel") or "").lower() \
                and "preload" not in (node.get("rel") or "").lower():
            continue  # canonical/alternate links load nothing
        yield node, url, node.tag in ACTIVE_TAGS


def review_signals(stage: StageCapture, tree) -> list[Evidence]:
    """Ratings and reviews: visible stars/counts first, then microdata, widget scripts, JSON-LD."""
    count_re, stars_re = pattern(LEX, "reviews_count"), pattern(LEX, "stars_name")
    classes = load(LEX)["reviews_class"]
    index = pd.PageIndex(stage, tree)
    seen = [e for e in stage.elements if e.visible and e.box and (
        (len(e.text) <= 120 and count_re.search(e.text)) or stars_re.search(" ".join((e.name, e.attr("title"))))
        or any(c in e.attr("class").lower() for c in classes))]
    out = [evidence_box(stage, e.box, e.selector, e.name if not e.text else e.text) for e in _innermost(seen)]
    for node, itemtype in pd.itemtypes(tree):
        if itemtype in ("AggregateRating", "Review"):
            el = index.element_for(node)
            out.append(evidence_box(stage, el.box if el is not None and el.visible else None,
                                    el.selector if el is not None else None, f"microdata {itemtype}"))
    for node, _, url in pd.resource_urls(tree):
        if node.tag == "script" and host_in(url, load("trust_hosts")["review_widgets"]):
            out.append(evidence_box(stage, None, None, f"review widget {urlsplit(url).hostname}"))
    for node in pd.json_ld(tree):
        if pd.types_of(node) & {"AggregateRating", "Review"} or "aggregateRating" in node:
            out.append(evidence_box(stage, None, None, "structured data (JSON-LD) AggregateRating/Review"))
            break
    return out


def near(stage: StageCapture, pat: re.Pattern, anchors: list[Rect], radius: float) -> list[Element]:
    hits = [e for e in stage.elements if e.visible and e.box and e.text and len(e.text) <= 200 and pat.search(e.text)
            and any(e.box.distance_to(a) <= radius for a in anchors)]
    return _innermost(hits)


def delivery_facts(stage: StageCapture, anchors: list[Rect], radius: float) -> list[Element]:
    """Delivery information near the price or button that states a cost or a time ("Free delivery in
    2–3 days", "Versand 4,90 €", "Shipping: | Free Shipping"): a delivery word with a fact in its own text
    or in the text just right of it or below it. "Shipping calculated at checkout." or a bare "Shipping &
    Returns" heading states neither."""
    words, fact = pattern(LEX, "delivery"), pattern(LEX, "delivery_fact")
    texts = [e for e in stage.elements if e.visible and e.box and e.text and len(e.text) <= 200]
    out = []
    for hit in near(stage, words, anchors, radius):
        beside = (o for o in texts if o is not hit and _next_to(hit.box, o.box))
        if fact.search(hit.text) or any(fact.search(o.text) for o in beside):
            out.append(hit)
    return out


def _next_to(a: Rect, b: Rect) -> bool:
    """b continues a: on its line within 300 px to the right, or right under it (a <dt>/<dd> pair)."""
    same_line = b.x >= a.right - 2 and b.x - a.right <= 300 and abs(b.center[1] - a.center[1]) <= max(a.height, 8) / 2
    below = 0 <= b.y - a.bottom <= 24 and abs(b.x - a.x) <= 40
    return same_line or below


def by_name(stage: StageCapture, key: str, tags=("button", "a", "input")) -> list[Element]:
    pat = pattern(LEX, key)
    return [e for e in stage.elements if e.visible and e.box and e.tag in tags and e.type not in ("radio", "checkbox")
            and pat.search(e.name or e.attr("value"))]


def largest(els: list[Element]) -> Element | None:
    return max(els, key=lambda e: e.box.area if e.box else 0, default=None)
