"""Page → StageCapture: one evaluate (collect.js), one masked screenshot, nothing else.

Masking happens here, before anything touches the disk: sensitive fields are painted over in
the screenshot by Playwright's ``mask``, and values that came from the environment are replaced
in every captured string.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote, quote_plus

from ..model import ConsoleEntry, Element, Rect, Request, StageCapture, Timing
from .actions import SENSITIVE_NAME_RE

_HERE = Path(__file__).parent
COLLECT_JS = (_HERE / "collect.js").read_text(encoding="utf-8")
INIT_JS = (_HERE / "init.js").read_text(encoding="utf-8")

MASK = "••••"
MASK_COLOR = "#5b2a86"  # what a masked area of a screenshot is painted with
# Painted over in every screenshot: passwords, card data, and anything the scenario typed from a secret.
SENSITIVE_SELECTORS = (
    "input[type=password]",
    "input[autocomplete*='cc-']",
    "input[name*='card' i]", "input[id*='card' i]",
    "input[name*='cvc' i]", "input[name*='cvv' i]", "input[id*='cvc' i]", "input[id*='cvv' i]",
    "input[name*='iban' i]",
    "iframe[src*='stripe'], iframe[src*='braintree'], iframe[src*='adyen'], iframe[name*='card' i]",
)

SENSITIVE_CSS = ", ".join(SENSITIVE_SELECTORS)


# The lengths collect.js cuts texts and attributes to: a secret may straddle the cut.
_CUT_LENGTHS = frozenset({100, 200, 300, 500})
MIN_TYPED_SECRET = 6  # shorter typed values (a CVC) are masked in screenshots only: "123" is also a price


def _spellings(secret: str) -> set[str]:
    """The forms a value takes on its way back from a page: as typed, HTML-escaped (the DOM
    snapshot), percent-encoded (a GET form puts it in the URL), and a card number regrouped."""
    html_text = secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = {secret, html_text, html_text.replace('"', "&quot;"), quote(secret, safe=""), quote(secret),
           quote_plus(secret)}
    digits = re.sub(r"[\s-]", "", secret)
    if digits.isdigit() and 13 <= len(digits) <= 19 and re.fullmatch(r"[\d\s-]+", secret):
        groups = [digits[i:i + 4] for i in range(0, len(digits), 4)]
        out |= {digits, " ".join(groups), "-".join(groups)}
    return {s for s in out if len(s) >= 3}


class Masker:
    """Replaces secret values in any text; longest first so one secret inside another is covered.

    ``secrets`` are the raw values (from the environment, or typed into a password or card field);
    each is also masked in the spellings a page, a URL or the DOM gives it back in."""

    def __init__(self, secrets: Iterable[str] = ()):
        self.secrets: list[str] = []
        self._forms: list[str] = []
        for s in secrets:
            self.add(s)

    def add(self, secret: str) -> None:
        if not secret or len(secret) < 3 or secret in self.secrets:
            return
        self.secrets.append(secret)
        self.secrets.sort(key=len, reverse=True)
        self._forms = sorted(set(self._forms) | _spellings(secret), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if not text or not self._forms:
            return text
        cut = len(text) in _CUT_LENGTHS
        for s in self._forms:
            if s in text:
                text = text.replace(s, MASK)
        return self.tail(text) if cut else text

    def tail(self, text: str) -> str:
        """A text cut at a length cap may end in the first part of a secret: mask that part too."""
        for s in self._forms:
            for k in range(len(s) - 1, 3, -1):
                if text.endswith(s[:k]):
                    return text[:-k] + MASK
        return text

    def mapping(self, attrs: dict[str, str]) -> dict[str, str]:
        if not self._forms:
            return attrs
        return {k: self(v) for k, v in attrs.items()}


def _rect(b: list[float] | None) -> Rect | None:
    if not b:
        return None
    return Rect(round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))


def _opt(v: Any) -> float | None:
    return None if v is None else round(float(v), 2)


def elements_from_raw(raw: list[dict], mask: Masker, frame: str = "", offset: tuple[float, float] = (0, 0),
                      start: int = 0) -> list[Element]:
    out = []
    dx, dy = offset
    for i, r in enumerate(raw, start):
        b = r.get("b")
        if b and (dx or dy):
            b = [b[0] + dx, b[1] + dy, b[2], b[3]]
        out.append(Element(
            index=i, selector=r["s"], tag=r["t"], box=_rect(b), visible=r["v"], type=r.get("ty", ""),
            role=r.get("r", ""), name=mask(r.get("n", "")), name_source=r.get("ns", ""),
            text=mask(r.get("x", "")), attrs=mask.mapping(r.get("a", {})), enabled=r.get("e", True),
            form=r.get("f", ""), font_size_px=r.get("fs", 0.0), frame=frame, struck=bool(r.get("k")),
            parent=(r.get("p", -1) + start if r.get("p", -1) >= 0 else -1) if not frame else -1,
            aria_hidden=bool(r.get("h")),
        ))
    return out


@dataclass
class PageEvents:
    """Console errors and notable requests seen since the last capture (filled by walker listeners)."""

    console: list[ConsoleEntry] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def drain(self) -> tuple[tuple[ConsoleEntry, ...], tuple[Request, ...], tuple[str, ...]]:
        out = tuple(self.console), tuple(self.requests), tuple(self.notes)
        self.console.clear()
        self.requests.clear()
        self.notes.clear()
        return out


@dataclass(frozen=True)
class CaptureSpec:
    """Where and how to capture one stage."""

    stage: str
    kind: str
    index: int
    step: int
    label: str
    device: str
    run_dir: Path
    screenshot_rel: str  # path relative to run_dir
    max_elements: int = 6000
    max_dom_bytes: int = 3_000_000
    max_screenshot_height: int = 12_000
    full: bool = True  # False: timing only (extra --repeat loads)
    timeout_ms: float = 30_000  # for each in-page read and the screenshot


def read_timing(raw: dict | None, step_ms: float | None, navigated: bool, throttle: str,
                contended: bool) -> Timing:
    if not raw:
        return Timing(step_ms=_opt(step_ms), navigated=navigated, throttle=throttle, contended=contended)
    return Timing(
        ttfb_ms=_opt(raw.get("ttfb")), fcp_ms=_opt(raw.get("fcp")), lcp_ms=_opt(raw.get("lcp")),
        dcl_ms=_opt(raw.get("dcl")), load_ms=_opt(raw.get("load")),
        cls=None if raw.get("cls") is None else round(float(raw["cls"]), 4),
        step_ms=_opt(step_ms), navigated=navigated, lcp_selector=raw.get("lcpSel"),
        lcp_box=_rect(raw.get("lcpBox")), transfer_bytes=raw.get("transfer"),
        throttle=throttle, contended=contended,
    )


def bounded_eval(target, js: str, arg: Any = None, timeout_ms: float = 30_000) -> Any:
    """``target.evaluate(js, arg)`` with a time limit. A plain evaluate waits for ever on a page whose
    scripts never yield; ``wait_for_function`` is timed by the driver, so it raises TimeoutError
    instead. The value comes back as a JSON string: a string handle holds its value in the driver,
    so reading it needs no second call into a page that may have hung since (the walker's Watchdog
    covers what is left)."""
    handle = target.wait_for_function(f"async (a) => JSON.stringify(await ({js})(a)) || 'null'", arg=arg,
                                      timeout=timeout_ms, polling=100)
    return json.loads(handle.json_value())


def collect(page, spec: CaptureSpec, *, dom: bool = True) -> dict:
    return bounded_eval(page, COLLECT_JS, {"maxElements": spec.max_elements, "maxDom": spec.max_dom_bytes,
                                           "dom": dom, "elements": dom, "sensitive": SENSITIVE_NAME_RE.pattern},
                        spec.timeout_ms)


def mask_locators(page, mask: Masker, selectors: Iterable[str] = (), elements: Iterable[Element] = ()) -> list:
    """What a screenshot paints over: sensitive fields, fields typed into from a secret, and any text
    or input on the page that shows a secret back ("Signed in as …", a pre-filled value)."""
    # One locator for the fixed list (a CSS selector list matches the union): Playwright resolves each
    # mask locator with calls of its own, and ten of them cost a screenshot about 50 ms.
    masks = [page.locator(SENSITIVE_CSS)]
    masks += [page.locator(s) for s in dict.fromkeys(selectors)]
    if mask.secrets:
        # The element table is masked already (every spelling of a secret became MASK): an element
        # whose text or name holds MASK showed a secret, perhaps in a spelling get_by_text misses.
        masks += [page.locator(e.selector) for e in elements
                  if e.frame == "" and (MASK in e.text or MASK in e.name)][:50]
        for secret in mask.secrets[:10]:
            # Playwright's selector engines run in their own world: the page never sees these values.
            masks.append(page.get_by_text(secret))
            masks.append(page.locator(f'input[value*="{_css_string(secret)}"]'))
    return masks


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _frame_elements(page, mask: Masker, main: list[Element], spec: CaptureSpec,
                    scroll: tuple[float, float]) -> tuple[list[Element], list[str]]:
    """Form fields inside child frames (hosted payment fields), with boxes moved into page space
    (``scroll``: the page's scroll offset, as collect.js read it)."""
    extra: list[Element] = []
    notes: list[str] = []
    frames = [f for f in page.frames if f is not page.main_frame][:6]
    for fr in frames:
        try:
            owner = fr.frame_element()
            box = owner.bounding_box()
            raw = bounded_eval(fr, COLLECT_JS, {"maxElements": 300, "dom": False,
                                                "sensitive": SENSITIVE_NAME_RE.pattern}, spec.timeout_ms)
        except Exception as exc:  # detached or cross-origin frame that went away
            notes.append(mask(f"frame {fr.url[:80]} not read: {str(exc).splitlines()[0][:120]}"))
            continue
        if box is None:
            continue
        off = (box["x"] + scroll[0], box["y"] + scroll[1])
        ctrls = [r for r in raw["elements"] if r["t"] in ("input", "select", "textarea", "button")]
        for r in ctrls:  # selectors inside a frame only make sense with the frame named
            r["s"] = f"iframe[src='{fr.url[:200]}'] >> {r['s']}"
        extra += elements_from_raw(ctrls, mask, frame=mask(fr.url) or "about:blank", offset=off,
                                   start=len(main) + len(extra))
    return extra, notes


def capture_stage(page, spec: CaptureSpec, *, mask: Masker, events: PageEvents, step_ms: float | None,
                  prev_doc: str | None, throttle: str = "none", contended: bool = False,
                  extra_mask_selectors: Iterable[str] = (), actions: tuple[str, ...] = ()) -> tuple[StageCapture, str]:
    """Capture the page as it is now. Returns the capture and the document token (to tell SPA steps)."""
    raw = collect(page, spec, dom=spec.full)
    navigated = raw.get("doc") != prev_doc
    timing = read_timing(raw.get("timing") if navigated else None, step_ms, navigated, throttle, contended)
    console, requests, notes = events.drain()
    notes = list(notes)
    if not spec.full:
        cap = StageCapture(stage=spec.stage, kind=spec.kind, index=spec.index, step=spec.step, label=spec.label,
                           device=spec.device, url=mask(raw["url"]), status=None, title=mask(raw["title"]),
                           timing=timing)
        return cap, raw.get("doc", "")

    elements = elements_from_raw(raw["elements"], mask)
    if page.frames and len(page.frames) > 1:
        more, fnotes = _frame_elements(page, mask, elements, spec, (raw["sx"], raw["sy"]))
        elements += more
        notes += fnotes
    if raw.get("truncated"):
        notes.append(f"element table cut at {spec.max_elements} elements (limits.max_elements)")
    dom = mask(raw.get("dom", ""))
    if raw.get("domTruncated"):
        dom = mask.tail(dom)
        notes.append(f"DOM snapshot cut at {spec.max_dom_bytes} characters (limits.max_dom_bytes)")

    page_h = float(raw["ph"])
    shot_h = min(page_h, float(spec.max_screenshot_height))
    if page_h > spec.max_screenshot_height:
        notes.append(f"screenshot cut at {spec.max_screenshot_height} CSS px of a {int(page_h)} px page "
                     "(limits.max_screenshot_height)")
    shot_path = spec.run_dir / spec.screenshot_rel
    shot_path.parent.mkdir(parents=True, exist_ok=True)
    masks = mask_locators(page, mask, extra_mask_selectors, elements)
    kwargs: dict[str, Any] = dict(path=str(shot_path), full_page=True, mask=masks, mask_color=MASK_COLOR,
                                  animations="disabled", caret="hide", type="jpeg", quality=82, scale="device",
                                  timeout=spec.timeout_ms)
    if page_h > spec.max_screenshot_height:
        kwargs["clip"] = {"x": 0, "y": 0, "width": float(raw["pw"]), "height": shot_h}
    page.screenshot(**kwargs)

    cap = StageCapture(
        stage=spec.stage, kind=spec.kind, index=spec.index, step=spec.step, label=spec.label,
        device=spec.device, url=mask(raw["url"]), status=None, title=mask(raw["title"]), timing=timing,
        elements=tuple(elements), dom=dom, screenshot=spec.screenshot_rel,
        viewport_width=int(raw["vw"]), viewport_height=int(raw["vh"]), page_width=float(raw["pw"]),
        page_height=page_h, screenshot_height=shot_h, device_scale_factor=float(raw["dpr"]),
        secure_context=bool(raw["secure"]), lang=raw.get("lang", ""), console=console,
        requests=requests, actions=actions, notes=tuple(notes),
    )
    return cap, raw.get("doc", "")
