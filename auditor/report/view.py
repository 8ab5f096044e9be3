"""The journey map and the other HTML sections as plain data, so the templates only lay them out.

The map follows the customer-journey-map template (stage, user goal, touchpoints, thinking,
feeling, friction/opportunity): goals and questions are defaults per stage kind; the feeling is
*inferred* from the worst finding at that stage and says so.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import urlsplit

from ..model import AuditRun, Journey, Passed, StageCapture, StepFailure, severity_rank
from .annotate import LOCATED, Annotations
from .catalog import (SEVERITY_ORDER, Column, Group, Item, at_or_above, columns, counts, format_value, group_items,
                      journey_status, per_device, scenarios)
from .paths import href_for, inside

# kind → (the shopper's goal, what they are asking themselves)
STAGE_COPY: Mapping[str, tuple[str, str]] = {
    "signin": ("Get into my account without a fight", "Do I really need an account for this?"),
    "landing": ("Find out whether this shop has what I want", "Can I trust this shop? Where do I start?"),
    "category": ("Narrow the range down to what fits me", "Which of these is right for me?"),
    "search": ("Find the exact product quickly", "Did it understand what I typed?"),
    "product": ("Decide whether this is the one to buy", "What will it really cost, and when will it arrive?"),
    "cart": ("Check what I'm paying before I commit", "Is this the total, or will more be added later?"),
    "checkout": ("Hand over my details quickly, without surprises", "Why do they need all this? Must I sign up?"),
    "payment": ("Pay safely with a method I trust", "Is my card safe here? Is my usual way to pay offered?"),
    "review": ("Make sure the order is right before it is placed", "Is this everything, shipping included?"),
    "confirmation": ("Know the order went through and what happens next", "Did it work? When will it arrive?"),
}
DEFAULT_COPY = ("Get past this step", "What is this step asking of me?")

# Worst finding at a stage → how a shopper there plausibly feels. Kept coarse on purpose.
FEELINGS = {
    None: ("confident", "Confident", "nothing here got in the way"),
    "info": ("confident", "Confident", "only notes, nothing in the way"),
    "minor": ("hesitant", "Hesitant", "small snags slow the shopper down"),
    "major": ("anxious", "Anxious", "friction that makes shoppers doubt or give up"),
    "critical": ("frustrated", "Frustrated", "friction that stops many shoppers here"),
}


@dataclass(frozen=True, slots=True)
class Feeling:
    key: str  # css class
    word: str
    why: str


@dataclass(frozen=True, slots=True)
class Cell:
    """One device's view of one stage."""

    device: str
    capture: StageCapture | None
    failure: StepFailure | None
    narrow: bool  # a phone-sized viewport: shown in a narrower column
    image: str | None  # href of the annotated screenshot
    dims: tuple[int, int] | None
    cut_css: float | None


@dataclass(frozen=True, slots=True)
class Touch:
    """What the devices saw at a stage; devices that saw the same page share one entry."""

    devices: tuple[str, ...]
    capture: StageCapture | None
    failure: StepFailure | None


@dataclass(frozen=True, slots=True)
class StageView:
    column: Column
    goal: str
    thinking: str
    cells: tuple[Cell, ...]
    touches: tuple[Touch, ...]
    items: tuple[Item, ...]
    groups: tuple[Group, ...]  # the same finding on several devices, listed once
    shown: tuple[Group, ...]  # the groups with a badge on this stage's screenshots, or found here
    counts: Mapping[str, int]
    feeling: Feeling
    opportunities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScenarioView:
    name: str
    devices: tuple[str, ...]
    stages: tuple[StageView, ...]
    journeys: tuple[Journey, ...]


@dataclass(frozen=True, slots=True)
class JourneyProblem:
    journey: Journey
    status: str  # failed | stopped
    failure: StepFailure | None
    screenshot: str | None  # href


@dataclass(frozen=True, slots=True)
class PassedGroup:
    check: str
    items: tuple[tuple[Passed, str], ...]  # (passed signal, journey id)


def _feeling(items: Sequence[Item], failed: bool, reached: bool) -> Feeling:
    if failed:
        return Feeling("stuck", "Stuck", "the walk could not get past this step")
    if not reached:
        return Feeling("absent", "Never got here", "no device reached this stage")
    worst = max((it.finding.severity for it in items), key=severity_rank, default=None)
    return Feeling(*FEELINGS[worst])


def _touches(cells: Sequence[Cell]) -> tuple[Touch, ...]:
    same: dict[tuple, list[Cell]] = OrderedDict()
    for c in cells:
        cap = c.capture
        key = (cap.title, cap.url, cap.status) if cap else ("failed" if c.failure else "absent", c.device)
        same.setdefault(key, []).append(c)
    return tuple(Touch(tuple(c.device for c in group), group[0].capture, group[0].failure) for group in same.values())


def _opportunities(items: Sequence[Item], limit: int = 3) -> tuple[str, ...]:
    recs = OrderedDict.fromkeys(it.finding.recommendation.strip() for it in items if it.finding.recommendation.strip())
    return tuple(list(recs)[:limit])


