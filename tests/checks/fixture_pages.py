"""Shared by the check fixture tests: capture each HTML fixture once per session, and compare a check's
findings with a sidecar in the style of axe-core's integration tests — every flagged element listed,
any unlisted hit fails."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from auditor.checks.runner import run_check
from auditor.model import Finding, StageCapture, Timing
from auditor.config.policy import DEFAULT_POLICY
from auditor.walk.snapshot import capture_html, journey_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "checks"
_CACHE: dict[tuple, StageCapture] = {}


def sidecar(check_dir: str) -> dict:
    return json.loads((FIXTURES / check_dir / "expected.json").read_text(encoding="utf-8"))["cases"]


def stub(kind: str, index: int = 0) -> StageCapture:
    """A stage with nothing on it: where the walk came from (a product page before a sign-in wall)."""
    return StageCapture(stage=kind, kind=kind, index=index, step=index, label=kind, device="desktop",
                        url=f"https://shop.example/{kind}", status=200, title=kind, timing=Timing())


def capture(browser, run_dir: Path, check_dir: str, page: str, kind: str, url: str, index: int,
            stage: str | None = None, html_transform=None) -> StageCapture:
    """A page captured once per session (the capture does not depend on the stage's name or position)."""
    key = (check_dir, page, url, html_transform)
    if key not in _CACHE:
        html = (FIXTURES / check_dir / page).read_text(encoding="utf-8")
        if html_transform:
            html = html_transform(html)
        _CACHE[key] = capture_html(browser, html, stage=kind, kind=kind, url=url, run_dir=run_dir)
    return replace(_CACHE[key], stage=stage or kind, kind=kind, index=index, step=index, label=stage or kind)


def journey_for(browser, run_dir: Path, check_dir: str, case: dict):
    stages = [stub(k, i) for i, k in enumerate(case.get("before", []))]
    for spec in case["stages"]:
        stages.append(capture(browser, run_dir, spec.get("dir", check_dir), spec["page"], spec["kind"], spec["url"],
                              len(stages), spec.get("stage")))
    return journey_of(*stages)


def ident(stage: StageCapture, selector: str | None) -> str:
    """How a sidecar names an element: #id, else [name=…], else text=…"""
    el = stage.element(selector) if selector else None
    if el is None:
        return f"selector={selector}"
    if el.attr("id"):
        return "#" + el.attr("id")
    if el.attr("name"):
        return f"[name={el.attr('name')}]"
    return "text=" + (el.text or el.name)


def kind_of(f: Finding) -> str:
    """A finding's sidecar name: its key, without the field part for one-finding-per-field kinds."""
    return ":".join(f.key.split(":")[:2]) if f.key.startswith("superfluous:") else f.key.split(":")[0]


def compare(journey, findings: list[Finding], expected: dict[str, dict]) -> list[str]:
    """Differences between what fired and the sidecar's ``flagged`` block (empty list: they agree)."""
    problems: list[str] = []
    got: dict[tuple[str, str], dict] = {}
    for f in findings:
        entry = got.setdefault((f.stage, kind_of(f)), {"severity": f.severity, "evidence": set(), "count": f.measured})
        for ev in f.evidence:
            stage = journey.stage(ev.stage)
            if "evidence" in expected.get(f.stage, {}).get(kind_of(f), {"evidence": []}):
                entry["evidence"].add(ident(stage, ev.selector))
            if ev.selector and (ev.box is None or ev.box.width <= 0 or ev.box.height <= 0):
                problems.append(f"{f.key}: evidence {ev.selector} has no box")
    want = {(s, k): v for s, kinds in expected.items() for k, v in kinds.items()}
    for key in sorted(set(got) - set(want)):
        problems.append(f"unexpected finding {key}: {sorted(got[key]['evidence'])}")
    for key in sorted(set(want) - set(got)):
        problems.append(f"missing finding {key}")
    for key in sorted(set(want) & set(got)):
        w, g = want[key], got[key]
        if w["severity"] != g["severity"]:
            problems.append(f"{key}: severity {g['severity']}, expected {w['severity']}")
        if "evidence" in w and set(w["evidence"]) != g["evidence"]:
            problems.append(f"{key}: evidence extra {sorted(g['evidence'] - set(w['evidence']))}, "
                            f"missing {sorted(set(w['evidence']) - g['evidence'])}")
        if "count" in w and w["count"] != g["count"]:
            problems.append(f"{key}: measured {g['count']}, expected {w['count']}")
    return problems


def check_case(module, check_dir: str, case: dict, browser, tmp_path_factory) -> None:
    """Capture a sidecar case's pages, run the check, and assert the findings and passes it lists."""
    run_dir = tmp_path_factory.getbasetemp() / "check-fixtures"
    journey = journey_for(browser, run_dir, check_dir, case)
    result = run_check(module, journey, DEFAULT_POLICY, {}, debug=True)
    assert compare(journey, list(result.findings), case["flagged"]) == []
    titles = " | ".join(p.title for p in result.passed)
    for expected in case.get("passes", []):
        assert expected in titles
