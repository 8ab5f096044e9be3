"""CSS as Playwright parses it (cssParser.ts ``parseCSS``), and what the browser's own parser refuses in the
plain CSS that Playwright hands to it."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TypeAlias

from .common import ATTR_MATCHERS, Invalid, check_regex
from .tokens import Token, preprocess, tokenize

LAYOUT = frozenset(("left-of", "right-of", "above", "below", "near"))
# Playwright's CSS extensions (selectorParser.ts ``customCSSNames``); other pseudo-classes go to the browser.
CUSTOM_CSS = frozenset(("not", "is", "where", "has", "scope", "light", "visible", "text", "text-matches", "text-is",
                        "has-text", "above", "below", "right-of", "left-of", "near", "nth-match"))
_UNSUPPORTED = {"at-keyword": "an @-rule", "bad-string": "a string left open", "bad-url": "a broken url(",
                "||": "'||'", "cdo": "'<!--'", "cdc": "'-->'", ";": "';'", "{": "'{'", "}": "'}'",
                "url": "url(…)", "percentage": "a percentage"}
_AN_B = r"\s*(?:odd|even|[+-]?\d*n(?:\s*[+-]\s*\d+)?|[+-]?\d+)"
_NTH_OF = re.compile(_AN_B + r"(?:\s+of\s+\S.*)?\s*\Z", re.I | re.S)  # :nth-child(An+B of S)
_NTH = re.compile(_AN_B + r"\s*\Z", re.I)
_NTH_ARGS = {"nth-child": _NTH_OF, "nth-last-child": _NTH_OF, "nth-of-type": _NTH, "nth-last-of-type": _NTH}
# Standard pseudo-classes Chromium knows (a test checks that it takes every one). Used only to catch typos:
# a name close to one of these but not on the list is refused with a suggestion; any other name goes to the
# browser, which may know newer ones than this list does.
PSEUDO_CLASSES = frozenset((
    "active", "any-link", "autofill", "checked", "default", "defined", "disabled", "empty", "enabled",
    "first-child", "first-of-type", "focus", "focus-visible", "focus-within", "fullscreen", "hover", "in-range",
    "indeterminate", "invalid", "last-child", "last-of-type", "link", "modal", "only-child", "only-of-type",
    "open", "optional", "out-of-range", "picture-in-picture", "placeholder-shown",
    "popover-open", "read-only", "read-write", "required", "root", "target", "user-invalid", "user-valid",
    "valid", "visited", "host", "before", "after", "first-line", "first-letter", "-webkit-autofill",
    "-webkit-any-link"))
PSEUDO_FUNCTIONS = frozenset(("nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type", "lang", "dir",
                              "host", "host-context", "state", "-webkit-any"))


@dataclass
class _Compound:
    pieces: list[tuple[str, list[Token]]] = field(default_factory=list)  # plain CSS, in order
    functions: list[tuple[str, list[_Arg]]] = field(default_factory=list)  # Playwright's extensions


_Arg: TypeAlias = list[_Compound] | Token  # a complex selector (compounds), or a number / string argument


class _CssParser:
    def __init__(self, text: str, whole: str):
        self.text, self.whole = preprocess(text), whole  # token offsets point into the preprocessed text
        self.tokens = tokenize(text)
        self.pos = 0

    def fail(self) -> Invalid:
        tok = self.tokens[self.pos]
        what = "the end" if tok.type == "eof" else repr(self.text[tok.start:tok.end] or tok.value)
        return Invalid(f"unexpected {what} in CSS selector {self.text!r}"
                       + (f" (in {self.whole!r})" if self.whole != self.text else ""),
                       "quote text as text=\"…\" and escape special characters in ids and classes, e.g. #a\\:b")

    def at(self, *types: str) -> bool:
        return self.tokens[self.pos].type in types

    def delim(self, chars: str) -> bool:
        tok = self.tokens[self.pos]
        return tok.type == "delim" and tok.value in chars

    def skip_ws(self) -> None:
        while self.at("ws"):
            self.pos += 1

    def clause_end(self) -> bool:
        return self.at(",", ")", "eof", "ws") or self.delim(">+~")

    def arguments(self) -> list[_Arg]:
        args = [self.argument()]
        while True:
            self.skip_ws()
            if not self.at(","):
                return args
            self.pos += 1
            args.append(self.argument())

    def argument(self) -> _Arg:
        self.skip_ws()
        if self.at("number", "string"):
            self.pos += 1
            return self.tokens[self.pos - 1]
        return self.complex()

    def complex(self) -> list[_Compound]:
        self.skip_ws()
        # A leading combinator (:has(> img)) is relative to :scope.
        out = [_Compound(functions=[("scope", [])]) if self.delim(">+~") else self.compound()]
        while True:
            self.skip_ws()
            if self.delim(">+~"):
                self.pos += 1
                self.skip_ws()
            elif self.clause_end():
                return out
            out.append(self.compound())

    def compound(self) -> _Compound:
        c = _Compound()
        while not self.clause_end():
            tok = self.tokens[self.pos]
            if tok.type in ("ident", "hash") or self.delim("*"):
                c.pieces.append(("hash" if tok.type == "hash" else "type", [tok]))
                self.pos += 1
            elif self.delim("."):
                self.pos += 1
                if not self.at("ident"):
                    raise self.fail()
                c.pieces.append(("class", [self.tokens[self.pos]]))
                self.pos += 1
            elif tok.type == ":":
                self.pos += 1
                self.pseudo(c)
            elif tok.type == "[":
                start = self.pos
                self.pos += 1
                while not self.at("]", "eof"):
                    self.pos += 1
                if not self.at("]"):
                    raise self.fail()
                self.pos += 1
                c.pieces.append(("attr", self.tokens[start + 1:self.pos - 1]))
            else:
                raise self.fail()
        if not c.pieces and not c.functions:
            raise self.fail()
        return c

    def pseudo(self, c: _Compound) -> None:
        tok = self.tokens[self.pos]
        name = tok.value.lower()
        if tok.type == "ident":
            self.pos += 1
            if name in CUSTOM_CSS:
                c.functions.append((name, []))
            else:
                c.pieces.append(("pseudo", [tok]))
            return
        if tok.type != "function":
            raise self.fail()  # '::before' too: Playwright does not take pseudo-elements
        self.pos += 1
        if name in CUSTOM_CSS:
            c.functions.append((name, self.arguments()))
        else:
            start, depth = self.pos, 1
            while not self.at("eof"):
                if self.at("(", "function"):
                    depth += 1
                elif self.at(")"):
                    depth -= 1
                    if not depth:
                        break
                self.pos += 1
            c.pieces.append(("function", [tok, *self.tokens[start:self.pos]]))
        self.skip_ws()
        if not self.at(")"):
            raise self.fail()
        self.pos += 1


def check_css(text: str, whole: str) -> None:
    p = _CssParser(text, whole)
    bad = next((t for t in p.tokens if t.type in _UNSUPPORTED), None)
    if bad is not None:
        raise Invalid(f"{_UNSUPPORTED[bad.type]} cannot be part of a CSS selector: {text!r}",
                      "quote attribute values, e.g. [width=\"50%\"], and escape special characters")
    args = p.arguments()
    if not p.at("eof"):
        raise p.fail()
    if any(isinstance(a, Token) for a in args):
        raise Invalid(f"a CSS selector cannot be a bare string or number: {text!r}",
                      'for text, write text="…" or a quoted string')
    for a in args:
        if not isinstance(a, Token):
            _check_complex(a, p.text)


def _check_complex(compounds: list[_Compound], text: str) -> None:
    for c in compounds:
        _check_plain(c, text)
        for name, args in c.functions:
            _check_function(name, args, text)
            for a in args:
                if not isinstance(a, Token):
                    _check_complex(a, text)


def _check_function(name: str, args: list[_Arg], text: str) -> None:
    """The argument checks of Playwright's CSS extension engines (injected/selectorEvaluator.ts)."""
    strings = [a for a in args if isinstance(a, Token) and a.type == "string"]
    selectors = [a for a in args if not isinstance(a, Token)]
    last = args[-1] if args else None
    number = isinstance(last, Token) and last.type == "number"
    if name in ("text", "text-is", "has-text"):
        ok = len(args) == 1 and len(strings) == 1
        expected = "one quoted string, e.g. :has-text(\"Add to cart\")"
    elif name == "text-matches":
        ok = 1 <= len(args) <= 2 and len(strings) == len(args)
        expected = "a quoted regular expression and optional flags, e.g. :text-matches(\"^Pay\", \"i\")"
        if ok:
            check_regex(strings[0].value, strings[1].value if len(strings) == 2 else "", text)
    elif name in ("scope", "visible"):
        ok, expected = not args, "no arguments"
    elif name in LAYOUT:
        ok = len(selectors) >= 1 and len(selectors) == len(args) - (1 if number else 0)
        expected = f"selectors and an optional distance in pixels, e.g. :{name}(#email, 50)"
    elif name == "nth-match":
        position = float(last.value) if isinstance(last, Token) and number else 0.0
        ok = len(selectors) == len(args) - 1 >= 1 and position >= 1 and position.is_integer()
        expected = "selectors and a position from 1, e.g. :nth-match(button.buy, 2)"
    else:  # not, is, where, has, light: selectors only
        ok = len(selectors) == len(args) and (bool(args) or name == "light")
        expected = "a selector list"
    if not ok:
        raise Invalid(f":{name}() expects {expected}, in {text!r}")