def scenario_views(run: AuditRun, items: Sequence[Item], ann: Annotations) -> list[ScenarioView]:
    all_groups = group_items(items)
    out = []
    for name in scenarios(run):
        journeys = tuple(j for j in run.journeys if j.scenario == name)
        ids = {j.id for j in journeys}
        devs = tuple(OrderedDict.fromkeys(j.device.name for j in journeys))
        stages = []
        for col in columns(run, name):
            cells = []
            for j in journeys:
                cap = col.captures.get(j.device.name)
                fail = next((f for f in j.failures if f.stage == col.stage), None)
                rel = ann.stages.get((j.id, col.stage))
                cells.append(Cell(j.device.name, cap, fail, is_narrow(j), href_for(rel) if rel else None,
                                  ann.dims.get(rel) if rel else None, ann.cut_css.get((j.id, col.stage))))
            mine = tuple(it for it in items if it.finding.stage == col.stage and it.finding.scenario in (name, "")
                         and it.journey in ids)
            here = {n for j in journeys for n in ann.badges.get((j.id, col.stage), ())} | {it.n for it in mine}
            shown = tuple(g for g in all_groups if any(it.n in here for it in g.items))
            goal, thinking = STAGE_COPY.get(col.kind, DEFAULT_COPY)
            stages.append(StageView(col, goal, thinking, tuple(cells), _touches(cells), mine, group_items(mine),
                                    shown, counts(mine),
                                    _feeling(mine, bool(col.failed_on) and not col.captures, bool(col.captures)),
                                    _opportunities(mine)))
        out.append(ScenarioView(name, devs, tuple(stages), journeys))
    return out


def is_narrow(j: Journey) -> bool:
    """A phone-sized viewport: shown in a narrower column."""
    return j.device.is_mobile or 0 < j.device.width < 700


# ---- finding cards -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Half:
    """One device's finding inside a card: its own number, close-up and evidence."""

    item: Item
    crop: str | None  # href
    dims: tuple[int, int] | None
    located: str  # why there is no box on the screenshot, or ""
    narrow: bool


@dataclass(frozen=True, slots=True)
class Card:
    group: Group
    halves: tuple[Half, ...]
    measured: tuple[tuple[str, str], ...]  # (device, text); one entry with device "" when all devices agree
    threshold: tuple[tuple[str, str], ...]
    details: tuple[tuple[str, str], ...]
    recommendations: tuple[tuple[str, str], ...]
    blocking: bool
    crops: bool  # any half has a close-up


def finding_cards(run: AuditRun, items: Sequence[Item], ann: Annotations, level: str) -> list[Card]:
    narrow = {j.id: is_narrow(j) for j in run.journeys}
    cards = []
    for g in group_items(items):
        halves = tuple(Half(it, href_for(ann.crops[it.n]) if it.n in ann.crops else None,
                            ann.dims.get(ann.crops.get(it.n, "")), located_note(ann, it.n),
                            narrow.get(it.journey, False)) for it in g.items)
        cards.append(Card(
            g, halves,
            measured=per_device(g.items, lambda f: format_value(f.measured, f.unit)),
            threshold=per_device(g.items, lambda f: format_value(f.threshold, f.unit)),
            details=per_device(g.items, lambda f: f.detail.strip()),
            recommendations=per_device(g.items, lambda f: f.recommendation.strip()),
            blocking=any(at_or_above(it.finding.severity, level) for it in g.items),
            crops=any(h.crop for h in halves)))
    return cards


def short_selector(selector: str | None, limit: int = 56) -> str:
    """The end of a long CSS selector, which names the element; the whole one goes in a tooltip."""
    if not selector or len(selector) <= limit:
        return selector or ""
    parts = selector.split(" > ")
    tail = parts[-1]
    for part in reversed(parts[:-1]):
        if len(part) + len(tail) + 3 > limit - 2:
            break
        tail = f"{part} > {tail}"
    return "… > " + tail if len(tail) <= limit else "…" + tail[-(limit - 1):]


def short_url(url: str | None, base: str | None = None) -> str:
    """A page URL as a reviewer reads it next to the shop's address: the path (and query) when it is
    on the scanned site, else the whole URL."""
    if not url:
        return ""
    try:
        u, b = urlsplit(url), urlsplit(base or "")
    except ValueError:
        return url
    if b.netloc and u.scheme in ("http", "https") and (u.scheme, u.netloc) == (b.scheme, b.netloc):
        return (u.path or "/") + (f"?{u.query}" if u.query else "")
    return url


def journey_problems(run: AuditRun, run_dir: Path) -> list[JourneyProblem]:
    out = []
    for j in run.journeys:
        status = journey_status(j)
        if status == "complete":
            continue
        shot = None
        if j.failure and j.failure.screenshot:
            path = inside(run_dir, j.failure.screenshot)
            if path is not None and path.is_file():
                shot = href_for(j.failure.screenshot)
        out.append(JourneyProblem(j, status, j.failure, shot))
    return out


def passed_groups(run: AuditRun) -> list[PassedGroup]:
    groups: dict[str, list] = OrderedDict()
    for r in run.results:
        for p in r.passed:
            groups.setdefault(r.check, []).append((p, r.journey))
    return [PassedGroup(c, tuple(v)) for c, v in groups.items()]


def located_note(ann: Annotations, n: int) -> str:
    return LOCATED.get(ann.located.get(n, ""), "")


def filter_values(items: Sequence[Item], run: AuditRun) -> dict[str, list[str]]:
    """The values each filter group offers, in report order."""
    stages = OrderedDict()
    for name in scenarios(run):
        for col in columns(run, name):
            stages[col.stage] = None
    for it in items:
        stages.setdefault(it.finding.stage, None)
    present = {it.finding.severity for it in items}
    return {
        "severity": [s for s in SEVERITY_ORDER if s in present],
        "stage": list(stages),
        "device": list(OrderedDict.fromkeys([j.device.name for j in run.journeys] + [it.finding.device for it in items])),
        "check": list(OrderedDict.fromkeys([r.check for r in run.results])),
    }
