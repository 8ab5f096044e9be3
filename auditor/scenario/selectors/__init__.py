"""Is this a selector Playwright can use? Decided when the scenario is loaded, without a browser.

A selector Playwright cannot parse fails the step that uses it, and the run used to exit 3, "the site could
not be audited", for a typo in the scenario. ``selector_problem`` answers the question up front, so the loader
can say ``file:line: key: …`` and exit 2.

It follows Playwright's own parser (``selectorParser.ts``, ``cssParser.ts``) and its engines' checks:
``>>`` chains and engine names (``css=``, ``text=``, ``role=``, ``xpath=``, ``id=``, ``data-testid=``, ``nth=``,
``visible=``, ``internal:…``), Playwright's CSS extensions (``:has-text()``, ``:text()``, ``:visible``,
``:nth-match()``, ``:left-of()``…) and their arguments, ``role=`` attributes, plus what the browser's own CSS
parser refuses in the plain CSS that Playwright hands to it (attribute selectors, ``#1`` IDs, a type selector
after a class, ``:nth-child()`` arguments). XPath is compiled with libxml2 (XPath 1.0, like the browser's).

Deliberately *not* rejected, because the wrong refusal is worse than a late failure (a valid selector could
not be used at all): pseudo-class names (Chromium adds new ones: ``:user-invalid``, ``:open``…), JavaScript
regular expressions inside ``text=/…/`` or ``[name=/…/]`` (only their flags are checked), and XPath function
names. tests/hardening/test_scenario_mistakes.py compares every verdict with Playwright itself.
"""
from __future__ import annotations

from .chain import check_selector
from .common import HINT, Invalid

__all__ = ["selector_problem"]


def selector_problem(selector: str) -> tuple[str, str] | None:
    """None when Playwright can use ``selector``, else (what is wrong, a hint)."""
    try:
        check_selector(selector)
    except Invalid as exc:
        return exc.message, exc.hint
    except RecursionError:
        return "selector nests too deeply", HINT
    return None
