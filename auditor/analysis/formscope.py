"""Which controls on a page belong to the checkout form a shopper must fill, and which are something else
on the same page (issue 11.4, heuristics.md 2.2): site chrome (header, navigation and footer landmarks,
search boxes, language and currency switchers, newsletter boxes), cart tools (per-line quantity and
"remove" controls, coupon and gift-card boxes, shipping estimators) and sign-in boxes (an identifier and
a password, nothing else).

Decided from what the shopper meets on the page — landmarks and ARIA roles (from the stage's DOM, else
the element table's ancestors), the wording of labels, buttons and headings in several languages, and
what the fields ask for — never from a platform's class names. A sign-in box asks only for credentials
(e-mail or user name, passwords): the forced-account check judges it. An account form that also asks
for a name, a birth date or an address is checkout data a new shopper must type: it is counted.

    scope = FormScope(stage)
    scope.outside(el)   # "" for the checkout form, else why not ("site chrome", "coupon or gift card", …)
"""
from __future__ import annotations

import re

import lxml.html

from ..model import Element, StageCapture
from . import forms as F
from .pagedata import nodes_by_selector

CHROME, SEARCH, NEWSLETTER, LOCALE = "site chrome", "search box", "newsletter box", "language or currency switcher"
CART_LINE, COUPON, ESTIMATE, SIGN_IN = "cart line control", "coupon or gift card", "shipping estimate", "sign-in box"
DISABLED = "disabled fieldset"

_CHROME_ROLES = {"banner": CHROME, "navigation": CHROME, "contentinfo": CHROME, "search": SEARCH}
_SECTIONING = {"article", "aside", "main", "nav", "section", "form", "dialog"}  # header/footer in these: no landmark
_GROUPS = {"form", "dialog", "fieldset", "section", "aside", "article"}
_GROUP_ROLES = {"form", "dialog", "alertdialog", "region", "group", "search"}
_CREDENTIALS = {"email", "email-confirm", "username", "tel", "password"}
_DESTINATION = {"country", "state", "postal-code", "city"}

_NEWSLETTER_RE = re.compile(r"newsletter|subscribe|sign (me )?up|e-?mail updates|abonn|inscri|suscr|iscriviti|"
                            r"iscrizione|nieuwsbrief|aanmelden voor", re.I)
_ESTIMATE_RE = re.compile(r"estimat|calculat|berechn|ermitteln|schätz|estimer|calcul|calcola|stima|calcular|"
                          r"bereken", re.I)
_APPLY_RE = re.compile(r"^\W*(apply|redeem|anwenden|einlösen|übernehmen|appliquer|utiliser|applica|usa|"
                       r"aplicar|canjear|toepassen|inwisselen)\b", re.I)
_CACHE: dict[int, tuple[StageCapture, "FormScope"]] = {}


def scope_of(stage: StageCapture) -> "FormScope":
    """The stage's FormScope, built once (a check and the gate ask for the same stage several times)."""
    hit = _CACHE.get(id(stage))
    if hit is not None and hit[0] is stage:
        return hit[1]
    if len(_CACHE) > 64:
        _CACHE.clear()
    scope = FormScope(stage)
    _CACHE[id(stage)] = (stage, scope)
    return scope


def controls(stage: StageCapture) -> list[Element]:
    """Form controls of the checkout form a guest shopper is shown on this stage, in document order:
    enabled and shown, and not site chrome, a cart tool or a sign-in box (below)."""
    labels_for = {e.attr("for") for e in stage.elements if e.tag == "label" and e.visible and e.attr("for")}
    scope = scope_of(stage)
    out = []
    for el in stage.elements:
        native = el.tag in ("input", "select", "textarea")
        custom = el.role in ("combobox", "listbox", "checkbox", "switch", "radiogroup") and not native
        if not (native or custom) or el.type in F.NOT_FILLED:
            continue
        if el.enabled and F.shown(el, labels_for) and not scope.outside(el):
            out.append(el)
    return out


