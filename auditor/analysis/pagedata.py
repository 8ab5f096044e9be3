"""What the element table does not hold, read from the stage's DOM with lxml: JSON-LD, microdata,
``<meta>``, script/stylesheet URLs, and the way back from a DOM node to its row in the table.

collect.js skips ``script``/``meta``/``link`` and most ``data-*`` attributes, so structured data and
third-party hosts come from the serialized DOM. ``selector_of`` rebuilds collect.js's selector for a
node (unique id, else ``parent > tag:nth-of-type(n)``) so a DOM hit can point at a boxed element.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

from ..model import Element, StageCapture

_SAFE_ID = re.compile(r"^[A-Za-z_][\w-]*$", re.ASCII)


def _is_element(node) -> bool:
    return isinstance(node.tag, str)


def _id_counts(tree) -> dict[str, int]:
    counts: dict[str, int] = {}
    for el in tree.iter():
        if _is_element(el) and el.get("id"):
            counts[el.get("id")] = counts.get(el.get("id"), 0) + 1
    return counts


def selector_of(node, ids: dict[str, int] | None = None) -> str:
    """collect.js's selector for an lxml node (same id rule, same nth-of-type path)."""
    ids = ids if ids is not None else _id_counts(node.getroottree().getroot())
    parts: list[str] = []
    el = node
    while el is not None and el.getparent() is not None:
        ident = el.get("id")
        if ident and ids.get(ident) == 1:
            if _SAFE_ID.match(ident):
                parts.append("#" + ident)
            else:
                parts.append('[id="%s"]' % re.sub(r'(["\\])', r"\\\1", ident))
            return " > ".join(reversed(parts))
        tag = el.tag.lower()
        n = 1 + sum(1 for s in el.itersiblings(preceding=True) if _is_element(s) and s.tag.lower() == tag)
        parts.append(f"{'*' if ':' in tag else tag}:nth-of-type({n})")
        el = el.getparent()
    parts.append("html")
    return " > ".join(reversed(parts))


_SKIPPED = {"script", "style", "noscript", "template", "head", "meta", "link", "title", "br", "wbr"}


def nodes_by_selector(tree) -> dict[str, Any]:
    """Every DOM node under collect.js's selector for it, built top-down in one pass (the way collect.js
    walks the page: SKIP tags are counted for :nth-of-type but not entered, an <svg> is not entered)."""
    ids = _id_counts(tree)
    out: dict[str, Any] = {}
    stack = [(tree, "html")]
    while stack:
        parent, parent_sel = stack.pop()
        counts: dict[str, int] = {}
        for node in parent:
            if not _is_element(node):
                continue
            tag = node.tag.lower()
            counts[tag] = n = counts.get(tag, 0) + 1
            if tag in _SKIPPED:
                continue
            ident = node.get("id")
            if ident and ids.get(ident) == 1:
                sel = "#" + ident if _SAFE_ID.match(ident) else '[id="%s"]' % re.sub(r'(["\\])', r"\\\1", ident)
            else:
                sel = f"{parent_sel} > {'*' if ':' in tag else tag}:nth-of-type({n})"
            out[sel] = node
            if tag != "svg":
                stack.append((node, sel))
    return out


class PageIndex:
    """The element table by selector, and lxml nodes mapped onto it (nearest tabled ancestor)."""

    def __init__(self, stage: StageCapture, tree):
        self.stage = stage
        self.tree = tree
        self.by_selector = {e.selector: e for e in stage.elements}
        self._ids: dict[str, int] | None = None

    def element_for(self, node) -> Element | None:
        if self._ids is None:
            self._ids = _id_counts(self.tree)
        el = node
        while el is not None and _is_element(el):
            hit = self.by_selector.get(selector_of(el, self._ids))
            if hit is not None:
                return hit
            el = el.getparent()
        return None


def json_ld(tree) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, flattened (``@graph``, lists, nested values included)."""
    out: list[dict[str, Any]] = []

    def walk(value: Any, depth: int = 0) -> None:
        if depth > 12:
            return
        if isinstance(value, list):
            for v in value:
                walk(v, depth + 1)
        elif isinstance(value, dict):
            out.append(value)
            for v in value.values():
                if isinstance(v, (list, dict)):
                    walk(v, depth + 1)

    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            walk(json.loads(script.text or ""))
        except (ValueError, RecursionError):
            continue  # a broken block on a shop page is common and not ours to report
    return out


def types_of(node: dict[str, Any]) -> set[str]:
    t = node.get("@type", ())
    names = [t] if isinstance(t, str) else list(t) if isinstance(t, list) else []
    return {str(n).rsplit("/", 1)[-1] for n in names}


def microdata(tree, prop: str) -> Iterator[Any]:
    """Nodes carrying ``itemprop=prop`` (a space-separated list may hold several props)."""
    for el in tree.iter():
        if _is_element(el) and prop in (el.get("itemprop") or "").split():
            yield el


def itemtypes(tree) -> Iterator[tuple[Any, str]]:
    for el in tree.iter():
        if _is_element(el) and el.get("itemtype"):
            yield el, el.get("itemtype").rsplit("/", 1)[-1]


def meta_content(tree, *names: str) -> str:
    for el in tree.iter("meta"):
        if (el.get("property") or el.get("name") or "") in names and el.get("content"):
            return el.get("content")
    return ""


def resource_urls(tree) -> Iterator[tuple[Any, str, str]]:
    """(node, attribute, url) for everything the page loads or submits to."""
    wanted = {"script": ("src",), "img": ("src",), "iframe": ("src",), "link": ("href",), "source": ("src",),
              "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
              "form": ("action",), "input": ("src",)}
    for el in tree.iter(*wanted):
        for attr in wanted[el.tag]:
            url = (el.get(attr) or "").strip()
            if url:
                yield el, attr, url
