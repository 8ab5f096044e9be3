"""Form reading shared by the form-length and forced-account checks: which controls a shopper sees,
what each field is for, whether it is required, and the WHATWG autofill grammar.

Everything here reads the captured element table (``walk/collect.js``): labels are accessible names,
``attrs`` holds ``required``/``aria-required``/``autocomplete``/``inputmode``/``placeholder``/``checked``.
Page text is untrusted: it is only matched against regexes, never evaluated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..model import STAGE_KINDS, Element, Journey, StageCapture

FIELD_INPUT_TYPES = frozenset({"text", "email", "tel", "number", "password", "search", "url", "date",
                               "datetime-local", "month", "week", "time", ""})


def is_text_field(el: Element) -> bool:
    """Baymard's *field*: a text-entry input or textarea (not hidden/submit/button/checkbox/radio)."""
    if el.tag == "textarea":
        return True
    return el.tag == "input" and el.type in FIELD_INPUT_TYPES


# WHATWG HTML "Autofill" field names (mirrored in axe-core lib/commons/text/is-valid-autocomplete.js).
FIELD_TOKENS = frozenset("""
name honorific-prefix given-name additional-name family-name honorific-suffix nickname username new-password
current-password one-time-code organization-title organization street-address address-line1 address-line2
address-line3 address-level4 address-level3 address-level2 address-level1 country country-name postal-code
cc-name cc-given-name cc-additional-name cc-family-name cc-number cc-exp cc-exp-month cc-exp-year cc-csc cc-type
transaction-currency transaction-amount language bday bday-day bday-month bday-year sex url photo""".split())
CONTACT_TOKENS = frozenset("""tel tel-country-code tel-national tel-area-code tel-local tel-local-prefix
tel-local-suffix tel-extension email impp""".split())
CONTACT_QUALIFIERS = frozenset({"home", "work", "mobile", "fax", "pager"})


@dataclass(frozen=True, slots=True)
class Autocomplete:
    state: str  # "missing" (absent/empty/"on") | "off" | "invalid" | "ok"
    token: str = ""  # the field token when ok ("postal-code")
    section: str = ""  # "shipping" | "billing" | ""


def parse_autocomplete(value: str | None) -> Autocomplete:
    """Validate with the spec's grammar: [section-*] [shipping|billing] [qualifier] token [webauthn],
    plus WooCommerce's "email username" pairing."""
    words = (value or "").lower().split()
    if not words or words == ["on"]:
        return Autocomplete("missing")
    if words == ["off"]:
        return Autocomplete("off")
    if words[-1] == "webauthn":
        words = words[:-1]
    if words and words[0].startswith("section-") and len(words[0]) > 8:
        words = words[1:]
    section = ""
    if words and words[0] in ("shipping", "billing"):
        section, words = words[0], words[1:]
    if len(words) == 2 and words[0] in CONTACT_QUALIFIERS and words[1] in CONTACT_TOKENS:
        words = words[1:]
    if len(words) == 1 and (words[0] in FIELD_TOKENS or words[0] in CONTACT_TOKENS):
        return Autocomplete("ok", words[0], section)
    if len(words) == 2 and "username" in words and ({"email", "tel"} & set(words)):
        # "email username": WooCommerce's default on its checkout email (the address doubles as the
        # account name). Outside the grammar, but browsers still fill the field from its type and
        # label and password managers read "username" from it: no friction, so not flagged.
        return Autocomplete("ok", (set(words) - {"username"}).pop(), section)
    return Autocomplete("invalid")


