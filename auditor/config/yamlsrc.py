"""YAML that remembers where everything was written, and the checks every config file needs.

``yaml.safe_load`` forgets line numbers, keeps the last of two duplicate keys without a word and
expands aliases without bound. Config errors are only useful when they point at ``file:line``
and the dotted key (``steps[2].actions[0].fill.value``), so files are *composed* instead and
turned into a small ``Node`` tree. ``Source`` then checks that tree piece by piece, collecting
every problem, and ``Source.check()`` raises the first one in file order. The scenario loader
and the policy loader share it, each with its own key table and error class.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from ..errors import ConfigError

MAX_BYTES = 256 * 1024  # a scenario or policy is a few KB; a bigger file is a mistake or an attack
MAX_DEPTH = 40
_YAML_TYPES = {"map", "seq", "str", "int", "float", "bool", "null", "timestamp", "binary"}
_TAG_PREFIX = "tag:yaml.org,2002:"
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


@dataclass(eq=False, slots=True)
class Node:
    """A YAML value with its position. ``value`` is ``dict[str, Node]`` for a mapping,
    ``list[Node]`` for a list, else the plain Python scalar (str, int, float, bool, None, date)."""

    value: Any
    line: int  # 1-based
    column: int = 1
    kind: str = "scalar"  # map | seq | scalar
    raw: str = ""  # a scalar as written, without quotes: ``0123`` stays "0123", not 83
    key_lines: dict[str, int] = field(default_factory=dict)

    def get(self, key: str) -> "Node | None":
        return self.value.get(key) if self.kind == "map" else None

    def plain(self) -> Any:
        """Back to plain Python data (for parts validated elsewhere, such as an inline policy)."""
        if self.kind == "map":
            return {k: v.plain() for k, v in self.value.items()}
        if self.kind == "seq":
            return [v.plain() for v in self.value]
        return self.value

    def describe(self) -> str:
        """What was found, for "expected X, found Y" messages."""
        if self.kind == "map":
            return "a mapping"
        if self.kind == "seq":
            return "a list"
        v = self.value
        if v is None:
            return "nothing"
        if isinstance(v, bool):
            return f"a boolean ({self.raw})"
        if isinstance(v, (int, float)):
            return f"a number ({self.raw})"
        if isinstance(v, str):
            return f"a string ({short(v)!r})"
        if isinstance(v, bytes):
            return "binary data"
        return f"a date ({self.raw})"


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def join(path: str, key: str | int) -> str:
    """Dotted key path: join("steps[2]", "actions") → "steps[2].actions"; ints index lists, and
    a key that is not a plain name is quoted (``steps[0]['a: b']``) so a path stays one line."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not _PLAIN_KEY.match(key):
        return f"{path}[{short(key)!r}]"
    return f"{path}.{key}" if path else key


def suggest(word: str, choices: Iterable[str], what: str = "valid keys") -> str:
    """"did you mean 'fill'?" for a near miss, else the list of valid names."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    if close:
        return f"did you mean {close[0]!r}?"
    return f"{what}: {', '.join(choices)}"


class _Loader(yaml.SafeLoader):
    """Refuses aliases: a shared node would make the checks walk it once per use, which is
    how a ten-line "billion laughs" file becomes billions of values."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not supported: write the value out in full",
                event.start_mark)
        return super().compose_node(parent, index)


_SYNTAX_HINTS = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "quote values that contain ': ', e.g. label: \"Step: cart\""),
    ("found character '@'", "quote values that start with @ or `"),
    ("found character '`'", "quote values that start with @ or `"),
    ("found undefined tag handle", "quote values that start with !"),
    ("did not find expected key", "check the indentation of this line and the one above"),
    ("but found another document", "a file holds one document: remove the extra '---'"),
)


