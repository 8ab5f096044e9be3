"""The one mapping from scenario actions to Playwright calls.

    goto: /cart                                    page.goto(base_url + "/cart")
    click: "text=Checkout"                         page.click(selector)
    fill: {selector: "#email", value: "a@b.c"}     page.fill(selector, value)
    select: {selector: "#country", value: "US"}    page.select_option(selector, value|label)
    check / uncheck: "#terms"                      page.check(selector)
    press: {selector: "#q", key: Enter}            page.press(selector, key)   (no selector: keyboard)
    wait_for: ".cart-count"                        page.wait_for_selector(selector)
    hover: "nav .menu"                             page.hover(selector)
    dismiss: "#cookie-accept"                      click when present, never fails
    place_order: "#place-order"                    click, but only when the scenario allows it
"""
from __future__ import annotations

import re
import time
from typing import Callable
from urllib.parse import urljoin

from ..scenario.types import Action

# A click whose target reads like this submits a purchase: treated as place_order even when the
# scenario wrote `click`, so a typo in a scenario cannot place a real order.
FINAL_SUBMIT_RE = re.compile(
    r"place (my |your )?order|complete (my |your )?(order|purchase)|confirm (and pay|order|purchase|payment)"
    r"|submit order|pay now|buy now|order now|pay \$|pay €|pay £|zahlungspflichtig|jetzt kaufen|"
    r"commander et payer|confirmar (pedido|compra)|conferma ordine|bestelling plaatsen|zamawiam",
    re.I)


class SubmitBlocked(Exception):
    """The scenario reached the final purchase without allow_submit: true."""


def _goto(page, action: Action, base_url: str, timeout: float) -> None:
    url = urljoin(base_url.rstrip("/") + "/", action.value or "") if not re.match(r"^[a-z][a-z0-9+.-]*:", action.value or "", re.I) else action.value
    # Up to the response only: the walker waits for the rest of the document and then for the page to
    # settle (walk/settle.py), so a subresource that never answers cannot make the goto fail.
    page.goto(url, timeout=timeout, wait_until="commit")


def _click(page, action: Action, base_url: str, timeout: float) -> None:
    page.click(action.selector, timeout=timeout)


def _fill(page, action: Action, base_url: str, timeout: float) -> None:
    page.fill(action.selector, action.value or "", timeout=timeout)


def _select(page, action: Action, base_url: str, timeout: float) -> None:
    # A value first, then a visible label: scenarios are written by people reading the page.
    try:
        page.select_option(action.selector, value=action.value, timeout=timeout)
    except Exception:
        page.select_option(action.selector, label=action.value, timeout=timeout)


def _check(page, action: Action, base_url: str, timeout: float) -> None:
    page.check(action.selector, timeout=timeout)


def _uncheck(page, action: Action, base_url: str, timeout: float) -> None:
    page.uncheck(action.selector, timeout=timeout)


def _press(page, action: Action, base_url: str, timeout: float) -> None:
    if action.selector:
        page.press(action.selector, action.value or "Enter", timeout=timeout)
    else:
        page.keyboard.press(action.value or "Enter")


def _wait_for(page, action: Action, base_url: str, timeout: float) -> None:
    page.wait_for_selector(action.selector, timeout=timeout, state="visible")


def _hover(page, action: Action, base_url: str, timeout: float) -> None:
    page.hover(action.selector, timeout=timeout)


def _dismiss(page, action: Action, base_url: str, timeout: float) -> None:
    loc = page.locator(action.selector).first
    try:
        loc.wait_for(state="visible", timeout=min(timeout, 1500))
    except Exception:
        return  # nothing to dismiss
    loc.click(timeout=timeout)


ACTIONS: dict[str, Callable] = {
    "goto": _goto, "click": _click, "fill": _fill, "select": _select, "check": _check,
    "uncheck": _uncheck, "press": _press, "wait_for": _wait_for, "hover": _hover,
    "dismiss": _dismiss, "place_order": _click,
}

