"""CSS tokens as Playwright's selector parser sees them (CSS Syntax Level 3, §4).

A port of Playwright's ``cssTokenizer.ts`` (itself Tab Atkins' parse-css), reduced to what deciding
whether a selector parses needs: token types, values, whether a hash is an id, and where each token
sits in the text. Comments are skipped; nothing here raises on any input.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

EOF = ""  # what ``_Reader.peek`` returns past the end
_MAX_CODEPOINT = 0x10FFFF


@dataclass(frozen=True, slots=True)
class Token:
    type: str  # ws ident function at-keyword hash string bad-string url bad-url delim number percentage
    # dimension ~= |= ^= $= *= || cdo cdc : ; , [ ] ( ) { } eof
    value: str = ""  # ident/function/hash/string name (escapes resolved), a delim's character, a number's text
    start: int = 0  # offsets into the preprocessed text
    end: int = 0
    id_hash: bool = False  # a hash that would start an identifier: usable as an ID selector
    unit: str = ""  # a dimension's unit


def _digit(c: str) -> bool:
    return "0" <= c <= "9"


def _hex(c: str) -> bool:
    return bool(c) and (_digit(c) or "a" <= c.lower() <= "f")


def _name_start(c: str) -> bool:
    return bool(c) and ((c.isascii() and (c.isalpha() or c == "_")) or ord(c) >= 0x80)


def _name_char(c: str) -> bool:
    return _name_start(c) or _digit(c) or c == "-"


def _newline(c: str) -> bool:
    return c == "\n"


def _space(c: str) -> bool:
    return c in ("\n", "\t", " ")


def _nonprintable(c: str) -> bool:
    return bool(c) and (ord(c) <= 8 or ord(c) == 11 or 14 <= ord(c) <= 31 or ord(c) == 127)


def _valid_escape(c1: str, c2: str) -> bool:
    return c1 == "\\" and not _newline(c2)


def _starts_ident(c1: str, c2: str, c3: str) -> bool:
    if c1 == "-":
        return _name_start(c2) or c2 == "-" or _valid_escape(c2, c3)
    if _name_start(c1):
        return True
    return c1 == "\\" and _valid_escape(c1, c2)


def _starts_number(c1: str, c2: str, c3: str) -> bool:
    if c1 in ("+", "-"):
        return _digit(c2) or (c2 == "." and _digit(c3))
    if c1 == ".":
        return _digit(c2)
    return _digit(c1)


def preprocess(text: str) -> str:
    """CR LF, CR and FF become LF; NUL becomes U+FFFD (CSS Syntax §3.3)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\0", "\ufffd")


_SIMPLE = {"(": "(", ")": ")", ",": ",", ":": ":", ";": ";", "[": "[", "]": "]", "{": "{", "}": "}"}
_MATCH = {"$": "$=", "*": "*=", "^": "^=", "~": "~=", "|": "|="}


