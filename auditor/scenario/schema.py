"""Every key and action a scenario may use, with a one-line doc and an example.

These tables are what ``load.py`` validates against and what the reference section of
``docs/scenario-format.md`` is generated from (``python -m auditor.scenario.schema
docs/scenario-format.md`` rewrites it; a test fails when the two drift apart).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

from ..model import STAGE_KINDS
from .types import ACTION_KINDS, DEFAULT_DEVICES, Limits, Retry

REQUIRED = None


@dataclass(frozen=True, slots=True)
class Key:
    type: str
    default: str | None  # REQUIRED (None) when the key must be written
    doc: str
    example: str


@dataclass(frozen=True, slots=True)
class ActionSpec:
    short: str | None  # what a plain string means ("selector", "URL", "key"); None: mapping only
    keys: tuple[str, ...] | None  # keys of the mapping form besides timeout_ms/optional; None: string only
    required: tuple[str, ...]
    doc: str
    example: str


SCENARIO: dict[str, Key] = {
    "name": Key("string", REQUIRED, "What the journey is, shown in every report.",
                "name: Demo shop — guest checkout"),
    "base_url": Key("http(s) URL", REQUIRED,
                    "Where relative `goto` URLs point. `--base-url`, then `AUDITOR_BASE_URL`, override it; "
                    "required only when neither is given. May use `${ENV}`.",
                    "base_url: http://127.0.0.1:8000"),
    "devices": Key("list of device", "[" + ", ".join(DEFAULT_DEVICES) + "]",
                   "Walk the journey once per device: `desktop`, `mobile`, a Playwright device name, "
                   "or a mapping (see *Devices*).",
                   'devices: [desktop, "Pixel 5"]'),
    "variables": Key("mapping name → text", "{}",
                     "Values for `${name}` in actions; they may use `${ENV}` and `${ENV:-default}`.",
                     'variables: {password: "${SHOP_PASSWORD}"}'),
    "allowed_domains": Key("list of host patterns", "[the base URL's host]",
                           "Hosts the browser may load from; `*.example.com` matches subdomains. "
                           "The base URL's host is always allowed.",
                           'allowed_domains: [shop.example.com, "*.cdn.example.com"]'),
    "allow_submit": Key("boolean", "false", "Let `place_order` really place the order.",
                        "allow_submit: false"),
    "on_error": Key("stop | continue", "stop",
                    "After a failed step: stop the walk, or skip to the next step.", "on_error: stop"),
    "retry": Key("mapping", "see *Retry*", "Retries of transient failures (network, timeouts).",
                 "retry: {attempts: 2}"),
    "limits": Key("mapping", "see *Limits*", "Caps that keep a walk bounded.",
                  "limits: {max_steps: 40}"),
    "policy": Key("mapping", "none", "An inline policy (thresholds, gate); checked by the policy loader.",
                  "policy: {fail_on: major}"),
    "signin": Key("mapping", "none", "Sign in once per device before the journey (see *Sign-in*).",
                  'signin: {actions: [...], signed_in: "text=Sign out"}'),
    "steps": Key("list of step", REQUIRED, "The journey, one step per page or state (see *Steps*).",
                 "steps: [{stage: landing, actions: [{goto: /}]}]"),
}

STEP: dict[str, Key] = {
    "stage": Key("stage kind", REQUIRED,
                 "What the page is: " + ", ".join(STAGE_KINDS) + ", or a custom name (a-z, 0-9, - and _).",
                 "stage: checkout"),
    "name": Key("name", "the stage, de-duplicated (checkout, checkout-2…)",
                "Unique id of the step in reports and baselines.", "name: shipping"),
    "label": Key("string", '""', "A human name for the report.", "label: Shipping address"),
    "ready": Key("selector", "none", "Wait for this element before capturing (single-page shops).",
                 'ready: "#main"'),
    "when": Key("selector", "none", "Run this step only when this element is on the page at its start; "
                "otherwise skip it (noted in the report). For interstitials such as a sign-in wall that "
                "only some versions of a site show.", 'when: "#register-form"'),
    "actions": Key("list of action", REQUIRED, "What the shopper does on this step (see *Actions*).",
                   "actions: [{click: \"a.product-card\"}]"),
}

SIGNIN: dict[str, Key] = {
    "actions": Key("list of action", REQUIRED, "The sign-in, in the same forms as step actions.",
                   'actions: [{goto: /login}, {fill: {selector: "#pw", value: "${password}"}}]'),
    "signed_in": Key("selector", REQUIRED,
                     "Present only when signed in; checked after the sign-in actions.",
                     'signed_in: "text=Sign out"'),
}

_RETRY, _LIMITS = Retry(), Limits()
RETRY: dict[str, Key] = {
    "attempts": Key("integer 1–10", str(_RETRY.attempts), "Tries of a transient failure (1 = no retry).",
                    "attempts: 3"),
    "backoff_ms": Key("integer ≥ 0", str(_RETRY.backoff_ms), "Wait before the first retry, doubled each time.",
                      "backoff_ms: 500"),
    "max_backoff_ms": Key("integer ≥ 0", str(_RETRY.max_backoff_ms), "Longest wait between tries.",
                          "max_backoff_ms: 5000"),
}

LIMITS: dict[str, Key] = {
    "step_timeout_ms": Key("integer ≥ 1", str(_LIMITS.step_timeout_ms),
                           "Default timeout of one action.", "step_timeout_ms: 30000"),
    "run_timeout_ms": Key("integer ≥ 1", str(_LIMITS.run_timeout_ms),
                          "Time budget of a whole walk on one device.", "run_timeout_ms: 300000"),
    "max_steps": Key("integer ≥ 1", str(_LIMITS.max_steps), "Most steps a scenario may have.",
                     "max_steps: 40"),
    "max_dom_bytes": Key("integer ≥ 1", str(_LIMITS.max_dom_bytes),
                         "Larger DOMs are cut when captured (and the cut is reported).",
                         "max_dom_bytes: 3000000"),
    "max_screenshot_height": Key("integer ≥ 1", str(_LIMITS.max_screenshot_height),
                                 "Full-page screenshots stop at this height (CSS px).",
                                 "max_screenshot_height: 12000"),
    "max_elements": Key("integer ≥ 1", str(_LIMITS.max_elements),
                        "Most elements captured per page.", "max_elements: 6000"),
}

DEVICE: dict[str, Key] = {
    "name": Key("string", REQUIRED, "Device name in reports.", "name: small-phone"),
    "width": Key("integer 1–10000", REQUIRED, "Viewport width, CSS px.", "width: 360"),
    "height": Key("integer 1–10000", REQUIRED, "Viewport height, CSS px.", "height: 640"),
    "scale": Key("number > 0", "1", "Device scale factor (device pixels per CSS px).", "scale: 3"),
    "mobile": Key("boolean", "false", "Emulate a mobile browser (meta viewport, no scrollbars).",
                  "mobile: true"),
    "touch": Key("boolean", "false", "Emulate a touch screen.", "touch: true"),
    "user_agent": Key("string", "Chromium's", "User-Agent header and navigator.userAgent.",
                      "user_agent: Mozilla/5.0 (Linux; Android 14) …"),
}

ACTION_OPTIONS: dict[str, Key] = {
    "selector": Key("selector", "see *Actions*", "The element to act on (Playwright selector: CSS, text=, role=…).",
                    'selector: "#email"'),
    "value": Key("text", "see *Actions*", "Text to type (`fill`) or option to pick (`select`); may use `${var}`.",
                 'value: "${email}"'),
    "key": Key("key name", "see *Actions*", "Key to press (`press`), as Playwright names it.", "key: Enter"),
    "timeout_ms": Key("integer ≥ 1", "limits.step_timeout_ms", "Timeout of this action.",
                      "timeout_ms: 5000"),
    "optional": Key("boolean", "false", "A missing element is not a failure: the action runs only when its "
                    "element is on the page at that moment (add `timeout_ms` to wait for one that appears later).",
                    "optional: true"),
}
COMMON_ACTION_KEYS = ("timeout_ms", "optional")

_SEL = ("selector",)
ACTIONS: dict[str, ActionSpec] = {
    "goto": ActionSpec("URL", None, (), "Open a URL, absolute or relative to `base_url`.", "goto: /cart"),
    "click": ActionSpec("selector", _SEL, _SEL, "Click an element.", 'click: "a.product-card"'),
    "fill": ActionSpec(None, ("selector", "value"), ("selector", "value"), "Type into a field.",
                       'fill: {selector: "#email", value: "${email}"}'),
    "select": ActionSpec(None, ("selector", "value"), ("selector", "value"),
                         "Pick an option of a `<select>` by value or label.",
                         'select: {selector: "#country", value: US}'),
    "check": ActionSpec("selector", _SEL, _SEL, "Tick a checkbox or radio button.", 'check: "#terms"'),
    "uncheck": ActionSpec("selector", _SEL, _SEL, "Untick a checkbox.", 'uncheck: "#newsletter"'),
    "press": ActionSpec("key", ("selector", "key"), ("key",),
                        "Press a key on the page, or on an element in the mapping form.",
                        'press: {selector: "#search", key: Enter}'),
    "wait_for": ActionSpec("selector", _SEL, _SEL, "Wait until an element is visible.",
                           'wait_for: ".cart-count"'),
    "hover": ActionSpec("selector", _SEL, _SEL, "Move the pointer over an element.", 'hover: "nav .menu"'),
    "dismiss": ActionSpec("selector", _SEL, _SEL, "Click an element if it is there; never fails.",
                          'dismiss: "#cookie-accept"'),
    "place_order": ActionSpec("selector", _SEL, _SEL,
                              "The final purchase click: runs only when `allow_submit: true`.",
                              'place_order: "#place-order"'),
}
assert tuple(ACTIONS) == ACTION_KINDS, "schema.ACTIONS and types.ACTION_KINDS must list the same actions"

TABLES: dict[str, dict[str, Key]] = {
    "Top level": SCENARIO, "Steps": STEP, "Actions: mapping-form keys": ACTION_OPTIONS,
    "Sign-in": SIGNIN, "Devices": DEVICE, "Retry": RETRY, "Limits": LIMITS,
}

BEGIN = "<!-- BEGIN GENERATED: python -m auditor.scenario.schema docs/scenario-format.md -->"
END = "<!-- END GENERATED -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference_markdown() -> str:
    """The key reference, one table per mapping, generated from the tables above."""
    out = []
    for title, table in TABLES.items():
        out += [f"### {title}", "", "| key | type | default | meaning | example |", "|---|---|---|---|---|"]
        for name, k in table.items():
            default = "**required**" if k.default is None else _cell(k.default)
            out.append(f"| `{name}` | {_cell(k.type)} | {default} | {_cell(k.doc)} | `{_cell(k.example)}` |")
        out.append("")
    out += ["### Actions", "", "Mapping keys marked `?` may be left out.", "", "| action | string form | mapping keys | meaning | example |",
            "|---|---|---|---|---|"]
    for name, a in ACTIONS.items():
        keys = "—" if a.keys is None else ", ".join(
            f"`{k}`" if k in a.required else f"`{k}`?" for k in a.keys + COMMON_ACTION_KEYS)
        out.append(f"| `{name}` | {a.short or '—'} | {keys} | {_cell(a.doc)} | `{_cell(a.example)}` |")
    return "\n".join(out) + "\n"


def sync_doc(text: str) -> str:
    """``text`` with the generated section between BEGIN and END replaced by the current tables."""
    head, sep, rest = text.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError(f"the document has no {BEGIN!r} … {END!r} section")
    return f"{head}{BEGIN}\n\n{reference_markdown()}\n{END}{tail}"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    for doc in sys.argv[1:]:
        with open(doc, encoding="utf-8") as f:
            before = f.read()
        after = sync_doc(before)
        if after != before:
            with open(doc, "w", encoding="utf-8") as f:
                f.write(after)
            print(f"updated {doc}")