# Purpose of a field from its label, name, id or placeholder, most specific first: "Email address"
# must be email before it is an address, "checkout[shipping_address][first_name]" a given name.
_PURPOSES: tuple[tuple[str, str], ...] = (
    ("email-confirm", r"(confirm|repeat|re-?enter|retype|verify|bestätig|wiederhol|répét|ripeti|conferm)\w*"
                      r".{0,20}e-?mail"
                      r"|e-?mail.{0,12}(confirm|bestätig|wiederhol|répét)"),
    ("email", r"e-?mail|courriel|correo|\bmail\b"),
    ("coupon", r"coupon|promo|discount|voucher|gift.?card|gutschein|rabatt|réduction|cup[óo]n|codice sconto"),
    ("bday", r"bday|birth|geburt|naissance|nacimiento|nascita|\bdob\b"),
    ("cc-type", r"card.?(type|brand)|cc.?type|kartentyp|kartenart|type de carte|tipo de tarjeta"),
    ("cc-name", r"name on (the )?card|card.?holder|cc.?name|card.?name|karteninhaber|titulaire|nombre en la tarjeta"),
    ("cc-number", r"card.?(number|no\b|num)|cc.?num|kartennummer|num[ée]ro de (la )?carte|n[úu]mero de (la )?tarjeta"),
    ("cc-csc", r"\b(cvc|cvv|cvc2|cvv2|csc|cid)\b|security.?code|card.?code|sicherheitscode|prüfnummer|cryptogramme"
               r"|c[óo]digo de seguridad"),
    ("cc-exp", r"expir|exp.?date|\bmm ?/ ?yy\b|ablauf|gültig bis|valid.?thru|date d.expiration|vencimiento|scadenza"),
    ("quantity", r"\bqty\b|quantity|\bmenge\b|anzahl|quantité|cantidad|quantità"),
    ("language", r"^\W*(language|sprache|langue|lingua|idioma|taal|locale)\W*$|\blanguage\b|\blocale\b"),
    ("currency", r"^\W*(currency|währung|devise|valuta|moneda|divisa)\W*$|\bcurrency\b|\bcurrency.?code\b"),
    ("search", r"\bsearch\b|\bsuche\b|rechercher?\b|buscar|cerca\b"),
    ("gender", r"\bsex\b|sexe|gender|geschlecht|\bgenre\b|g[ée]nero|sesso"),
    ("honorific", r"honorific|salutation|anrede|civilit|tratamiento|^\W*title\W*$|^\W*(prefix|titel)\W*$"),
    ("company", r"organi[sz]ation|company|firma|firmenname|unternehmen|société|societe|empresa|azienda|ragione sociale"),
    ("given-name", r"first.?name|given.?name|\bfname\b|vorname|pr[ée]nom|^\W*nombre\W*$"),
    ("family-name", r"last.?name|family.?name|surname|\blname\b|nachname|familienname|^\W*nom\W*$|apellido|cognome"),
    ("tel", r"phone|\btel\b|telefon|téléphone|tel[ée]fono|\bhandy\b|mobile|portable|cellular"),
    ("address-line2", r"address.?(line)?.?2|\bline.?2\b|\bapt\b|apartment|suite|adresszusatz|compl[ée]ment"),
    ("postal-code", r"\bzip|postal|post.?code|\bplz\b|postleitzahl|code postal|\bcap\b|c[óo]digo postal"),
    ("city", r"\bcity\b|\btown\b|\bort\b|\bstadt\b|\bville\b|ciudad|città|citta|localit"),
    ("state", r"\bstate\b|province|\bcounty\b|\bregion\b|bundesland|\bzone\b|provincia"),
    ("country", r"country|\bland\b|\bpays\b|país|paese"),
    ("address-line1", r"street|address|adresse|stra(ß|ss)e|anschrift|hausnummer|direcci[óo]n|indirizzo"),
    ("username", r"user.?name|benutzername|\blogin\b|identifiant|nom d.utilisateur|usuario|nome utente"),
    ("name", r"full.?name|\bname\b|vollständiger name|nom complet|nombre completo|nome completo"),
)
_HONORIFIC_OPTION_RE = re.compile(r"^\s*(m|mr|mrs|ms|miss|mx|dr|mme|mlle|herr|frau|sr|sra|srta|sig|sig\.ra)\.?\s*$", re.I)
_PURPOSE_RE = tuple((p, re.compile(rx, re.I)) for p, rx in _PURPOSES)
_TOKEN_PURPOSE = {"given-name": "given-name", "family-name": "family-name", "name": "name", "email": "email",
                  "honorific-prefix": "honorific", "organization": "company", "street-address": "address-line1",
                  "address-line1": "address-line1", "address-line2": "address-line2", "address-level2": "city",
                  "address-level1": "state", "postal-code": "postal-code", "country": "country",
                  "country-name": "country", "sex": "gender", "cc-name": "cc-name", "cc-number": "cc-number",
                  "cc-exp": "cc-exp", "cc-exp-month": "cc-exp", "cc-exp-year": "cc-exp", "cc-csc": "cc-csc",
                  "cc-type": "cc-type", "bday": "bday", "bday-day": "bday", "bday-month": "bday", "bday-year": "bday"}