class FormScope:
    def __init__(self, stage: StageCapture, tree=None):
        self.stage = stage
        if tree is None and stage.dom:
            try:
                tree = lxml.html.document_fromstring(stage.dom)
            except (ValueError, lxml.etree.ParserError):
                tree = None
        self.nodes = nodes_by_selector(tree) if tree is not None else {}
        self.by_index = {e.index: e for e in stage.elements}
        controls = [e for e in stage.elements if e.tag in ("input", "select", "textarea")
                    or e.role in ("combobox", "listbox", "checkbox", "switch", "radiogroup")]
        self.groups = {e.selector: self._group(e) for e in controls}
        self._group_reason: dict[str, str] = {}
        self._outside = {e.selector: self._judge(e) for e in controls}

    def outside(self, el: Element) -> str:
        """Why ``el`` is not part of the checkout form, or "" when it is."""
        return self._outside.get(el.selector, "")

    def excluded(self) -> dict[str, int]:
        """What was left out on this stage (visible, enabled controls a shopper could fill): reason → count."""
        out: dict[str, int] = {}
        for el in self.stage.elements:
            why = self._outside.get(el.selector, "")
            if why and why != DISABLED and el.visible and el.enabled and el.type not in F.NOT_FILLED:
                out[why] = out.get(why, 0) + 1
        return out

    # ---- the rules, in order --------------------------------------------------------------------------

    def _judge(self, el: Element) -> str:
        chain = self._ancestors(el)
        landmark = _landmark(chain)
        if landmark:
            return landmark
        if el.form and (form := self.stage.element(el.form)) is not None and form.role == "search":
            return SEARCH
        if any(tag == "fieldset" and "disabled" in attrs for tag, _, attrs in chain):
            return DISABLED  # a disabled fieldset disables its controls, though their own property says not
        purpose = F.purpose(el)
        if purpose in ("language", "currency"):
            return LOCALE
        if purpose == "search":
            return SEARCH
        if purpose in ("quantity", "remove"):
            return CART_LINE
        if purpose == "coupon":
            return COUPON
        group = self.groups.get(el.selector, "")
        if group not in self._group_reason:
            self._group_reason[group] = self._judge_group(group)
        return self._group_reason[group]

    def _ancestors(self, el: Element) -> list[tuple[str, str, dict]]:
        """(tag, role, attributes) of el's ancestors, nearest first: from the DOM, else the element table."""
        node = self.nodes.get(el.selector)
        if node is not None:
            return [(a.tag.lower(), (a.get("role") or "").split(" ")[0].lower(), a.attrib)
                    for a in node.iterancestors() if isinstance(a.tag, str)]
        out, seen, i = [], set(), el.parent
        while i >= 0 and i not in seen and i in self.by_index:
            seen.add(i)
            a = self.by_index[i]
            out.append((a.tag, ((a.attr("role") or "").split(" ")[0].lower() or a.role), dict(a.attrs)))
            i = a.parent
        return out

    def _group(self, el: Element) -> str:
        """The form a control belongs to, else its nearest dialog, fieldset or section."""
        if el.form:
            return el.form
        node = self.nodes.get(el.selector)
        if node is not None:
            for a in node.iterancestors():
                if isinstance(a.tag, str) and (a.tag.lower() in _GROUPS or (a.get("role") or "") in _GROUP_ROLES):
                    return "dom:" + str(id(a))
            return ""
        i, seen = el.parent, set()
        while i >= 0 and i not in seen and i in self.by_index:
            seen.add(i)
            a = self.by_index[i]
            if a.tag in _GROUPS or a.role in _GROUP_ROLES:
                return a.selector
            i = a.parent
        return ""

    def _members(self, group: str) -> list[Element]:
        return [e for e in self.stage.elements if self.groups.get(e.selector) == group and e.visible and e.enabled
                and e.type not in F.NOT_FILLED]

    def _group_words(self, group: str, members: list[Element]) -> str:
        """What the group's buttons, headings and legend say, and its form's action — not the labels of its
        checkboxes: an opt-in box inside a checkout form does not make it a newsletter form."""
        words = []
        for e in self.stage.elements:
            if e.visible and e.form and e.form == group and (
                    e.tag in ("button", "h1", "h2", "h3", "h4", "h5", "h6", "legend", "summary") or e.role == "button"
                    or (e.tag == "input" and e.type in ("submit", "button", "image"))):
                words.append(e.name or e.text or e.attr("value"))
        form = self.stage.element(group) if group else None
        if form is not None:
            words.append(form.attr("action"))
        for m in members:  # a DOM-only group: its buttons and headings from the DOM
            node = self.nodes.get(m.selector)
            container = next((a for a in node.iterancestors() if "dom:" + str(id(a)) == group), None) \
                if node is not None and group.startswith("dom:") else None
            if container is not None:
                for n in container.iter("button", "h1", "h2", "h3", "h4", "h5", "h6", "legend", "input"):
                    if n.tag != "input" or (n.get("type") or "").lower() in ("submit", "button"):
                        words.append(n.text_content() if n.tag != "input" else n.get("value") or "")
                break
        return " ".join(w for w in words if w)

    def _judge_group(self, group: str) -> str:
        if not group:
            return ""
        members = self._members(group)
        fields = [e for e in members if F.is_text_field(e)]
        kinds = [F.purpose(e) for e in members if F.is_text_field(e) or e.tag == "select"]
        words = self._group_words(group, members)
        if "password" in kinds and set(kinds) <= _CREDENTIALS:
            return SIGN_IN  # e-mail and password(s) only: the wall's business (forced-account), not form length
        if len(fields) == 1 and kinds in (["email"], [""]) and _NEWSLETTER_RE.search(words):
            return NEWSLETTER
        if kinds and set(kinds) <= _DESTINATION and _ESTIMATE_RE.search(words):
            return ESTIMATE
        if len(fields) == 1 and len(members) == 1 and kinds == [""] and _APPLY_RE.search(words):
            return COUPON  # one code box whose button says "Apply"
        return ""


def _landmark(chain: list[tuple[str, str, dict]]) -> str:
    """Site chrome: inside a banner, navigation, contentinfo or search landmark. (HTML-AAM: <header> and
    <footer> are landmarks only outside sectioning content; neither counts inside a form or a dialog.)"""
    for i, (tag, role, _) in enumerate(chain):
        if role in _CHROME_ROLES:
            return _CHROME_ROLES[role]
        if role and role not in ("none", "presentation", "generic"):
            continue  # an explicit role replaces the tag's own
        if tag == "nav":
            return CHROME
        if tag == "search":
            return SEARCH
        if tag in ("header", "footer") and not any(t in _SECTIONING or r in ("main", "dialog", "form", "region")
                                                   for t, r, _ in chain[i + 1:]):
            return CHROME
    return ""
