"""Pages that are slow to show their content, or steps slow to respond, stage by stage.

Why: every stage a shopper waits on costs sales — 0.1 s faster mobile pages lifted retail conversions
by 8.4 % ("Milliseconds Make Millions", Deloitte Digital for Google, 2020), and bounce probability
rises 32 % as load time goes from 1 s to 3 s (Think with Google, 2017). Thresholds are the Core Web
Vitals bands from GoogleChrome/web-vitals (LCP [2500, 4000], FCP [1800, 3000], TTFB [800, 1800],
CLS [0.1, 0.25]); a step that changes the page without loading a document (SPA) is judged by its
load time as a soft navigation (action → the page settled: the largest paint it caused, as Chromium's
interaction-contentful-paint entries time it, and the images in view loaded) against the LCP bands, and
by its response time against NN/g's limits (1 s keeps the flow; 4 s is auditor's proposed poor line).

Values are the stage's median when the walk was repeated (``--repeat N``); the raw samples give the
spread. This is lab data on one machine, not the 75th percentile of field data (CrUX).

Options (``policy: checks: slow-load: …``), each metric {good, poor} in ms (CLS unitless):
  ttfb_ms {good: 800, poor: 1800}   fcp_ms {good: 1800, poor: 3000}   lcp_ms {good: 2500, poor: 4000}
  cls {good: 0.1, poor: 0.25}       step_ms {good: 1000, poor: 4000}  soft_load_ms {good: 2500, poor: 4000}
  load_ms: null (not judged: no
  published threshold; set {good, poor} to judge it)
  marginal: 0.1, min_samples: 3 — a value at most 10 % over a limit from fewer than 3 samples is
  reported with a note to re-run with --repeat 5
  <device name>: {metric: {good, poor}} — e.g. ``mobile: {lcp_ms: {good: 3000}}`` for that device only
Severity: over "good" (needs improvement) → minor; over "poor" → major, on every stage alike (a cart
or payment page with a poor LCP is major, and so is a product page: both lose the sale).
"""
from __future__ import annotations

import statistics

from ..analysis.evidence import evidence_box, evidence_of
from ..model import StageCapture
from .base import CheckMeta, Context, NotApplicable, Source

META = CheckMeta(
    id="slow-load", title="Pages show their content quickly",
    failure_title="Pages are slow to show their content", scope="stage", applies_to=(),
    defaults={"ttfb_ms": {"good": 800, "poor": 1800}, "fcp_ms": {"good": 1800, "poor": 3000},
              "lcp_ms": {"good": 2500, "poor": 4000}, "cls": {"good": 0.1, "poor": 0.25},
              "step_ms": {"good": 1000, "poor": 4000}, "soft_load_ms": {"good": 2500, "poor": 4000},
              "load_ms": None, "marginal": 0.1, "min_samples": 3},
)

_VITALS = "GoogleChrome/web-vitals"
LCP_SOURCE = Source(f"Largest Contentful Paint (LCP), web.dev, Google; LCPThresholds [2500, 4000] in {_VITALS}",
                    "https://web.dev/articles/lcp")
FCP_SOURCE = Source(f"First Contentful Paint (FCP), web.dev, Google; FCPThresholds [1800, 3000] in {_VITALS}",
                    "https://web.dev/articles/fcp")
TTFB_SOURCE = Source(f"Time to First Byte (TTFB), web.dev, Google; TTFBThresholds [800, 1800] in {_VITALS}",
                     "https://web.dev/articles/ttfb")
CLS_SOURCE = Source(f"Cumulative Layout Shift (CLS), web.dev, Google; CLSThresholds [0.1, 0.25] in {_VITALS}",
                    "https://web.dev/articles/cls")
STEP_SOURCE = Source("Response Times: The 3 Important Limits, Nielsen Norman Group, 1993/2014 (1 s keeps the "
                     "flow; the 4 s poor line is proposed by auditor)",
                     "https://www.nngroup.com/articles/response-times-3-important-limits/", proposed=True)
SOFT_SOURCE = Source("Soft navigations, Chrome for Developers (Google): a same-document navigation's contentful "
                     f"paints timed from the interaction; judged with LCPThresholds [2500, 4000] in {_VITALS}",
                     "https://developer.chrome.com/docs/web-platform/soft-navigations-experiment")
LOAD_SOURCE = Source("Policy threshold (no published threshold for the load event)", proposed=True)

# metric → (short name, title template, source, recommendation)
METRICS = {
    "ttfb_ms": ("TTFB", "The server takes {v} to start sending this page (TTFB)", TTFB_SOURCE,
                "Cache the HTML at the CDN edge, cut server work on this route (database queries, cold starts) "
                "and avoid redirects before it."),
    "fcp_ms": ("FCP", "The page stays blank for {v} (FCP)", FCP_SOURCE,
               "Inline the critical CSS, defer non-critical scripts, preconnect to font and CDN origins, and "
               "reduce the server response time."),
    "lcp_ms": ("LCP", "The main content appears only after {v} (LCP)", LCP_SOURCE,
               "Make the boxed element load first: serve it at its displayed size in AVIF/WebP, preload it or "
               "set fetchpriority=high, and remove render-blocking CSS/JS ahead of it."),
    "cls": ("CLS", "Content jumps around while the page loads (CLS {v})", CLS_SOURCE,
            "Reserve space for images, embeds and banners (width/height or aspect-ratio), never insert content "
            "above what is already shown, and use font fallbacks with matching metrics."),
    "load_ms": ("Load", "The page takes {v} to finish loading", LOAD_SOURCE,
                "Defer third-party scripts and below-the-fold images; cut the page's total weight."),
    "soft_load_ms": ("Load (soft navigation)", "The page takes {v} to show after the click (soft navigation)",
                     SOFT_SOURCE, "Render the next view from data already on the page or prefetched, show its "
                     "main image at its displayed size with fetchpriority=high, and keep slow calls off the "
                     "click's critical path."),
    "step_ms": ("Step response", "The next step takes {v} to respond after the click", STEP_SOURCE,
                "Show the next step at once (skeleton or optimistic UI), move slow calls (address validation, "
                "shipping rates) off the click's critical path, and prefetch the next step."),
}


