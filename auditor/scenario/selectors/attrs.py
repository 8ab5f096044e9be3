"""``role=button[name="Buy"]`` and the other attribute-style bodies (selectorParser.ts ``parseAttributeSelector``,
roleSelectorEngine.ts ``validateAttributes``)."""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .common import ATTR_MATCHERS, Invalid, check_regex

# role= attributes and the roles that support them (injected/roleSelectorEngine.ts, roleUtils.ts).
_ROLE_ONLY = {
    "checked": ("checkbox", "menuitemcheckbox", "option", "radio", "switch", "menuitemradio", "treeitem"),
    "pressed": ("button",),
    "selected": ("gridcell", "option", "row", "tab", "rowheader", "columnheader", "treeitem"),
    "expanded": ("application", "button", "checkbox", "combobox", "gridcell", "link", "listbox", "menuitem", "row",
                 "rowheader", "tab", "treeitem", "columnheader", "menuitemcheckbox", "menuitemradio", "switch"),
    "level": ("heading", "listitem", "row", "treeitem"),
}
_ROLE_ATTRS = ("checked", "description", "disabled", "expanded", "include-hidden", "level", "name", "pressed",
               "selected")


REGEX = object()  # an attribute value written as /…/


@dataclass
class _Attr:
    name: str
    op: str  # "<truthy>" for [name]
    value: object  # str, bool, float, REGEX, or None for [name]


def parse_attributes(selector: str, *, unquoted: bool) -> tuple[str, list[_Attr]]:
    """``button[name="Buy"][pressed]`` → ("button", attributes); Invalid where Playwright's parser fails.
    ``unquoted``: a bare value is a string (role=), not a number (the component engines)."""
    r = _Reader(selector, unquoted)
    name = r.identifier()
    r.spaces()
    attrs = []
    while r.at("["):
        attrs.append(r.attribute())
        r.spaces()
    if r.pos < len(selector):
        raise r.error()
    if not name and not attrs:
        raise Invalid(f"empty selector {selector!r}")
    return name, attrs


def _name_char(c: str) -> bool:
    return c >= "\x80" or (c.isascii() and (c.isalnum() or c in "_-"))


class _Reader:
    def __init__(self, text: str, unquoted: bool):
        self.s, self.pos, self.unquoted = text, 0, unquoted

    def at(self, chars: str) -> bool:
        return self.pos < len(self.s) and self.s[self.pos] in chars

    def error(self, stage: str = "") -> Invalid:
        if self.pos >= len(self.s):
            return Invalid(f"unexpected end of selector {self.s!r}")
        return Invalid(f"unexpected {self.s[self.pos]!r} at position {self.pos} in {self.s!r}"
                       + (f" ({stage})" if stage else ""), 'e.g. role=button[name="Place order"]')

    def spaces(self) -> None:
        while self.pos < len(self.s) and self.s[self.pos].isspace():
            self.pos += 1

    def run(self, ok: Callable[[str], bool]) -> str:
        start = self.pos
        while self.pos < len(self.s) and ok(self.s[self.pos]):
            self.pos += 1
        return self.s[start:self.pos]

    def identifier(self) -> str:
        self.spaces()
        return self.run(_name_char)

    def quoted(self) -> str:
        quote = self.s[self.pos]
        self.pos += 1
        out = []
        while self.pos < len(self.s) and self.s[self.pos] != quote:
            if self.s[self.pos] == "\\":
                self.pos += 1
            if self.pos < len(self.s):
                out.append(self.s[self.pos])
                self.pos += 1
        if self.pos >= len(self.s):
            raise self.error("parsing quoted string")
        self.pos += 1
        return "".join(out)

    def regex(self) -> object:
        self.pos += 1
        start, in_class = self.pos, False
        while self.pos < len(self.s) and (in_class or self.s[self.pos] != "/"):
            c = self.s[self.pos]
            if c == "\\":
                self.pos += 1
                if self.pos >= len(self.s):
                    raise self.error("parsing regular expression")
            elif c in "[]":
                in_class = c == "["
            self.pos += 1
        if self.pos >= len(self.s):
            raise self.error("parsing regular expression")
        source = self.s[start:self.pos]
        self.pos += 1
        check_regex(source, self.run(lambda c: c in "dgimsuvy"), self.s)
        return REGEX

    def token(self) -> str:
        self.spaces()
        t = self.quoted() if self.at("'\"") else self.identifier()
        if not t:
            raise self.error("parsing property path")
        return t

    def operator(self) -> str:
        self.spaces()
        op = self.s[self.pos:self.pos + 1]
        if op and op != "=":
            op = self.s[self.pos:self.pos + 2]
        self.pos += len(op)
        if op not in ATTR_MATCHERS:
            raise self.error("parsing operator")
        return op

    def value(self, op: str) -> object:
        self.spaces()
        if self.at("/"):
            if op != "=":
                raise Invalid(f"cannot use {op} with a regular expression in {self.s!r}")
            return self.regex()
        if self.at("'\""):
            text = self.quoted()
            self.spaces()
            self.pos += 1 if self.at("iIsS") else 0
            return text
        raw = self.run(lambda c: _name_char(c) or c in "+.")
        value: object = {"true": True, "false": False}.get(raw, raw)
        if isinstance(value, str) and not self.unquoted:
            value = js_number(value)
            if math.isnan(value):
                raise self.error("parsing attribute value")
        return value

    def attribute(self) -> _Attr:
        self.pos += 1  # [
        path = [self.token()]
        self.spaces()
        while self.at("."):
            self.pos += 1
            path.append(self.token())
            self.spaces()
        if self.at("]"):
            self.pos += 1
            return _Attr(".".join(path), "<truthy>", None)
        op = self.operator()
        value = self.value(op)
        self.spaces()
        if not self.at("]"):
            raise self.error("parsing attribute value")
        self.pos += 1
        if op != "=" and not isinstance(value, str):
            raise Invalid(f"cannot use {op} with a value that is not a string in {self.s!r}")
        return _Attr(".".join(path), op, value)