class Source:
    """One config file being checked. Every check records a problem and returns a default, so
    the whole file is checked and ``check()`` can raise the problem that comes first."""

    def __init__(self, path: str | os.PathLike, error: type[ConfigError] = ConfigError):
        self.path = os.fspath(path)
        self.error = error
        self.problems: list[ConfigError] = []

    # --- reporting -------------------------------------------------------------------------

    def make(self, message: str, line: int | None = None, key: str | None = None,
             hint: str | None = None) -> ConfigError:
        return self.error(message, path=self.path, line=line, key=key or None, hint=hint)

    def fail(self, at: Node | int | None, key: str, message: str, hint: str | None = None) -> None:
        line = at.line if isinstance(at, Node) else at
        self.problems.append(self.make(message, line, key, hint))

    def check(self) -> None:
        """Raise the first recorded problem in file order (problems without a line, such as a
        bad command-line value, come first); every problem is on its ``problems`` attribute."""
        if not self.problems:
            return
        ordered = sorted(self.problems, key=lambda e: e.line or 0)  # stable: discovery order on ties
        first = ordered[0]
        first.problems = tuple(ordered)
        raise first

    def checkpoint(self) -> int:
        """Count of problems so far: lets a caller skip a cross-check whose inputs were bad."""
        return len(self.problems)

    # --- reading and parsing ---------------------------------------------------------------

    def read(self, max_bytes: int = MAX_BYTES) -> str:
        p = Path(self.path)
        try:
            if p.is_dir():
                found = sorted(q.name for q in p.iterdir() if q.suffix in (".yaml", ".yml"))[:3]
                hint = f"did you mean {os.path.join(self.path, found[0])!r}?" if found else None
                raise self.make("is a directory, not a YAML file", hint=hint)
            size = p.stat().st_size
            if size > max_bytes:
                raise self.make(f"file is too large ({size} bytes; the limit is {max_bytes})")
            data = p.read_bytes()
        except FileNotFoundError:
            raise self.make("file not found", hint=f"paths are relative to {os.getcwd()}") from None
        except PermissionError:
            raise self.make("cannot read the file: permission denied") from None
        except OSError as e:
            raise self.make(f"cannot read the file: {e.strerror or e}") from None
        return self.decode(data)

    def decode(self, data: bytes) -> str:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise self.make("file is UTF-16 encoded", hint="save it as UTF-8")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
            raise self.make(f"file is not valid UTF-8 (byte 0x{data[e.start]:02x} at column {col})",
                            line, hint="save it as UTF-8") from None

    def parse(self, text: str, *, empty_hint: str | None = None) -> Node:
        """Compose ``text`` into a mapping ``Node``. Syntax errors, an empty document and a
        top level that is not a mapping raise at once; duplicate keys and unsupported tags are
        recorded as problems."""
        if len(text) > MAX_BYTES * 4:
            raise self.make(f"text is too large ({len(text)} characters)")
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as e:
            raise self._syntax(e) from None
        except yaml.reader.ReaderError as e:
            line = text[: e.position].count("\n") + 1
            raise self.make(f"invalid YAML: character #x{e.character:04x} is not allowed", line,
                            hint="remove control characters from the file") from None
        except yaml.YAMLError as e:  # pragma: no cover - every PyYAML error we know is marked
            raise self.make(f"invalid YAML: {e}") from None
        except RecursionError:
            raise self.make(f"invalid YAML: nested too deeply (the limit is {MAX_DEPTH} levels)") from None
        if node is None:
            raise self.make("file is empty", hint=empty_hint)
        tree = self._tree(node, "", 0)
        if tree.kind != "map":
            raise self.make(f"expected a mapping of keys at the top level, found {tree.describe()}",
                            tree.line, hint=empty_hint)
        return tree

    def _syntax(self, e: yaml.MarkedYAMLError) -> ConfigError:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "invalid YAML"
        message = f"invalid YAML: {problem}"
        if mark is not None:
            message += f" (column {mark.column + 1})"
        if e.context and e.problem and e.context_mark is not None and e.context_mark is not mark:
            message += f", {e.context} that starts at line {e.context_mark.line + 1}"
        hint = next((h for needle, h in _SYNTAX_HINTS if needle in message), None)
        return self.make(message, mark.line + 1 if mark else None, hint=hint)

    def _tree(self, node: yaml.Node, path: str, depth: int) -> Node:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if depth > MAX_DEPTH:
            raise self.make(f"nested too deeply (the limit is {MAX_DEPTH} levels)", line, path)
        tag = node.tag[len(_TAG_PREFIX):] if node.tag.startswith(_TAG_PREFIX) else node.tag
        if tag not in _YAML_TYPES:
            self.fail(line, path, f"unsupported YAML tag {short(node.tag)!r}", hint="remove the tag")
            return Node(None, line, col)
        if isinstance(node, yaml.MappingNode):
            out = Node({}, line, col, "map")
            for key_node, value_node in node.value:
                kline = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    self.fail(kline, path, "a key must be a plain name, not a list or mapping")
                    continue
                key = key_node.value
                if key in out.value:
                    self.fail(kline, join(path, key),
                              f"duplicate key {short(key)!r} (first written at line {out.key_lines[key]})",
                              hint="a key may appear once per mapping")
                    continue
                out.key_lines[key] = kline
                out.value[key] = self._tree(value_node, join(path, key), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return Node([self._tree(v, join(path, i), depth + 1) for i, v in enumerate(node.value)],
                        line, col, "seq")
        try:
            value = yaml.constructor.SafeConstructor().construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            self.fail(line, path, f"{short(node.value)!r} is not a valid {tag}")
            value = None
        return Node(value, line, col, "scalar", node.value)

    # --- checks: each records a problem and returns a default when the value is wrong -----

    def _wrong(self, node: Node, key: str, expected: str, hint: str | None = None) -> None:
        self.fail(node, key, f"expected {expected}, found {node.describe()}", hint)

    def mapping(self, node: Node | None, key: str, table: Mapping[str, Any] | None = None, *,
                required: Iterable[str] = (), hint: str | None = None) -> dict[str, Node] | None:
        """A mapping whose keys must be in ``table`` (any keys when None). Missing required
        keys are reported at the mapping; unknown keys at their own line, with a suggestion.
        Entries of ``table`` may have an ``example`` attribute, used in the hint."""
        if node is None:
            return None
        if node.kind != "map":
            self._wrong(node, key, "a mapping", hint)
            return None
        misspelled = set()
        if table is not None:
            for name in node.value:
                if name not in table:
                    hint = suggest(name, table)
                    self.fail(node.key_lines[name], join(key, name), f"unknown key {short(name)!r}", hint)
                    misspelled.add(hint)
        for name in required:
            # "unknown key 'actoins' (did you mean 'actions'?)" already says it all
            if name not in node.value and f"did you mean {name!r}?" not in misspelled:
                example = getattr(table.get(name) if table else None, "example", None)
                self.fail(node, key, f"missing required key {name!r}",
                          f"add it, e.g. {example}" if example else None)
        return {k: v for k, v in node.value.items() if table is None or k in table}

    def sequence(self, node: Node | None, key: str, *, allow_empty: bool = True,
                 hint: str | None = None) -> list[Node] | None:
        if node is None:
            return None
        if node.kind != "seq":
            self._wrong(node, key, "a list", hint)
            return None
        if not node.value and not allow_empty:
            self.fail(node, key, "expected a non-empty list, found an empty list", hint)
            return None
        return node.value

    def string(self, node: Node | None, key: str, default: str | None = None, *,
               allow_empty: bool = False, hint: str | None = None) -> str | None:
        """A string written as one. ``42`` or ``true`` are not strings here: the hint says quote."""
        if node is None:
            return default
        if not isinstance(node.value, str) or node.kind != "scalar":
            if node.kind == "scalar" and node.value is not None and not isinstance(node.value, bytes):
                hint = hint or f'quote it: "{short(node.raw)}"'
            self._wrong(node, key, "a string", hint)
            return default
        if not allow_empty and not node.value.strip():
            self._wrong(node, key, "a non-empty string", hint)
            return default
        return node.value

    def text(self, node: Node | None, key: str, default: str | None = None, *,
             hint: str | None = None) -> str | None:
        """Any scalar, taken as written: for values typed into a page (``qty: 2``, ``zip: 02134``)."""
        if node is None:
            return default
        if node.kind != "scalar" or node.value is None or isinstance(node.value, bytes):
            self._wrong(node, key, "a text value", hint or 'write "" for an empty value')
            return default
        return node.value if isinstance(node.value, str) else node.raw

    def integer(self, node: Node | None, key: str, default: int | None, *, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        if node is None:
            return default
        v = node.value
        if node.kind != "scalar" or isinstance(v, bool) or not isinstance(v, int):
            self._wrong(node, key, _int_expectation(minimum, maximum))
            return default
        if (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
            self._wrong(node, key, _int_expectation(minimum, maximum))
            return default
        return v

    def number(self, node: Node | None, key: str, default: float, *, minimum: float = 0.0,
               maximum: float | None = None) -> float:
        if node is None:
            return default
        v = node.value
        ok = node.kind == "scalar" and isinstance(v, (int, float)) and not isinstance(v, bool)
        if not ok or not (minimum < v and (maximum is None or v <= maximum)):
            top = f" and at most {maximum:g}" if maximum is not None else ""
            self._wrong(node, key, f"a number greater than {minimum:g}{top}")
            return default
        return float(v)

    def read_number(self, node: Node, key: str, *, integer: bool = False, minimum: float = 0.0,
                    maximum: float | None = None, nullable: bool = False) -> float | None:
        """A policy number: ``minimum`` ≤ it (≤ ``maximum``), a whole one when ``integer``, null when
        ``nullable``. None (and a problem recorded unless it was a null allowed) when it is not."""
        v = node.value
        if nullable and node.kind == "scalar" and v is None:
            return None
        ok = node.kind == "scalar" and isinstance(v, (int, float)) and not isinstance(v, bool)
        ok = ok and (not integer or isinstance(v, int)) and v >= minimum and (maximum is None or v <= maximum)
        if not ok:
            what = "a whole number" if integer else "a number"
            top = f" and ≤ {maximum:g}" if maximum is not None else ""
            self.fail(node, key, f"expected {what} ≥ {minimum:g}{top}{' or null' if nullable else ''}, "
                                 f"found {node.describe()}")
            return None
        return v

    def boolean(self, node: Node | None, key: str, default: bool) -> bool:
        if node is None:
            return default
        if node.kind != "scalar" or not isinstance(node.value, bool):
            hint = "remove the quotes" if node.value in ("true", "false") else None
            self._wrong(node, key, "true or false", hint)
            return default
        return node.value

    def choice(self, node: Node | None, key: str, choices: Iterable[str], default: str) -> str:
        choices = tuple(choices)
        if node is None:
            return default
        value = node.value if node.kind == "scalar" else None
        if value not in choices or not isinstance(value, str):
            word = value if isinstance(value, str) else node.raw
            self._wrong(node, key, " or ".join(repr(c) for c in choices),
                        suggest(word, choices, "valid values") if word else None)
            return default
        return value


def _int_expectation(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer from {minimum} to {maximum}"
    if minimum is not None:
        return f"an integer ≥ {minimum}"
    return "an integer"