def _check_plain(c: _Compound, text: str) -> None:
    """What the browser's CSS parser refuses in the plain CSS Playwright passes to it. The pieces of a
    compound are joined as written, minus Playwright's extensions: ``.a:visible span`` is ``.a`` + ``span``."""
    prev = ""
    for kind, toks in c.pieces:
        src = text[toks[0].start:toks[-1].end] if toks else ""
        shape = kind
        if kind == "type":
            star = toks[0].type == "delim"
            # After a name, an identifier continues it (".a" + "b" is ".ab"); anywhere else it is a type
            # selector, and that must come first.
            if prev and (star or prev not in ("type-ident", "class", "hash", "pseudo")):
                raise Invalid(f"{src!r} must come first in its part of the CSS selector {text!r}",
                              "write the element name first, e.g. button.buy, not .buy button")
            shape = "type-star" if star else "type-ident"
        elif kind == "hash" and not toks[0].id_hash:
            raise Invalid(f"{src!r} is not a valid CSS id selector (it cannot start with a digit) in {text!r}",
                          f'write [id="{toks[0].value}"] or escape the first digit, e.g. #\\3{toks[0].value[:1]} '
                          f"{toks[0].value[1:]}")
        elif kind == "attr":
            _check_attribute(toks, text)
        elif kind == "function":
            _check_pseudo_function(toks, text)
        elif kind == "pseudo":
            _check_pseudo_name(toks[0].value.lower(), PSEUDO_CLASSES | CUSTOM_CSS, text, "")
        prev = shape


