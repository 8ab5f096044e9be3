"""The ``>>`` chain and its engines (selectorParser.ts ``parseSelectorString``, ``parseSelector``,
``splitSelectorByFrame``; the engines' own checks in injectedScript.ts)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from lxml import etree

from .attrs import check_role, parse_attributes
from .common import Invalid, check_regex
from .css import LAYOUT, check_css

# Engines Playwright knows (server/selectors.ts ``_builtinEngines``); ``zs`` is reserved, not usable.
ENGINES = frozenset((
    "css", "css:light", "xpath", "text", "id", "id:light",
    "data-testid", "data-testid:light", "data-test-id", "data-test-id:light", "data-test", "data-test:light",
    "nth", "visible", "internal:control", "internal:has", "internal:has-not", "internal:has-text",
    "internal:has-not-text", "internal:and", "internal:or", "internal:chain", "role", "internal:attr",
    "internal:label", "internal:text", "internal:role", "internal:testid", "internal:describe", "aria-ref",
    "aria-template"))
# Listed by Playwright but refused when they run: "xpath:light" and "text:light" are "not supported",
# and the _react / _vue engines are gone from the injected script.
UNSUPPORTED_ENGINES = frozenset(("xpath:light", "text:light", "_react", "_vue"))
NESTED = frozenset(("internal:has", "internal:has-not", "internal:and", "internal:or", "internal:chain",
                    "left-of", "right-of", "above", "below", "near"))
_ENGINE_NAME = re.compile(r"[a-zA-Z_0-9+:*-]+\Z")
_XPATH_START = re.compile(r"\(*//")
_CONTROL = frozenset(("enter-frame", "any-frame", "return-empty", "component"))


@dataclass
class _Part:
    name: str
    body: str
    nested: list[_Part] | None = None


def split_chain(selector: str) -> tuple[list[_Part], int | None]:
    """``a >> b`` → parts with their engine names, and the index of the ``*`` capture, if any."""
    parts: list[_Part] = []
    capture: int | None = None
    for start, end in _spans(selector):
        p = _part(selector[start:end].strip())
        if p.name.startswith("*"):
            if capture is not None:
                raise Invalid("only one part of a selector can capture with *")
            capture, p.name = len(parts), p.name[1:]
        parts.append(p)
    return parts, capture


def _part(text: str) -> _Part:
    """The engine a part names, or the one Playwright infers: quoted text, //xpath, else CSS."""
    eq = text.find("=")
    if eq != -1 and _ENGINE_NAME.match(text[:eq].strip()):
        return _Part(text[:eq].strip(), text[eq + 1:])
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        return _Part("text", text)
    if _XPATH_START.match(text) or text.startswith(".."):
        return _Part("xpath", text)
    return _Part("css", text)


def _spans(selector: str) -> list[tuple[int, int]]:
    """Where the parts are: split at ``>>`` outside quotes (a quote right after ``text=…`` is text)."""
    spans: list[tuple[int, int]] = []
    i = start = 0
    quote = None
    while ">>" in selector and i < len(selector):
        c = selector[i]
        if c == "\\":
            i += 1
        elif c == quote:
            quote = None
        elif quote is None and c in "\"'`" and not re.match(r"\s*text\s*=(.+)\Z", selector[start:i]):
            quote = c
        elif quote is None and selector.startswith(">>", i):
            spans.append((start, i))
            start, i = i + 2, i + 1
        i += 1
    spans.append((start, len(selector)))
    return spans


def check_selector(selector: str) -> list[_Part]:
    """The parts of ``selector``, or Invalid. Frames are checked at the top level only, as Playwright does."""
    parts, capture = _parse(selector)
    _check_frames(parts, capture, selector)
    return parts


def _parse(selector: str) -> tuple[list[_Part], int | None]:
    parts, capture = split_chain(selector)
    for p in parts:
        if p.name in ("css", "css:light"):
            check_css(p.body if p.name == "css" else f":light({p.body})", selector)
        elif p.name in NESTED and p.name in ENGINES:
            p.nested = _nested(p)
        elif p.name in UNSUPPORTED_ENGINES:
            raise Invalid(f"the {p.name}= selector engine is not supported by Playwright, in {selector!r}")
        elif p.name not in ENGINES:
            known = "css, text, role, xpath, id, data-testid, nth, visible"
            raise Invalid(f"unknown selector engine {p.name!r} in {selector!r}",
                          f"engines are {known}; a CSS selector with '=' needs it inside [ ], e.g. [name=\"q\"]")
        else:
            _check_engine(p)
    if parts[0].name in NESTED:
        raise Invalid(f"{parts[0].name}= cannot be the first part of a selector")
    if capture is not None and any(p.name == "nth" for p in parts):
        raise Invalid(f"nth= cannot be used with a * capture, in {selector!r}")
    return parts, capture


