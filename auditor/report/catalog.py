"""What every report output agrees on: finding numbers, stage order, check verdicts, metric ratings.

The number a finding gets here is the badge on the annotated screenshot, the anchor in the HTML,
the row in summary.md and the ``number`` in report.json, so it is computed once, in one place.
Nothing in this module formats text for a particular output.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..analysis.money import minor_units
from ..checks.load_timing import META as _LOAD_TIMING
from ..checks.registry import by_id
from ..model import STAGE_KINDS, AuditRun, Finding, Journey, StageCapture, severity_rank

SEVERITY_ORDER = ("critical", "major", "minor", "info")  # worst first, the order reports list them in


@dataclass(frozen=True, slots=True)
class Item:
    """A finding with its report number (1 = the worst) and the journey it came from."""

    n: int
    finding: Finding
    journey: str  # Journey.id
    fingerprint: str
    status: str = ""  # "new" | "unchanged" when the run is compared, else ""

    @property
    def anchor(self) -> str:
        return f"finding-{self.n}"


def kind_rank(kind: str) -> int:
    return STAGE_KINDS.index(kind) if kind in STAGE_KINDS else len(STAGE_KINDS)


def scenarios(run: AuditRun) -> list[str]:
    return list(OrderedDict.fromkeys(j.scenario for j in run.journeys))


def devices(run: AuditRun) -> list[str]:
    return list(OrderedDict.fromkeys(j.device.name for j in run.journeys))


@dataclass(frozen=True, slots=True)
class Column:
    """One stage of a scenario as a column of the journey map, across its devices."""

    stage: str
    kind: str
    label: str
    index: int
    captures: Mapping[str, StageCapture]  # device → capture (missing: that device never got there)
    failed_on: tuple[str, ...] = ()  # devices whose walk failed at this stage


def columns(run: AuditRun, scenario: str) -> list[Column]:
    """Stage ids in journey order: the position they were walked in, then the funnel order of their kind.
    A stage where a walk failed before capturing anything still gets a column, so the map shows
    where the shopper got stuck."""
    found: dict[str, dict] = {}
    for j in (j for j in run.journeys if j.scenario == scenario):
        for s in j.stages:
            col = found.setdefault(s.stage, {"kind": s.kind, "label": s.label, "index": s.index, "caps": {},
                                             "failed": []})
            col["index"] = min(col["index"], s.index)
            col["caps"][j.device.name] = s
        for f in j.failures:
            col = found.setdefault(f.stage, {"kind": f.stage, "label": f.stage, "index": len(j.stages), "caps": {},
                                             "failed": []})
            col["failed"].append(j.device.name)
    ordered = sorted(found.items(), key=lambda kv: (kv[1]["index"], kind_rank(kv[1]["kind"])))
    return [Column(stage=k, kind=v["kind"], label=v["label"], index=v["index"], captures=v["caps"],
                   failed_on=tuple(v["failed"])) for k, v in ordered]


def _order_key(run: AuditRun):
    # A stage's place is its column in the journey map, so the same stage sorts alike on every device.
    stage_pos = {(name, col.stage): col.index for name in scenarios(run) for col in columns(run, name)}
    scen = {s: i for i, s in enumerate(scenarios(run))}
    devs = {d: i for i, d in enumerate(devices(run))}
    scen_of = {j.id: j.scenario for j in run.journeys}

    def key(pair: tuple[Finding, str]):
        f, jid = pair
        name = f.scenario or scen_of.get(jid, "")
        # check and key before device: the same problem on desktop and mobile gets consecutive numbers
        return (-severity_rank(f.severity), scen.get(name, len(scen)), stage_pos.get((name, f.stage), 999),
                f.check, f.key or f.title, devs.get(f.device, len(devs)), f.title)

    return key


def number_findings(run: AuditRun, status: Mapping[str, str] | None = None) -> tuple[Item, ...]:
    """Every finding of the run, worst first, numbered from 1."""
    pairs = [(f, r.journey) for r in run.results for f in r.findings]
    pairs.sort(key=_order_key(run))
    status = status or {}
    out = []
    for n, (f, jid) in enumerate(pairs, 1):
        fp = f.fingerprint()
        out.append(Item(n=n, finding=f, journey=jid, fingerprint=fp, status=status.get(fp, "")))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Group:
    """One problem: the findings that share scenario, check, stage and key, one per device.
    Each keeps its own number (the badge on its device's screenshot); the report shows them together."""

    items: tuple[Item, ...]  # in number order

    @property
    def first(self) -> Item:
        return self.items[0]

    @property
    def finding(self) -> Finding:
        return self.first.finding

    @property
    def severity(self) -> str:
        return max((it.finding.severity for it in self.items), key=severity_rank)

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(OrderedDict.fromkeys(it.finding.device for it in self.items))

    @property
    def anchor(self) -> str:
        return f"problem-{self.first.n}"


def group_key(it: Item) -> tuple[str, str, str, str]:
    f = it.finding
    return (f.scenario, f.check, f.stage, f.key or f.title)


def group_items(items: Sequence[Item]) -> tuple[Group, ...]:
    """Findings grouped across devices, in the order of each group's best (lowest) number."""
    groups: dict[tuple[str, str, str, str], list[Item]] = OrderedDict()
    for it in items:
        groups.setdefault(group_key(it), []).append(it)
    return tuple(Group(tuple(g)) for g in groups.values())


def per_device(items: Sequence[Item], text) -> tuple[tuple[str, str], ...]:
    """``text(finding)`` once as ``(("", text),)`` when every device agrees, else ``(device, text)`` for
    each device that has one (a group's measured value, threshold, detail…)."""
    values = [(it.finding.device, text(it.finding)) for it in items]
    if len({v for _, v in values}) <= 1:
        return (("", values[0][1]),) if values and values[0][1] else ()
    return tuple((d, v) for d, v in values if v)


def worst(items: Iterable[Item]) -> Item | None:
    best = None
    for it in items:  # items are numbered worst first, so the first one wins ties
        if best is None or severity_rank(it.finding.severity) > severity_rank(best.finding.severity):
            best = it
    return best


def counts(items: Iterable[Item]) -> dict[str, int]:
    out = {s: 0 for s in SEVERITY_ORDER}
    for it in items:
        out[it.finding.severity] = out.get(it.finding.severity, 0) + 1
    return out


def at_or_above(severity: str, fail_on: str) -> bool:
    return fail_on != "never" and severity_rank(severity) >= severity_rank(fail_on)


def fail_on(run: AuditRun) -> str:
    return run.gate.fail_on if run.gate else "major"


# ---- one verdict per check ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Verdict:
    check: str
    title: str  # the passing state
    failure_title: str  # the failing state
    outcome: str  # failed | error | passed | not_applicable (the worst over the journeys)
    worst: Item | None
    counts: Mapping[str, int]
    passed: int  # how many signals were found present
    reasons: tuple[str, ...]  # why not applicable / the errors


_OUTCOME_RANK = {"not_applicable": 0, "passed": 1, "error": 2, "failed": 3}


def check_titles(check: str) -> tuple[str, str]:
    """The check's own titles when it is registered, else its id made readable."""
    module = by_id(check)
    if module is not None:
        return module.META.title, module.META.failure_title
    readable = check.replace("-", " ").replace("_", " ").strip().capitalize() or check
    return readable, readable


def _reasons(run: AuditRun, results) -> tuple[str, ...]:
    """Each distinct reason once, with the journeys it applies to: "no payment stage (desktop, mobile)"."""
    several = len(scenarios(run)) > 1
    label = {j.id: (f"{j.scenario} · {j.device.name}" if several else j.device.name) for j in run.journeys}
    grouped: dict[str, list[str]] = OrderedDict()
    for r in results:
        if r.reason and r.outcome in ("error", "not_applicable"):
            grouped.setdefault(r.reason, []).append(label.get(r.journey, r.journey))
    return tuple(f"{reason} ({', '.join(who)})" for reason, who in grouped.items())


def verdicts(run: AuditRun, items: Sequence[Item]) -> list[Verdict]:
    by_check: dict[str, list] = OrderedDict()
    for r in run.results:
        by_check.setdefault(r.check, []).append(r)
    out = []
    for check, results in by_check.items():
        mine = [it for it in items if it.finding.check == check]
        outcome = max((r.outcome for r in results), key=lambda o: _OUTCOME_RANK.get(o, 0))
        reasons = _reasons(run, results)
        title, failure_title = check_titles(check)
        out.append(Verdict(check=check, title=title, failure_title=failure_title, outcome=outcome,
                           worst=worst(mine), counts=counts(mine), passed=sum(len(r.passed) for r in results),
                           reasons=reasons))
    return out


# ---- timing, rated by the web-vitals thresholds -------------------------------------------------

@dataclass(frozen=True, slots=True)
class MetricSpec:
    key: str  # Timing field
    label: str
    unit: str
    good: float | None  # ≤ good: "good"; > poor: "poor"; between: "needs work"
    poor: float | None
    source: str


def _metric(key: str, label: str, unit: str, source: str) -> MetricSpec:
    band = _LOAD_TIMING.defaults.get(key) or {}  # the load-timing check's defaults: the bands live there
    return MetricSpec(key, label, unit, band.get("good"), band.get("poor"), source)


METRICS: tuple[MetricSpec, ...] = (
    _metric("ttfb_ms", "TTFB", "ms", "https://web.dev/articles/ttfb"),
    _metric("fcp_ms", "FCP", "ms", "https://web.dev/articles/fcp"),
    _metric("lcp_ms", "LCP", "ms", "https://web.dev/articles/lcp"),
    _metric("cls", "CLS", "", "https://web.dev/articles/cls"),
    _metric("load_ms", "Load", "ms", ""),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}


def rate(metric: str, value: float | None) -> str:
    """good | needs-work | poor | "" (no value, or a metric without published thresholds)."""
    spec = METRIC_BY_KEY.get(metric)
    if value is None or spec is None or spec.good is None:
        return ""
    if value <= spec.good:
        return "good"
    return "poor" if value > spec.poor else "needs-work"


def format_metric(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric == "cls":
        return f"{value:.3f}"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    return f"{value:,.0f} ms"


# ISO 4217 codes a check may use as a unit → symbol, or "" to show the code. A symbol only where it is
# unambiguous for shoppers of that currency ("$" is the US dollar; other dollars keep their code).
# Minor units come from analysis.money.minor_units, so prices read as they were parsed.
CURRENCIES: Mapping[str, str] = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩", "ILS": "₪", "NGN": "₦", "PHP": "₱",
    "VND": "₫", "UAH": "₴", "TRY": "₺", "CAD": "", "AUD": "", "NZD": "", "CHF": "", "SEK": "", "NOK": "",
    "DKK": "", "PLN": "", "CZK": "", "HUF": "", "RON": "", "BGN": "", "CNY": "", "HKD": "", "SGD": "",
    "TWD": "", "THB": "", "MYR": "", "IDR": "", "BRL": "", "MXN": "", "ARS": "", "CLP": "", "COP": "",
    "ZAR": "", "AED": "", "SAR": "", "EGP": "", "ISK": "", "KWD": "", "BHD": "", "OMR": "", "JOD": "",
    "TND": "",
}


def format_money(value: float | int, code: str) -> str:
    """``$2.50``, ``€4.95``, ``¥500``, ``12.00 CAD``: the currency's minor units, its symbol when unambiguous."""
    symbol = CURRENCIES[code]
    text = f"{abs(value):,.{minor_units(code)}f}"
    sign = "-" if value < 0 and float(text.replace(",", "")) else ""
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {code}"


def format_value(value, unit: str = "") -> str:
    """A measured value or threshold with its unit, for every output."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    money = unit.upper() if unit and unit.upper() in CURRENCIES else ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif money and isinstance(value, (int, float)):
        return format_money(value, money)
    elif isinstance(value, float):
        text = f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, (list, tuple)):
        if money:
            return ", ".join(format_value(v, unit) for v in value)
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
        if money:  # "shown on the product page" is no amount of dollars
            return text
    return f"{text} {unit}".strip() if unit else text


def journey_status(j: Journey) -> str:
    """complete | failed | stopped (deliberately, e.g. before a real order)."""
    if j.failures:
        return "failed"
    return "stopped" if j.stopped else "complete"