class _Reader:
    def __init__(self, text: str):
        self.s = text
        self.i = 0  # index of the next code point

    def peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.s[j] if j < len(self.s) else EOF

    def take(self) -> str:
        c = self.peek()
        self.i += 1
        return c

    # -- CSS Syntax §4.3 ------------------------------------------------------------------------
    def token(self) -> Token:
        self.comments()
        start = self.i
        c = self.take()
        if c == EOF:
            return Token("eof", start=start, end=start)
        special = self._SPECIAL.get(c)
        tok = special(self, c, start) if special else None
        if tok is None and c in _SIMPLE:
            tok = Token(_SIMPLE[c], c, start, self.i)
        if tok is not None:
            return tok
        if _digit(c) or _name_start(c):
            self.i -= 1
            return self.numeric(start) if _digit(c) else self.identlike(start)
        return Token("delim", c, start, self.i)

    def _space_run(self, _c: str, start: int) -> Token | None:
        while _space(self.peek()):
            self.i += 1
        return Token("ws", " ", start, self.i)

    def _matcher(self, c: str, start: int) -> Token | None:  # $= *= ^= ~= |= ||
        if self.peek() == "=" or (c == "|" and self.peek() == "|"):
            self.i += 1
            return Token(_MATCH[c] if self.s[self.i - 1] == "=" else "||", start=start, end=self.i)
        return None

    # Each returns None where the character is only a delim.
    def _quote(self, c: str, start: int) -> Token | None:
        return self.string(c, start)

    def _hash(self, _c: str, start: int) -> Token | None:
        if _name_char(self.peek()) or _valid_escape(self.peek(), self.peek(1)):
            is_id = _starts_ident(self.peek(), self.peek(1), self.peek(2))
            return Token("hash", self.name(), start, self.i, id_hash=is_id)
        return None

    def _number_sign(self, c: str, start: int) -> Token | None:  # + . -
        if _starts_number(c, self.peek(), self.peek(1)):
            self.i -= 1
            return self.numeric(start)
        if c != "-":
            return None
        if self.peek() == "-" and self.peek(1) == ">":
            self.i += 2
            return Token("cdc", start=start, end=self.i)
        if _starts_ident(c, self.peek(), self.peek(1)):
            self.i -= 1
            return self.identlike(start)
        return None

    def _less(self, _c: str, start: int) -> Token | None:
        if self.peek() == "!" and self.peek(1) == "-" and self.peek(2) == "-":
            self.i += 3
            return Token("cdo", start=start, end=self.i)
        return None

    def _at(self, _c: str, start: int) -> Token | None:
        if _starts_ident(self.peek(), self.peek(1), self.peek(2)):
            return Token("at-keyword", self.name(), start, self.i)
        return None

    def _backslash(self, c: str, start: int) -> Token | None:
        if _valid_escape(c, self.peek()):
            self.i -= 1
            return self.identlike(start)
        return None

    _SPECIAL: ClassVar[dict[str, Callable[[_Reader, str, int], Token | None]]] = {
        '"': _quote, "'": _quote, "#": _hash, "+": _number_sign, ".": _number_sign, "-": _number_sign,
        "<": _less, "@": _at, "\\": _backslash, " ": _space_run, "\t": _space_run, "\n": _space_run,
        **dict.fromkeys(_MATCH, _matcher)}

    def comments(self) -> None:
        while self.peek() == "/" and self.peek(1) == "*":
            end = self.s.find("*/", self.i + 2)
            self.i = len(self.s) if end < 0 else end + 2

    def escape(self) -> str:
        """After a backslash: the escaped code point (§4.3.7)."""
        c = self.take()
        if _hex(c):
            digits = c
            while len(digits) < 6 and _hex(self.peek()):
                digits += self.take()
            if _space(self.peek()):
                self.i += 1
            value = int(digits, 16)
            if value == 0 or value > _MAX_CODEPOINT or 0xD800 <= value <= 0xDFFF:
                return "\ufffd"
            return chr(value)
        return "\ufffd" if c == EOF else c

    def name(self) -> str:
        out = []
        while True:
            c = self.peek()
            if _name_char(c):
                out.append(self.take())
            elif _valid_escape(c, self.peek(1)):
                self.i += 1
                out.append(self.escape())
            else:
                return "".join(out)

    def number(self) -> str:
        start = self.i
        if self.peek() in ("+", "-"):
            self.i += 1
        while _digit(self.peek()):
            self.i += 1
        if self.peek() == "." and _digit(self.peek(1)):
            self.i += 2
            while _digit(self.peek()):
                self.i += 1
        if self.peek() in ("e", "E") and (_digit(self.peek(1)) or (self.peek(1) in "+-" and _digit(self.peek(2)))):
            self.i += 2
            while _digit(self.peek()):
                self.i += 1
        return self.s[start:self.i]

    def numeric(self, start: int) -> Token:
        num = self.number()
        if _starts_ident(self.peek(), self.peek(1), self.peek(2)):
            unit = self.name()
            return Token("dimension", num, start, self.i, unit=unit)
        if self.peek() == "%":
            self.i += 1
            return Token("percentage", num, start, self.i)
        return Token("number", num, start, self.i)

    def identlike(self, start: int) -> Token:
        name = self.name()
        if name.lower() == "url" and self.peek() == "(":
            self.i += 1
            while _space(self.peek()) and _space(self.peek(1)):
                self.i += 1
            if self.peek() in ('"', "'") or (_space(self.peek()) and self.peek(1) in ('"', "'")):
                return Token("function", name, start, self.i)
            return self.url(start)
        if self.peek() == "(":
            self.i += 1
            return Token("function", name, start, self.i)
        return Token("ident", name, start, self.i)

    def string(self, quote: str, start: int) -> Token:
        out: list[str] = []
        while True:
            c = self.take()
            if c in (quote, EOF):
                return Token("string", "".join(out), start, self.i)
            if _newline(c):
                self.i -= 1
                return Token("bad-string", start=start, end=self.i)
            if c == "\\":
                if self.peek() == EOF:
                    continue
                if _newline(self.peek()):
                    self.i += 1
                else:
                    out.append(self.escape())
            else:
                out.append(c)

    def url(self, start: int) -> Token:
        while _space(self.peek()):
            self.i += 1
        while True:
            c = self.take()
            if c in (")", EOF):
                return Token("url", start=start, end=self.i)
            if _space(c):
                while _space(self.peek()):
                    self.i += 1
                if self.peek() in (")", EOF):
                    self.i += 1
                    return Token("url", start=start, end=self.i)
                return self.bad_url(start)
            if c in ('"', "'", "(") or _nonprintable(c) or (c == "\\" and not _valid_escape(c, self.peek())):
                return self.bad_url(start)
            if c == "\\":
                self.escape()

    def bad_url(self, start: int) -> Token:
        while True:
            c = self.take()
            if c in (")", EOF):
                return Token("bad-url", start=start, end=self.i)
            if _valid_escape(c, self.peek()):
                self.escape()


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` (preprocessed), ending with one ``eof`` token."""
    reader = _Reader(preprocess(text))
    out: list[Token] = []
    while True:
        tok = reader.token()
        out.append(tok)
        if tok.type == "eof":
            return out