PERSONAL = frozenset({"name", "given-name", "family-name", "email", "tel", "address-line1", "address-line2", "city",
                      "state", "postal-code", "country", "cc-name", "cc-number", "cc-exp", "cc-csc"})
ADDRESS = frozenset({"address-line1", "address-line2", "city", "state", "postal-code"})

REQUIRED_RE = re.compile(r"\*|\((required|obligatoire|obligatorio|obbligatorio|verplicht)\)|pflichtfeld|\brequired\b",
                         re.I)
OPTIONAL_RE = re.compile(r"\boptional\b|\boptionnel|facultati|opcional|facoltativ|optioneel|freiwillig|\bfakultativ",
                         re.I)
_BILLING_RE = re.compile(r"billing|rechnung|factura|fatturazione|invoice", re.I)
_SHIPPING_RE = re.compile(r"shipping|delivery|liefer|livraison|env[íi]o|spedizione|versand", re.I)
_REMOVE_RE = re.compile(r"\b(remove|delete)\b|löschen|entfernen|supprimer|retirer|rimuovi|elimina|eliminar|quitar|"
                        r"verwijder", re.I)
NOT_FILLED = frozenset({"hidden", "submit", "button", "reset", "image", "file"})  # input types that are no field


def words(text: str) -> str:
    """Attribute names read as words: checkout[shipping_address][first_name] → checkout shipping address first name."""
    return re.sub(r"[_\-\[\].]+", " ", text or "").strip()


def label_of(el: Element) -> str:
    """What the shopper reads as the field's label ("" when it has none)."""
    return el.name if el.name_source not in ("", "text") else ""


def purpose(el: Element) -> str:
    """What a field is for (e.g. "postal-code"), or "" when nothing says. The words a shopper reads
    win over ``type``: a type=tel input labelled "ZIP" is a postal code, a type=email one labelled
    "Confirm email" the confirmation field. A checkbox has no purpose but "remove" (a cart line's
    "Remove?" box); a radio button's label names its option ("Mrs"), so only the group's name/id says
    what the group asks."""
    if el.type == "checkbox" or el.role in ("checkbox", "switch"):
        return "remove" if any(_REMOVE_RE.search(h) for h in (label_of(el), words(el.attr("name")),
                                                              words(el.attr("id"))) if h) else ""
    if el.tag == "input" and el.type == "password":
        return "password"
    if (el.tag == "input" and el.type == "search") or el.role == "searchbox":
        return "search"
    said = ""
    radio = el.type == "radio" or el.role == "radio"
    if radio and _HONORIFIC_OPTION_RE.match(label_of(el)):
        return "honorific"
    for hay in ("" if radio else label_of(el), words(el.attr("name")), words(el.attr("id")),
                el.attr("placeholder")):
        said = next((p for p, rx in _PURPOSE_RE if hay and rx.search(hay)), "")
        if said:
            break
    if said == "email-confirm":
        return said
    ac = parse_autocomplete(el.attr("autocomplete"))
    if ac.state == "ok" and (ac.token in _TOKEN_PURPOSE or ac.token.startswith("tel")):
        return _TOKEN_PURPOSE.get(ac.token, "tel")
    if said:
        return said
    if el.tag == "input" and el.type in ("email", "tel"):
        return el.type
    return ""


def section(el: Element) -> str:
    """"billing", "shipping" or "" for the address block a field belongs to."""
    ac = parse_autocomplete(el.attr("autocomplete"))
    if ac.section:
        return ac.section
    hay = " ".join((el.attr("name"), el.attr("id"), el.form))
    if _BILLING_RE.search(hay):
        return "billing"
    if _SHIPPING_RE.search(hay):
        return "shipping"
    return ""


def required_state(el: Element) -> str:
    """"required", "optional" or "" (unmarked), from the attribute, aria and the label's marks."""
    if el.attr("required") or el.attr("aria-required").lower() == "true":
        return "required"
    label = label_of(el) or el.attr("placeholder")
    if OPTIONAL_RE.search(label):
        return "optional"
    if REQUIRED_RE.search(label):
        return "required"
    return ""


def field_key(el: Element) -> str:
    """Identity of a field across stages and runs: its name, else id, else autofill token, else label."""
    for v in (el.attr("name"), el.attr("id"), el.attr("autocomplete"), label_of(el), el.attr("placeholder")):
        if v and v.strip():
            return v.strip()[:80]
    return el.selector