def _nested(p: _Part) -> list[_Part]:
    try:
        args = json.loads(f"[{p.body}]", parse_constant=_no_constant)
    except ValueError:
        raise Invalid(f"malformed selector: {p.name}={p.body}") from None
    ok = 1 <= len(args) <= 2 and isinstance(args[0], str)
    if ok and len(args) == 2:
        ok = p.name in LAYOUT and isinstance(args[1], (int, float)) and not isinstance(args[1], bool)
    if not ok:
        raise Invalid(f"malformed selector: {p.name}={p.body}")
    return _parse(args[0])[0]


def _no_constant(name: str) -> None:
    raise ValueError(name)  # JSON.parse has no NaN or Infinity


def _check_frames(parts: list[_Part], capture: int | None, selector: str) -> None:
    controls = [p.body if p.name == "internal:control" else "" for p in parts]
    if "any-frame" in controls[1:]:
        raise Invalid(f"internal:control=any-frame is only allowed first, in {selector!r}")
    chunk: list[_Part] = []
    chunks, capture_chunk = 0, -1
    for i, p in enumerate(parts):
        if controls[i] == "enter-frame":
            if not chunk:
                raise Invalid("a selector cannot start by entering a frame: select the iframe first")
            chunks, chunk = chunks + 1, []
        elif controls[i] != "any-frame":
            capture_chunk = chunks if capture == i else capture_chunk
            chunk.append(p)
    if not chunk:
        raise Invalid(f"a selector cannot end by entering a frame, in {selector!r}")
    if capture is not None and capture_chunk != chunks:
        raise Invalid("cannot capture (*) a part before entering a frame: use * after the last frame")


def _check_engine(p: _Part) -> None:
    """What the engine itself refuses when it runs (injected/injectedScript.ts)."""
    body = p.body
    if p.name in ("role", "internal:role"):
        name, attrs = parse_attributes(body, unquoted=True)
        check_role(name.lower(), attrs, body)
    elif p.name in ("internal:attr", "internal:testid"):
        name, attrs = parse_attributes(body, unquoted=True)
        if name or len(attrs) != 1:
            raise Invalid(f"malformed attribute selector: {body}")
    elif p.name in ("_react", "_vue"):
        parse_attributes(body, unquoted=False)
    elif p.name in ("xpath", "xpath:light"):
        _check_xpath(body)
    elif p.name == "internal:control" and body not in _CONTROL:
        raise Invalid(f"unknown internal:control={body}")
    elif p.name == "aria-template":
        try:
            json.loads(body, parse_constant=_no_constant)
        except ValueError:
            raise Invalid(f"aria-template= needs JSON, found {body!r}") from None
    elif p.name in ("text", "internal:text", "internal:label", "internal:has-text", "internal:has-not-text"):
        _check_text_regex(body)


_XPATH_HINT = "XPath 1.0 that selects elements, e.g. xpath=//button[@type='submit']"
_EMPTY_PAGE = etree.fromstring("<html><body/></html>")


# XPath 1.0's function library and node tests: all a browser's document.evaluate knows. libxml2 knows
# more (and resolves names only when a call is reached), so names are checked here.
XPATH_FUNCTIONS = frozenset((
    "last", "position", "count", "id", "local-name", "namespace-uri", "name", "string", "concat", "starts-with",
    "contains", "substring-before", "substring-after", "substring", "string-length", "normalize-space",
    "translate", "boolean", "not", "true", "false", "lang", "number", "sum", "floor", "ceiling", "round",
    "node", "text", "comment", "processing-instruction"))
_XPATH_CALL = re.compile(r"(?<![\w.:-])([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(")
_XPATH_OPERATORS = frozenset(("and", "or", "div", "mod"))


def _check_xpath(body: str) -> None:
    """Compiled, then run on an empty page: that is where an undeclared namespace prefix or a variable
    fails, and where a number or a string comes back instead of elements."""
    unquoted = re.sub(r"\"[^\"]*\"|'[^']*'", "''", body)
    for m in _XPATH_CALL.finditer(unquoted):
        if m.group(1) not in XPATH_FUNCTIONS and m.group(1) not in _XPATH_OPERATORS:
            raise Invalid(f"XPath {body!r} calls {m.group(1)}(), which browsers do not have (XPath 1.0)",
                          _XPATH_HINT)
    try:
        result = etree.XPath(body)(_EMPTY_PAGE)
    except etree.XPathSyntaxError as exc:
        raise Invalid(f"invalid XPath {body!r}: {exc}", _XPATH_HINT) from None
    except etree.XPathError as exc:  # evaluation: unregistered function, undefined prefix or variable
        raise Invalid(f"invalid XPath {body!r}: {exc}", _XPATH_HINT) from None
    if not isinstance(result, list):
        raise Invalid(f"XPath {body!r} gives a {type(result).__name__}, not elements", _XPATH_HINT)


def _check_text_regex(body: str) -> None:
    """``text=/re/flags`` (createTextMatcher): a JavaScript RegExp."""
    last = body.rfind("/")
    if body.startswith("/") and last > 0:
        check_regex(body[1:last], body[last + 1:], body)