def fmt(metric: str, value: float) -> str:
    if metric == "cls":
        return f"{value:.3g}"
    return f"{value:.0f} ms" if value < 1000 else f"{value / 1000:.1f} s"


def limits(options, device: str, metric: str) -> tuple[float, float] | None:
    """(good, poor) for this device: the device override, then the policy value, then the default."""
    value = options.get(metric)
    override = options.get(device)
    if isinstance(override, dict) and metric in override:
        value = override[metric] if not isinstance(value, dict) or not isinstance(override[metric], dict) \
            else {**value, **override[metric]}
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return float(value[0]), float(value[1])
    merged = {**(META.defaults.get(metric) or {}), **value}
    return float(merged["good"]), float(merged["poor"])


def _spread(stage: StageCapture, metric: str) -> tuple[int, str]:
    vals = sorted(v for s in stage.timing.samples if (v := s.get(metric)) is not None)
    if len(vals) < 2:
        return max(len(vals), 1), "single load"
    text = f"median of {len(vals)} loads, range {fmt(metric, vals[0])}–{fmt(metric, vals[-1])}"
    if len(vals) >= 4:
        q1, _, q3 = statistics.quantiles(vals, n=4)
        text += f", IQR {fmt(metric, q3 - q1)}"
    return len(vals), text


def _evidence(stage: StageCapture, metric: str):
    t = stage.timing
    if metric in ("lcp_ms", "soft_load_ms") and (t.lcp_selector or t.lcp_box):
        el = stage.element(t.lcp_selector) if t.lcp_selector else None
        if el is not None and el.visible:
            src = el.attr("src")
            shown = "inline image" if src.startswith("data:") else src.rsplit("/", 1)[-1][:120]
            return evidence_of(el, stage, text=el.text or el.name or shown or el.tag)
        return evidence_box(stage, t.lcp_box, t.lcp_selector, text="largest contentful paint element")
    return evidence_box(stage, None, None, text=stage.url)  # the page as a whole


def run(stage: StageCapture, ctx: Context):
    t = stage.timing
    metrics = ("ttfb_ms", "fcp_ms", "lcp_ms", "cls", "load_ms") if t.navigated else ("soft_load_ms", "step_ms")
    if all(getattr(t, m) is None for m in metrics):
        raise NotApplicable("no timing was captured" if t.navigated else "no step time was captured")
    for metric in metrics:
        value = getattr(t, metric)
        bands = limits(ctx.options, ctx.device, metric)
        if value is None or bands is None:
            continue
        good, poor = bands
        name, title, source, rec = METRICS[metric]
        if value <= good:
            yield ctx.passed(stage, f"{name} {fmt(metric, value)} within {fmt(metric, good)}", measured=value)
            continue
        yield ctx.finding(stage, severity="minor" if value <= poor else "major", title=title.format(v=fmt(metric, value)),
                          measured=value, unit="" if metric == "cls" else "ms", threshold=good, source=source,
                          recommendation=_recommend(stage, metric, rec), evidence=[_evidence(stage, metric)],
                          key=metric.removesuffix("_ms"), detail=_detail(stage, ctx, metric, value, good, poor))


def _recommend(stage: StageCapture, metric: str, rec: str) -> str:
    painted = metric in ("lcp_ms", "soft_load_ms") and stage.timing.lcp_selector
    el = stage.element(stage.timing.lcp_selector) if painted else None
    if el is not None and el.attr("loading") == "lazy":
        return "Remove loading=\"lazy\" from the LCP image: it delays the largest paint. " + rec
    return rec


def _detail(stage: StageCapture, ctx: Context, metric: str, value: float, good: float, poor: float) -> str:
    t = stage.timing
    n, spread = _spread(stage, metric)
    band = "poor" if value > poor else "needs improvement"
    parts = [f"{METRICS[metric][0]} {fmt(metric, value)}: {band} (good ≤ {fmt(metric, good)}, "
             f"poor > {fmt(metric, poor)}); {spread}; throttle profile {t.throttle}."]
    if metric in ("fcp_ms", "lcp_ms") and t.ttfb_ms:
        parts.append(f"The server response (TTFB {fmt('ttfb_ms', t.ttfb_ms)}) is part of it.")
    slack = 1 + float(ctx.options["marginal"])
    if n < int(ctx.options["min_samples"]) and (value <= good * slack or poor < value <= poor * slack):
        parts.append(f"{'single sample' if n == 1 else f'only {n} samples'}: re-run with --repeat 5 — the value "
                     "is only slightly over the limit.")
    if t.contended:
        parts.append("Measured while other audit workers shared the CPU, which can inflate timings.")
    if METRICS[metric][2].proposed:
        parts.append("The threshold is auditor's proposed cut-off, overridable by policy.")
    return " ".join(parts)