def check_role(role: str, attrs: list[_Attr], body: str) -> None:
    if not role:
        raise Invalid(f"role= needs a role name, e.g. role=button, found {body!r}")
    for a in attrs:
        if a.name not in _ROLE_ATTRS:
            raise Invalid(f"unknown role attribute [{a.name}] in role={body}",
                          "role attributes are " + ", ".join(_ROLE_ATTRS))
        roles = _ROLE_ONLY.get(a.name)
        if roles is not None and role not in roles:
            raise Invalid(f"[{a.name}] is only supported for roles {', '.join(sorted(set(roles)))}, "
                          f"not {role!r}, in role={body}")
        if a.name in ("name", "description"):
            if a.op == "<truthy>" or isinstance(a.value, bool):
                raise Invalid(f"[{a.name}] needs a quoted string or a /regular expression/ in role={body}",
                              'e.g. role=button[name="Place order"]')
        elif a.name == "level":
            level = js_number(a.value) if isinstance(a.value, str) else a.value
            if a.op != "=" or isinstance(level, bool) or not isinstance(level, float) or math.isnan(level):
                raise Invalid(f"[level] must be compared to a number in role={body}", "e.g. role=heading[level=2]")
        else:
            allowed: tuple[object, ...] = (True, False, "mixed") if a.name in ("checked", "pressed") else (True, False)
            if a.op not in ("<truthy>", "=") or (a.op == "=" and not any(a.value is v or (
                    isinstance(v, str) and a.value == v) for v in allowed)):
                raise Invalid(f"[{a.name}] must be one of true, false" + (", \"mixed\"" if len(allowed) == 3 else "")
                              + f" (unquoted) in role={body}", f"e.g. role=checkbox[{a.name}=true]")


def js_number(text: str) -> float:
    """JavaScript's ``+text``: whitespace-trimmed, "" is 0, 0x/0o/0b prefixes, Infinity; else NaN."""
    t = text.strip()
    if not t:
        return 0.0
    m = re.fullmatch(r"0([xXoObB])([0-9a-fA-F]+)", t)
    if m:
        try:
            return float(int(m.group(2), {"x": 16, "o": 8, "b": 2}[m.group(1).lower()]))
        except ValueError:
            return float("nan")
    if re.fullmatch(r"[+-]?Infinity", t):
        return float(t.replace("Infinity", "inf"))
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", t):
        return float(t)
    return float("nan")

