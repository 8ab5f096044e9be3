"""Typed records passed between the pipeline stages.

    Scenario ─walk→ Journey[StageCapture…] ─checks→ CheckResult[Finding…] ─gate→ Verdict ─report→ files

Every class is a frozen dataclass. Coordinates are CSS pixels in *page* space (origin at the
top-left of the full page, not of the viewport); the one conversion to screenshot pixels lives
in ``report/annotate.py``. ``to_dict``/``from_dict`` give the JSON form used in report.json and
in saved captures, so a walk can be checked again without a browser.
"""
from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

SCHEMA_VERSION = "1.0"

Severity = Literal["info", "minor", "major", "critical"]
SEVERITIES: tuple[str, ...] = ("info", "minor", "major", "critical")
Outcome = Literal["passed", "failed", "not_applicable", "error"]

# Stage kinds the checks know about, in funnel order. Custom stage kinds are allowed and sort last.
STAGE_KINDS: tuple[str, ...] = (
    "signin", "landing", "category", "search", "product", "cart", "checkout", "payment", "review",
    "confirmation",
)
# Stages between the cart and the order: where fees, walls and form length matter.
FUNNEL_KINDS: tuple[str, ...] = ("cart", "checkout", "payment", "review")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True, slots=True)
class Rect:
    """A box in CSS pixels, page coordinates."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)

    @property
    def area(self) -> float:
        return max(self.width, 0.0) * max(self.height, 0.0)

    def intersects(self, other: "Rect") -> bool:
        return not (other.x >= self.right or other.right <= self.x
                    or other.y >= self.bottom or other.bottom <= self.y)

    def distance_to(self, other: "Rect") -> float:
        """Shortest gap between two boxes (0 when they touch or overlap)."""
        dx = max(other.x - self.right, self.x - other.right, 0.0)
        dy = max(other.y - self.bottom, self.y - other.bottom, 0.0)
        return (dx * dx + dy * dy) ** 0.5

    def union(self, other: "Rect") -> "Rect":
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Rect(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)


@dataclass(frozen=True, slots=True)
class Element:
    """One row of a stage's element table, gathered in the page by ``walk/collect.js``.

    The table holds form controls (also invisible ones, so checks can tell hidden from shown),
    links, buttons, images, SVG icons, labels, headings, iframes and every visible element that
    has text of its own (table cells, price spans…), in document order.
    """

    index: int  # position in the table == document order
    selector: str  # a CSS selector that matches this element alone
    tag: str  # lower-case tag name
    box: Rect | None  # page coordinates, CSS px; None when the element has no layout box
    visible: bool  # painted for a sighted shopper: non-empty box, not display/visibility/opacity hidden, not inert
    type: str = ""  # input type, lower-case ("" for non-inputs)
    role: str = ""  # explicit or implicit ARIA role
    name: str = ""  # accessible name (the label a screen reader would read)
    name_source: str = ""  # aria-labelledby | aria-label | label | title | placeholder | alt | text | ""
    text: str = ""  # the element's own visible text, whitespace-collapsed, at most 300 chars
    attrs: Mapping[str, str] = field(default_factory=dict)  # selected attributes (never values of sensitive fields)
    enabled: bool = True  # not disabled and not readonly
    form: str = ""  # selector of the enclosing <form>, "" when none
    font_size_px: float = 0.0
    frame: str = ""  # "" for the main frame, else the frame's URL (hosted payment fields)
    struck: bool = False  # rendered with line-through or inside <del>/<s> (old prices)
    parent: int = -1  # index of the nearest ancestor that is in the table, -1 for none
    aria_hidden: bool = False  # inside aria-hidden=true: painted, but not in the accessibility tree

    def attr(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)


@dataclass(frozen=True, slots=True)
class Timing:
    """Navigation and paint timing of one stage, in milliseconds (CLS is unitless)."""

    ttfb_ms: float | None = None
    fcp_ms: float | None = None
    lcp_ms: float | None = None
    dcl_ms: float | None = None  # DOMContentLoaded event end
    load_ms: float | None = None  # load event end
    cls: float | None = None
    step_ms: float | None = None  # wall time of the step: first action → its actions returned (the page reacted)
    # A step without a new document (SPA): action → the page settled (largest paint it caused, images in view)
    soft_load_ms: float | None = None
    navigated: bool = True  # False when the step changed the page without a new document (SPA)
    lcp_selector: str | None = None  # the largest-contentful-paint element: the evidence box
    lcp_box: Rect | None = None
    transfer_bytes: int | None = None
    samples: tuple[Mapping[str, float | None], ...] = ()  # raw per-load values when repeated
    throttle: str = "none"
    contended: bool = False  # measured while other audit workers shared the CPU

    METRICS: typing.ClassVar[tuple[str, ...]] = ("ttfb_ms", "fcp_ms", "lcp_ms", "dcl_ms", "load_ms", "cls", "step_ms",
                                                 "soft_load_ms")


@dataclass(frozen=True, slots=True)
class ConsoleEntry:
    level: str  # error | warning | pageerror
    text: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Request:
    """A network request worth reporting: failed, blocked, or of interest to a check."""

    url: str
    method: str = "GET"
    resource_type: str = ""
    status: int | None = None
    failure: str | None = None  # net::ERR_… text, or "blocked: outside allowed domains"
    first_party: bool = True


@dataclass(frozen=True, slots=True)
class StageCapture:
    """Everything captured at one stage of one journey: the only input checks get."""

    stage: str  # stage id, unique within the journey ("checkout", "checkout-2")
    kind: str  # stage kind (see STAGE_KINDS) or a custom name
    index: int  # position in the journey, 0-based
    step: int  # index of the scenario step that produced this capture
    label: str  # the step's human name
    device: str
    url: str
    status: int | None
    title: str
    timing: Timing
    elements: tuple[Element, ...] = ()
    dom: str = ""  # serialized DOM, masked
    screenshot: str | None = None  # path relative to the run directory
    viewport_width: int = 0
    viewport_height: int = 0
    page_width: float = 0.0
    page_height: float = 0.0
    screenshot_height: float = 0.0  # CSS px of the page the screenshot covers (capped for huge pages)
    device_scale_factor: float = 1.0
    secure_context: bool = False  # window.isSecureContext (true for https and for loopback)
    lang: str = ""
    console: tuple[ConsoleEntry, ...] = ()
    requests: tuple[Request, ...] = ()
    actions: tuple[str, ...] = ()  # what the walker did in this step, human-readable and masked
    notes: tuple[str, ...] = ()  # truncation, retries, blocked navigation: never silent

    def element(self, selector: str) -> Element | None:
        for el in self.elements:
            if el.selector == selector:
                return el
        return None


@dataclass(frozen=True, slots=True)
class StepFailure:
    """Why a walk stopped early. The stages before it are kept and reported."""

    step: int
    stage: str
    action: str  # the action that failed, as written in the scenario (masked)
    kind: str  # connection, dns, tls, timeout, http, redirect-loop, selector, obscured, dialog, popup,
    # download, blocked, unresponsive, auth, crash, browser, run-timeout, signin, error: docs/broken-sites.md
    message: str
    url: str = ""
    screenshot: str | None = None  # what the browser showed when it failed
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class Device:
    name: str
    width: int
    height: int
    device_scale_factor: float = 1.0
    is_mobile: bool = False
    has_touch: bool = False
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class Journey:
    """One scenario walked on one device."""

    scenario: str  # scenario name
    scenario_path: str
    device: Device
    stages: tuple[StageCapture, ...]
    failures: tuple[StepFailure, ...] = ()  # more than one only with on_error: continue
    stopped: str | None = None  # a deliberate stop, e.g. before placing a real order
    started_at: str = ""
    duration_ms: float = 0.0
    base_url: str = ""
    repeat: int = 1
    throttle: str = "none"
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return journey_id(self.scenario, self.device.name)

    @property
    def failure(self) -> StepFailure | None:
        return self.failures[0] if self.failures else None

    def stage(self, stage_id: str) -> StageCapture | None:
        for s in self.stages:
            if s.stage == stage_id:
                return s
        return None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where on the page a finding (or a pass) is: what the annotator boxes."""

    stage: str
    selector: str | None = None
    box: Rect | None = None  # page coordinates, CSS px, on that stage's screenshot
    text: str = ""  # what was read there (snippet, already whitespace-collapsed)


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    stage: str
    device: str
    severity: Severity
    title: str  # one line a designer understands
    measured: Any  # the measured value (number, count or short text)
    threshold: Any  # what it was measured against
    source: str  # where the threshold comes from (title, org, year)
    recommendation: str
    evidence: tuple[Evidence, ...] = ()
    unit: str = ""  # ms, fields, s, …
    source_url: str = ""
    detail: str = ""
    key: str = ""  # evidence identity, stable across runs (field name, fee name): the baseline key
    proposed: bool = False  # the threshold is auditor's own proposed cut-off, not a published one
    scenario: str = ""

    def fingerprint(self) -> str:
        """Stable across runs: no pixel positions, run ids or measured values."""
        ident = "|".join((self.scenario, self.check, self.stage, self.device, self.key or self.title))
        return hashlib.sha1(ident.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Passed:
    """A signal a check looked for and found: "guest checkout: present"."""

    check: str
    stage: str
    device: str
    title: str
    evidence: tuple[Evidence, ...] = ()
    measured: Any = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: str
    journey: str  # Journey.id
    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    passed: tuple[Passed, ...] = ()
    reason: str | None = None  # why not applicable / the error


@dataclass(frozen=True, slots=True)
class GateResult:
    passed: bool
    exit_code: int
    fail_on: str
    reasons: tuple[str, ...] = ()
    new: tuple[str, ...] = ()  # fingerprints of findings not in the baseline
    fixed: tuple[str, ...] = ()  # fingerprints in the baseline no longer found
    unchanged: tuple[str, ...] = ()
    regressions: tuple[str, ...] = ()
    # One entry per budget and place it was judged: {budget, where, status (passed | failed | warned |
    # not-evaluated), at, measured, limit, samples, text}; see auditor/gate/budgets.py.
    budgets: tuple[Mapping[str, Any], ...] = ()
    notes: tuple[str, ...] = ()  # what was looked at but did not fail the gate (within tolerance, too few samples)


@dataclass(frozen=True, slots=True)
class AuditRun:
    run_id: str
    created_at: str
    journeys: tuple[Journey, ...]
    results: tuple[CheckResult, ...] = ()
    gate: GateResult | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # repeat, throttle, workers, shard, policy path
    tool_version: str = ""
    schema_version: str = SCHEMA_VERSION

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for r in self.results for f in r.findings)


# ---------------------------------------------------------------------------------------------
# JSON form


def slug(text: str) -> str:
    """A file-system-safe, lower-case slug: page text never becomes a path unsanitised."""
    out = []
    for ch in text.lower():
        out.append(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-")
    s = "".join(out).strip("-")
    while "--" in s:
        s = s.replace("--", "-")
    return s[:60] or "x"


def journey_id(scenario: str, device: str) -> str:
    """A journey's id, which names its files (captures/<id>.json, screenshots/<device>/<scenario>/): two
    journeys of one run must not share it (run/plan.py refuses such a plan)."""
    return f"{slug(scenario)}--{slug(device)}"


def to_dict(obj: Any) -> Any:
    """Dataclass tree → JSON-ready dicts/lists (tuples become lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, Mapping):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            return _build(arg, value)
    if origin is tuple:
        args = typing.get_args(tp)
        inner = args[0] if args else Any
        return tuple(_build(inner, v) for v in value)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value


def from_dict(cls: type, data: Mapping[str, Any]):
    """Inverse of ``to_dict`` for any dataclass in this module. Unknown keys are ignored so
    that older readers accept newer minor schema versions."""
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            kwargs[f.name] = _build(hints[f.name], data[f.name])
    return cls(**kwargs)
