"""Page → StageCapture: one evaluate (collect.js), one masked screenshot, nothing else.

Masking happens here, before anything touches the disk: sensitive fields are painted over in
the screenshot by Playwright's ``mask``, and values that came from the environment are replaced
in every captured string.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..model import ConsoleEntry, Element, Rect, Request, StageCapture, Timing

_HERE = Path(__file__).parent
COLLECT_JS = (_HERE / "collect.js").read_text(encoding="utf-8")
INIT_JS = (_HERE / "init.js").read_text(encoding="utf-8")

MASK = "••••"
# Painted over in every screenshot: passwords, card data, and anything the scenario typed from a secret.
SENSITIVE_SELECTORS = (
    "input[type=password]",
    "input[autocomplete*='cc-']",
    "input[name*='card' i]", "input[id*='card' i]",
    "input[name*='cvc' i]", "input[name*='cvv' i]", "input[id*='cvc' i]", "input[id*='cvv' i]",
    "input[name*='iban' i]",
    "iframe[src*='stripe'], iframe[src*='braintree'], iframe[src*='adyen'], iframe[name*='card' i]",
)


class Masker:
    """Replaces secret values in any text; longest first so one secret inside another is covered."""

    def __init__(self, secrets: Iterable[str] = ()):
        self.secrets = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if not text or not self.secrets:
            return text
        for s in self.secrets:
            if s in text:
                text = text.replace(s, MASK)
        return text

    def mapping(self, attrs: dict[str, str]) -> dict[str, str]:
        if not self.secrets:
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


def collect(page, spec: CaptureSpec, *, dom: bool = True) -> dict:
    return page.evaluate(COLLECT_JS, {"maxElements": spec.max_elements, "maxDom": spec.max_dom_bytes,
                                      "dom": dom, "elements": dom})


def _frame_elements(page, mask: Masker, main: list[Element], spec: CaptureSpec) -> tuple[list[Element], list[str]]:
    """Form fields inside child frames (hosted payment fields), with boxes moved into page space."""
    extra: list[Element] = []
    notes: list[str] = []
    frames = [f for f in page.frames if f is not page.main_frame][:6]
    for fr in frames:
        try:
            owner = fr.frame_element()
            box = owner.bounding_box()
            scroll = page.evaluate("() => [scrollX, scrollY]")
            raw = fr.evaluate(COLLECT_JS, {"maxElements": 300, "dom": False})
        except Exception as exc:  # detached or cross-origin frame that went away
            notes.append(f"frame {fr.url[:80]} not read: {str(exc).splitlines()[0][:120]}")
            continue
        if box is None:
            continue
        off = (box["x"] + scroll[0], box["y"] + scroll[1])
        ctrls = [r for r in raw["elements"] if r["t"] in ("input", "select", "textarea", "button")]
        for r in ctrls:  # selectors inside a frame only make sense with the frame named
            r["s"] = f"iframe[src='{fr.url[:200]}'] >> {r['s']}"
        extra += elements_from_raw(ctrls, mask, frame=fr.url, offset=off, start=len(main) + len(extra))
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
        more, fnotes = _frame_elements(page, mask, elements, spec)
        elements += more
        notes += fnotes
    if raw.get("truncated"):
        notes.append(f"element table cut at {spec.max_elements} elements (limits.max_elements)")
    dom = mask(raw.get("dom", ""))
    if raw.get("domTruncated"):
        notes.append(f"DOM snapshot cut at {spec.max_dom_bytes} characters (limits.max_dom_bytes)")

    page_h = float(raw["ph"])
    shot_h = min(page_h, float(spec.max_screenshot_height))
    if page_h > spec.max_screenshot_height:
        notes.append(f"screenshot cut at {spec.max_screenshot_height} CSS px of a {int(page_h)} px page "
                     "(limits.max_screenshot_height)")
    shot_path = spec.run_dir / spec.screenshot_rel
    shot_path.parent.mkdir(parents=True, exist_ok=True)
    masks = [page.locator(s) for s in SENSITIVE_SELECTORS]
    masks += [page.locator(s) for s in extra_mask_selectors]
    if mask.secrets:  # text on the page that shows a secret back (e.g. "Signed in as …")
        masks += [page.locator(e.selector) for e in elements
                  if e.frame == "" and e.text and mask(e.text) != e.text][:50]
    kwargs: dict[str, Any] = dict(path=str(shot_path), full_page=True, mask=masks, mask_color="#5b2a86",
                                  animations="disabled", caret="hide", type="jpeg", quality=82, scale="device")
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
