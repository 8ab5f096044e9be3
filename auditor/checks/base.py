"""What every check module is made of, and the helpers that keep findings uniform.

A check module has a docstring (the shopper-facing reason and its source), ``META`` and ``run``:

    META = CheckMeta(id="surprise-fees", title="All costs are shown before the final step",
                     failure_title="Fees appear only at the final step", scope="journey",
                     applies_to=("product", "cart", "checkout", "payment", "review"),
                     defaults={"min_fee": 0.01})

    def run(journey: Journey, ctx: Context) -> Iterable[Finding | Passed]: ...       # scope="journey"
    def run(stage: StageCapture, ctx: Context) -> Iterable[Finding | Passed]: ...    # scope="stage"

``raise NotApplicable("why")`` when there is nothing to judge. Evidence comes from
``analysis.evidence`` (``evidence_of``, ``evidence_box``). Checks never import Playwright:
they read the captured element table, timing and DOM (parsed once per stage with lxml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import lxml.html

from ..model import Element, Evidence, Finding, Journey, Passed, StageCapture


class NotApplicable(Exception):
    """The check has nothing to judge here (no checkout stage, no form…)."""


@dataclass(frozen=True, slots=True)
class Source:
    """A published threshold source (see ../shared/heuristics.md) or auditor's own proposal."""

    title: str
    url: str = ""
    proposed: bool = False  # (P): a cut-off auditor proposes because none is published


@dataclass(frozen=True, slots=True)
class CheckMeta:
    id: str  # kebab-case, named after the friction: "surprise-fees"
    title: str  # the passing state, for the report
    failure_title: str  # the failing state
    scope: str = "stage"  # "stage" | "journey"
    applies_to: tuple[str, ...] = ()  # stage kinds; () = every stage
    defaults: Mapping[str, Any] = field(default_factory=dict)  # options a policy may override
    description: str = ""


class Context:
    """Given to ``run``: the merged options, the journey, and cached parses of stage DOMs."""

    def __init__(self, meta: CheckMeta, journey: Journey, options: Mapping[str, Any],
                 trees: dict[str, Any] | None = None):
        self.meta = meta
        self.journey = journey
        self.options = dict(options)
        # Shared between the checks of one journey so each stage's DOM is parsed once.
        self._trees: dict[str, Any] = trees if trees is not None else {}

    @property
    def device(self) -> str:
        return self.journey.device.name

    def tree(self, stage: StageCapture):
        """lxml tree of the stage's DOM (parsed once per stage, shared by all checks)."""
        key = stage.stage
        if key not in self._trees:
            html = stage.dom or "<html></html>"
            try:
                self._trees[key] = lxml.html.document_fromstring(html)
            except (ValueError, lxml.etree.ParserError):
                self._trees[key] = lxml.html.document_fromstring("<html></html>")
        return self._trees[key]

    def finding(self, stage: StageCapture | str, *, severity: str, title: str, measured: Any, threshold: Any,
                source: Source, recommendation: str, evidence: Iterable[Evidence] = (), unit: str = "",
                key: str = "", detail: str = "") -> Finding:
        stage_id = stage if isinstance(stage, str) else stage.stage
        return Finding(check=self.meta.id, stage=stage_id, device=self.device, severity=severity, title=title,
                       measured=measured, threshold=threshold, unit=unit, source=source.title,
                       source_url=source.url, proposed=source.proposed, recommendation=recommendation,
                       evidence=tuple(evidence), detail=detail, key=key or title,
                       scenario=self.journey.scenario)

    def passed(self, stage: StageCapture | str, title: str, evidence: Iterable[Evidence] = (),
               measured: Any = None) -> Passed:
        stage_id = stage if isinstance(stage, str) else stage.stage
        return Passed(check=self.meta.id, stage=stage_id, device=self.device, title=title,
                      evidence=tuple(evidence), measured=measured)


# ---- element-table helpers shared by checks ------------------------------------------------------

def visible(elements: Iterable[Element]) -> list[Element]:
    return [e for e in elements if e.visible]


def text_of(stage: StageCapture, *, visible_only: bool = True) -> str:
    """All own text of the stage's visible elements, in document order."""
    return " ".join(e.text for e in stage.elements if e.text and (e.visible or not visible_only))


def find_text(stage: StageCapture, pattern: re.Pattern, *, tags: Iterable[str] | None = None) -> list[Element]:
    """Visible elements whose text or accessible name matches; innermost matches only."""
    tagset = set(tags) if tags else None
    hits = [e for e in stage.elements if e.visible and (tagset is None or e.tag in tagset)
            and (pattern.search(e.text or "") or pattern.search(e.name or ""))]
    # Prefer the smallest box: a <td> rather than its <table>.
    hits.sort(key=lambda e: e.box.area if e.box else float("inf"))
    out: list[Element] = []
    for h in hits:
        if not any(h.box and o.box and o.box.x >= h.box.x and o.box.right <= h.box.right and o.box.y >= h.box.y
                   and o.box.bottom <= h.box.bottom and o.selector.startswith(h.selector) for o in out):
            out.append(h)
    out.sort(key=lambda e: e.index)
    return out