def _check_attribute(toks: list[Token], text: str) -> None:
    """``[name]``, ``[ns|name]``, ``[name op value i]``: CSS Selectors 4 §6."""
    def fail() -> Invalid:
        inner = "".join(text[t.start:t.end] for t in toks)
        return Invalid(f"invalid attribute selector [{inner}] in {text!r}",
                       'write [name], [name="value"] or [name^="value" i]; quote values')

    t = [tok for tok in toks if tok.type != "ws"]
    i = 0
    # Namespace prefixes: only "*|" (any) and "|" (none); a named one is undeclared in a page's querySelector.
    if len(t) >= 2 and t[0].type == "delim" and t[0].value == "*" and t[1].type == "delim" and t[1].value == "|":
        i = 2
    elif t and t[0].type == "delim" and t[0].value == "|":
        i = 1
    if i >= len(t) or t[i].type != "ident":
        raise fail()
    i += 1
    if i == len(t):
        return
    op = t[i].value if t[i].type == "delim" else t[i].type
    if op not in ATTR_MATCHERS or i + 1 >= len(t) or t[i + 1].type not in ("ident", "string"):
        raise fail()
    rest = t[i + 2:]
    if rest and (len(rest) > 1 or rest[0].type != "ident" or rest[0].value.lower() != "i"):
        raise fail()  # Chromium knows the "i" flag only, not "s"


def _check_pseudo_name(name: str, known: frozenset[str], text: str, parens: str) -> None:
    if name in known:
        return
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    if close:
        raise Invalid(f"unknown pseudo-class :{name}{parens} in {text!r}", f"did you mean :{close[0]}{parens}?")


def _check_pseudo_function(toks: list[Token], text: str) -> None:
    name = toks[0].value.lower()
    _check_pseudo_name(name, PSEUDO_FUNCTIONS | CUSTOM_CSS, text, "()")
    args = text[toks[1].start:toks[-1].end] if len(toks) > 1 else ""
    if not args.strip():
        raise Invalid(f":{name}() needs an argument, in {text!r}")
    pattern = _NTH_ARGS.get(name)
    if pattern is not None and not pattern.match(args):
        raise Invalid(f":{name}({args}) is not a valid position in {text!r}",
                      f"write An+B, e.g. :{name}(2), :{name}(2n+1), :{name}(odd)")