def shown(el: Element, labels_for: set[str]) -> bool:
    """Visible, or a visually hidden native checkbox/radio whose visible <label for> stands in for it."""
    if el.visible:
        return True
    return el.type in ("checkbox", "radio") and bool(el.attr("id")) and el.attr("id") in labels_for


def holds_checkout_form(ctrls: Iterable[Element]) -> bool:
    """Whether controls ask for what a checkout asks — a contact, address or card form (two of its
    purposes), not a lone country or postcode box."""
    return len({purpose(e) for e in ctrls} & (PERSONAL - {"country", "state"})) >= 2


def is_field(el: Element) -> bool:
    return is_text_field(el) and el.role not in ("checkbox", "radio")


def element_units(ctrls: Iterable[Element]) -> list[tuple[str, Element]]:
    """Baymard's *elements*: (unit key, first element) — a radio group counts once, by name."""
    ctrls = list(ctrls)
    radios = [e for e in ctrls if e.tag == "input" and e.type == "radio"]
    out: list[tuple[str, Element]] = []
    seen: set[str] = set()
    for el in ctrls:
        if el.tag == "input" and el.type == "radio":
            key = "radio:" + (el.attr("name") or el.selector)
        elif el.role == "radiogroup" and el.tag not in ("input",):
            if any(r.box and el.box and el.box.intersects(r.box) for r in radios):
                continue  # a styled wrapper around native radios: the group is counted by name
            key = "radiogroup:" + field_key(el)
        else:
            key = field_key(el)
        if key not in seen:
            seen.add(key)
            out.append((key, el))
    return out


_OTHER_CONTROLS = ".//input[not(@type='hidden')] | .//select | .//textarea"


def dom_context(tree, el: Element, max_chars: int = 400) -> str:
    """Text of the field's own wrapper in the DOM — the largest ancestor holding no other form control,
    under ``max_chars`` — including help text the element table leaves out because it is hidden until
    hovered (tooltips)."""
    node = tree.get_element_by_id(el.attr("id"), None) if el.attr("id") else None
    if node is None and el.attr("name"):
        found = tree.xpath("//*[@name=$n]", n=el.attr("name"))
        node = found[0] if found else None
    text = ""
    for parent in (node.iterancestors() if node is not None else ()):
        t = parent.text_content()
        if len(t) > max_chars or len(parent.xpath(_OTHER_CONTROLS)) > 1:
            break
        text = t
    return text


def near(stage: StageCapture, el: Element, pattern: re.Pattern, within_px: float = 80) -> Element | None:
    """A hint beside ``el`` whose text or name matches: its aria-describedby target, or a short visible text
    within ``within_px`` that is not a heading and holds no form control (a neighbouring fieldset is no hint)."""
    described = set(el.attr("aria-describedby").split())
    boxes = [e.box for e in stage.elements if e.box and e.visible and e.tag in ("input", "select", "textarea")]
    for other in stage.elements:
        said = other.text or other.name
        if other is el or not other.visible or not said or not pattern.search(said):
            continue
        if other.attr("id") in described:
            return other
        if (len(said) > 160 or other.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "legend", "fieldset", "form")
                or not (el.box and other.box) or el.box.distance_to(other.box) > within_px):
            continue
        if not any(b.union(other.box) == other.box for b in boxes):
            return other
    return None


def funnel_stages(journey: Journey, kinds: Iterable[str], after_product: Iterable[str] = ()) -> list[StageCapture]:
    """Stages of ``kinds`` plus custom-kind stages from the first of them up to the order confirmation.
    A stage kind in ``after_product`` only opens the funnel once a product page was seen: a sign-in
    page a scenario visits before shopping is the shopper's choice, not a wall."""
    kinds, late = set(kinds), set(after_product)
    order = list(journey.stages)
    first, shopped = None, False
    for i, s in enumerate(order):
        if s.kind in kinds and (s.kind not in late or shopped):
            first = i
            break
        shopped = shopped or s.kind == "product"
    if first is None:
        return []
    end = next((i for i, s in enumerate(order) if i > first and s.kind == "confirmation"), len(order))
    return [s for s in order[first:end] if s.kind in kinds or s.kind not in STAGE_KINDS]