# An optional action acts only on an element that is on the page when it runs: waiting for one
# that will never come would make every clean run pay for the frictions it does not have. A
# scenario that needs to wait for a late element says so with timeout_ms. This is only the slack
# given to the watchdog around such a check.
OPTIONAL_WAIT_MS = 1200


# What a click, a dismiss or an Enter would submit: the control's own words and, for Enter, the words of
# the submit buttons of its form (Enter in a card field submits the payment form).
_SUBMIT_WORDS_JS = """(el, enter) => {
  const words = (b) => [b.innerText || "", b.value || "", b.getAttribute("aria-label") || "", b.title || ""].join(" ");
  const out = [words(el)];
  const form = enter ? (el.form || (el.closest && el.closest("form"))) : null;
  if (form) {
    for (const b of form.querySelectorAll("button, input[type=submit], input[type=image]")) out.push(words(b));
    if (form.id) for (const b of document.querySelectorAll('[form="' + CSS.escape(form.id) + '"]')) out.push(words(b));
  }
  return out.join(" | ");
}"""
SUBMIT_KINDS = ("click", "press", "dismiss", "place_order")


def is_final_submit(page, action: Action, timeout_ms: float = 500) -> bool:
    """Would this action place the order? ``place_order`` always; a click or dismiss on a control that
    reads like FINAL_SUBMIT_RE; Enter in a form whose submit button does. The walker waits for the
    element first, so a button that arrives with the next page is judged too, not skipped."""
    if action.kind == "place_order":
        return True
    if action.kind not in SUBMIT_KINDS:
        return False
    enter = action.kind == "press" and (action.value or "Enter") in ("Enter", "NumpadEnter")
    if action.kind == "press" and not enter:
        return False
    selector = action.selector or (":focus" if enter else None)
    if not selector:
        return False
    try:
        text = page.locator(selector).first.evaluate(_SUBMIT_WORDS_JS, enter, timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - nothing there (or nothing focused): nothing to submit
        return False
    return bool(FINAL_SUBMIT_RE.search(text or ""))


# Fields whose typed value is secret; collect.js gets the same pattern to keep values out of captures.
SENSITIVE_NAME_RE = re.compile(r"(^|[\s-])cc-|card|cvc|cvv|csc|security.?code|passw|iban|account.?number|ssn", re.I)
_SENSITIVE_JS = """(el, pattern) => {
  if (el.tagName !== "INPUT" && el.tagName !== "TEXTAREA") return false;
  if ((el.getAttribute("type") || "").toLowerCase() === "password") return true;
  const hay = [el.getAttribute("autocomplete"), el.name, el.id, el.getAttribute("data-testid")].join(" ");
  return new RegExp(pattern, "i").test(hay);
}"""


def sensitive_field(page, selector: str) -> bool:
    """Is this a password, card or similar field? When it cannot be told, yes: hiding costs nothing."""
    if SENSITIVE_NAME_RE.search(selector):
        return True
    try:
        return bool(page.locator(selector).first.evaluate(_SENSITIVE_JS, SENSITIVE_NAME_RE.pattern, timeout=1000))
    except Exception:  # noqa: BLE001
        return True


def run_action(page, action: Action, *, base_url: str, timeout_ms: float) -> bool:
    """Run one action. Returns False when an optional action was skipped."""
    timeout = float(action.timeout_ms or timeout_ms)
    if action.optional and action.selector and action.kind not in ("goto", "dismiss"):
        loc = page.locator(action.selector).first
        try:
            if action.timeout_ms:
                loc.wait_for(state="visible", timeout=timeout)
            elif not loc.is_visible():
                return False
        except Exception:  # noqa: BLE001 - absent, detached or an invalid selector: skipped
            return False
    ACTIONS[action.kind](page, action, base_url, timeout)
    return True


def wait_ready(page, timeout_ms: float, ready: str | None = None) -> None:
    """After a step's actions: the navigation they started has loaded, and the ready selector shows."""
    start = time.monotonic()
    page.wait_for_load_state("load", timeout=timeout_ms)
    if ready:
        left = max(1000.0, timeout_ms - (time.monotonic() - start) * 1000)
        page.wait_for_selector(ready, state="visible", timeout=left)
