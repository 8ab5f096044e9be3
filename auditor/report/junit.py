"""junit.xml: one testcase per check × stage × device, plus one "journey walk" case per journey.

A case fails when the check found something at that stage at or above the gate's severity
(``run.gate.fail_on``, default "major"); it is skipped when the check was not applicable, an
error when the check crashed, and passes otherwise (findings below the gate are listed in its
system-out). Written with xml.etree, so text is escaped; characters XML 1.0 cannot carry
(control characters, lone surrogates) are dropped first.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Sequence

from ..checks.registry import by_id
from ..model import AuditRun, Journey, StageCapture, severity_rank, slug
from .catalog import Item, at_or_above, fail_on, format_value

_ILLEGAL = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: object, limit: int = 4000) -> str:
    s = _ILLEGAL.sub("", "" if text is None else str(text))
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _applies(check: str, kind: str) -> bool:
    module = by_id(check)
    applies_to = getattr(getattr(module, "META", None), "applies_to", ())
    return not applies_to or kind in applies_to


def _details(items: Sequence[Item]) -> str:
    out = []
    for it in items:
        f = it.finding
        out.append(f"#{it.n} [{f.severity}] {f.title}\n  measured {format_value(f.measured, f.unit)}, "
                   f"threshold {format_value(f.threshold, f.unit)} ({f.source})\n  fix: {f.recommendation}")
        out += [f"  evidence: {ev.selector or '-'} {ev.text!r}" for ev in f.evidence[:3]]
    return "\n".join(out)


def _case(suite: ET.Element, classname: str, name: str, time: float = 0.0) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=clean(classname, 300), name=clean(name, 300),
                         time=f"{max(time, 0.0):.3f}")


def _walk_case(suite: ET.Element, classname: str, j: Journey) -> None:
    case = _case(suite, classname, "journey walk", j.duration_ms / 1000)
    if j.failure:
        f = j.failure
        case_fail = ET.SubElement(case, "failure", type=clean(f.kind, 60),
                                  message=clean(f"step {f.step + 1} ({f.stage}) failed: {f.message}", 500))
        case_fail.text = clean(f"action: {f.action}\nurl: {f.url}\nattempts: {f.attempts}\n{f.message}")
    elif j.stopped:
        ET.SubElement(case, "system-out").text = clean(j.stopped)


def render_junit(run: AuditRun, items: Sequence[Item]) -> bytes:
    level = fail_on(run)
    by_key: dict[tuple[str, str, str], list[Item]] = {}
    for it in items:
        by_key.setdefault((it.journey, it.finding.check, it.finding.stage), []).append(it)
    root = ET.Element("testsuites", name="auditor")
    totals = dict(tests=0, failures=0, errors=0, skipped=0)
    for j in run.journeys:
        classname = f"auditor.{slug(j.scenario)}.{slug(j.device.name)}"
        suite = ET.SubElement(root, "testsuite", name=clean(f"{j.scenario} [{j.device.name}]", 300))
        _walk_case(suite, classname, j)
        for r in (r for r in run.results if r.journey == j.id):
            stages: list[StageCapture | str] = list(j.stages)
            known = {s.stage for s in j.stages}
            stages += sorted({f.stage for f in r.findings if f.stage not in known})
            if not stages:
                stages = ["(no stage captured)"]
            for st in stages:
                stage_id = st if isinstance(st, str) else st.stage
                case = _case(suite, classname, f"{r.check} @ {stage_id}")
                mine = by_key.get((j.id, r.check, stage_id), [])
                blocking = [it for it in mine if at_or_above(it.finding.severity, level)]
                if r.outcome == "error":
                    ET.SubElement(case, "error", type="check-error", message=clean(r.reason or "check crashed", 500))
                elif r.outcome == "not_applicable":
                    ET.SubElement(case, "skipped", message=clean(r.reason or "not applicable", 500))
                elif blocking:
                    worst = max(blocking, key=lambda it: severity_rank(it.finding.severity))
                    fail = ET.SubElement(case, "failure", type=worst.finding.severity, message=clean(
                        f"{len(blocking)} finding(s) at or above {level}: {worst.finding.title}", 500))
                    fail.text = clean(_details(mine))
                elif not mine and not isinstance(st, str) and not _applies(r.check, st.kind) \
                        and not any(p.stage == stage_id for p in r.passed):
                    ET.SubElement(case, "skipped", message=clean(f"not applicable to {st.kind} stages", 500))
                elif mine:
                    ET.SubElement(case, "system-out").text = clean(_details(mine))
        cases = suite.findall("testcase")
        counts = dict(tests=len(cases), failures=sum(1 for c in cases if c.find("failure") is not None),
                      errors=sum(1 for c in cases if c.find("error") is not None),
                      skipped=sum(1 for c in cases if c.find("skipped") is not None))
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
