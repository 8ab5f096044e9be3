"""What a loaded scenario is: the walker's input. ``load.py`` builds these from YAML."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..model import Device

# Lighthouse's emulated screens (GoogleChrome/lighthouse core/config/constants.js):
# mobile 412×823 at DPR 1.75 (Moto G Power), desktop 1350×940 at DPR 1.
MOBILE_UA = ("Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36")
BUILTIN_DEVICES: dict[str, Device] = {
    "desktop": Device("desktop", 1350, 940, 1.0, False, False, None),
    "mobile": Device("mobile", 412, 823, 1.75, True, True, MOBILE_UA),
}
DEFAULT_DEVICES = ("desktop", "mobile")

ACTION_KINDS = ("goto", "click", "fill", "select", "check", "uncheck", "press", "wait_for", "hover",
                "dismiss", "place_order")


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # one of ACTION_KINDS
    selector: str | None = None
    value: str | None = None  # goto: URL; fill: text; select: option; press: key
    timeout_ms: int | None = None
    optional: bool = False  # a missing element is not a failure (a cookie banner that may not show)
    secret: bool = False  # the value came from the environment: never shown
    line: int = 0  # where it was written, for messages

    def describe(self) -> str:
        """Human-readable and safe to print: secret values are masked."""
        value = "••••••" if self.secret and self.value else self.value
        if self.kind == "goto":
            return f"goto {value}"
        parts = [self.kind]
        if self.selector:
            parts.append(self.selector)
        if value is not None and self.kind in ("fill", "select", "press"):
            parts.append(f"= {value!r}" if self.kind != "press" else value)
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Step:
    stage: str  # stage kind: landing, product, cart, checkout, payment, confirmation … or custom
    name: str  # stage id, unique within the scenario (defaults to the kind, de-duplicated)
    actions: tuple[Action, ...]
    label: str = ""  # a human name for the report
    ready: str | None = None  # selector that marks the page as ready (single-page shops)
    line: int = 0
    when: str | None = None  # run only when this selector is on the page at the step's start


@dataclass(frozen=True, slots=True)
class SignIn:
    """A sign-in run once per device; its browser state is reused by the journey."""

    actions: tuple[Action, ...]
    signed_in: str  # selector present only when signed in ("text=Sign out", "[data-account]")
    line: int = 0


@dataclass(frozen=True, slots=True)
class Retry:
    attempts: int = 2  # total tries of a transient failure (1 = no retry)
    backoff_ms: int = 500  # doubled after each failed try
    max_backoff_ms: int = 5000


@dataclass(frozen=True, slots=True)
class Limits:
    step_timeout_ms: int = 30_000
    run_timeout_ms: int = 300_000
    max_steps: int = 40
    max_dom_bytes: int = 3_000_000
    max_screenshot_height: int = 12_000  # CSS px; taller pages are cut, and the cut is reported
    max_elements: int = 6_000


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    path: str  # the file it came from ("<string>" when loaded from text)
    base_url: str
    steps: tuple[Step, ...]
    devices: tuple[Device, ...] = ()
    variables: Mapping[str, str] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()  # resolved values that came from the environment
    signin: SignIn | None = None
    allowed_domains: tuple[str, ...] = ()  # empty: the base URL's host only
    allow_submit: bool = False  # may the walker place a real order?
    on_error: str = "stop"  # stop | continue
    retry: Retry = Retry()
    limits: Limits = Limits()
    policy: Mapping[str, Any] | None = None  # inline policy, validated by the policy loader
    policy_line: int = 0
