"""AuditRun ⇄ report.json (documented in docs/report-schema.md) and captures/<journey-id>.json.

report.json is what other tools read: the run, its journeys *without* element tables and DOM,
every finding with its fingerprint and report number, the passed signals, one result per check
and journey, the gate and the comparison. The full journeys (elements and DOM) go to captures/,
so ``auditor check`` can run the checks again without a browser.
"""
from __future__ import annotations

import json
import math
from collections import OrderedDict
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import ConfigError
from ..model import (SCHEMA_VERSION, AuditRun, CheckResult, Finding, GateResult, Journey, Passed, from_dict,
                     journey_id, to_dict)
from .annotate import LOCATED, Annotations
from .catalog import Item, counts, journey_status

REPORT_KIND = "auditor-report"
CAPTURE_KIND = "auditor-capture"
_HEAVY = ("elements", "dom")  # per-stage fields that live in captures/ only


def _major(version: str) -> str:
    return str(version).split(".", 1)[0]


def capture_path(jid: str) -> str:
    return f"captures/{jid}.json"


def _journey_light(j: Journey, ann: Annotations | None) -> dict[str, Any]:
    d = to_dict(j)
    for s in d["stages"]:
        for k in _HEAVY:
            s.pop(k, None)
        if ann is not None:
            s["annotated"] = ann.stages.get((j.id, s["stage"]))
    d["id"] = j.id
    d["status"] = journey_status(j)
    d["capture"] = capture_path(j.id)
    return d


def _finding(it: Item, ann: Annotations | None) -> dict[str, Any]:
    d = to_dict(it.finding)
    d.update(number=it.n, fingerprint=it.fingerprint, journey=it.journey)
    if it.status:
        d["status"] = it.status
    if ann is not None:
        d["crop"] = ann.crops.get(it.n)
        where = ann.located.get(it.n, "")
        d["located"] = where
        if LOCATED.get(where):
            d["located_note"] = LOCATED[where]
    return d


def report_dict(run: AuditRun, items: Sequence[Item], ann: Annotations | None = None,
                comparison: Mapping[str, Any] | None = None, files: Mapping[str, str] | None = None) -> dict:
    by_pos = {id(it.finding): it for it in items}
    findings = []  # in result order, so load_report rebuilds every CheckResult exactly
    for r in run.results:
        findings += [_finding(by_pos[id(f)], ann) for f in r.findings]
    scen: dict[str, dict] = OrderedDict()
    for j in run.journeys:
        s = scen.setdefault(j.scenario, {"name": j.scenario, "path": j.scenario_path, "base_url": j.base_url,
                                         "devices": []})
        s["devices"].append(j.device.name)
    return {
        "kind": REPORT_KIND,
        "schema_version": run.schema_version or SCHEMA_VERSION,
        "run": {"run_id": run.run_id, "created_at": run.created_at, "tool_version": run.tool_version,
                "options": to_dict(run.options)},
        "summary": {"findings": counts(items), "journeys": {j.id: journey_status(j) for j in run.journeys},
                    "gate_passed": run.gate.passed if run.gate else None},
        "scenarios": list(scen.values()),
        "journeys": [_journey_light(j, ann) for j in run.journeys],
        "findings": findings,
        "passed": [dict(to_dict(p), journey=r.journey) for r in run.results for p in r.passed],
        "results": [{"check": r.check, "journey": r.journey, "outcome": r.outcome, "reason": r.reason,
                     "findings": len(r.findings), "passed": len(r.passed)} for r in run.results],
        "gate": to_dict(run.gate),
        "comparison": comparison,
        "files": dict(files or {}),
    }


def _finite(obj: Any) -> Any:
    """NaN and infinity are not JSON: a check that measured one reports "no value"."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def write_json(path: Path, data: Any, *, indent: int | None = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(_finite(data), ensure_ascii=False, indent=indent, allow_nan=False, default=str,
                      separators=(",", ": ") if indent else (",", ":"))
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _read(path: Path, kind: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {kind}: {exc}", path=str(path)) from exc
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise ConfigError(f"not an {kind} file", path=str(path), hint=f"expected \"kind\": \"{kind}\"")
    version = str(data.get("schema_version", ""))
    if _major(version) != _major(SCHEMA_VERSION):
        raise ConfigError(f"schema version {version or '(none)'} cannot be read by this auditor "
                          f"(reads {_major(SCHEMA_VERSION)}.x)", path=str(path), key="schema_version")
    return data


# ---- captures/ ----------------------------------------------------------------------------------


def save_captures(run: AuditRun, run_dir: Path) -> list[Path]:
    out = []
    for j in run.journeys:
        path = Path(run_dir) / capture_path(j.id)
        write_json(path, {"kind": CAPTURE_KIND, "schema_version": run.schema_version or SCHEMA_VERSION,
                          "journey": to_dict(j)}, indent=None)
        out.append(path)
    return out


def load_captures(run_dir: Path) -> tuple[Journey, ...]:
    """The saved journeys, in the order report.json lists them (file-name order without one)."""
    folder = Path(run_dir) / "captures"
    if not folder.is_dir():
        return ()
    order: list[str] = []
    report = Path(run_dir) / "report.json"
    if report.is_file():
        order = [j.get("id", "") for j in _read(report, REPORT_KIND).get("journeys", [])]
    files = sorted(folder.glob("*.json"), key=lambda p: (order.index(p.stem) if p.stem in order else len(order), p.name))
    return tuple(from_dict(Journey, _read(p, CAPTURE_KIND)["journey"]) for p in files)


# ---- report.json → AuditRun ---------------------------------------------------------------------


def load_report(path: Path) -> AuditRun:
    """The run a report.json describes, with full journeys from captures/ when they are there."""
    path = Path(path)
    if path.is_dir():
        path = path / "report.json"
    data = _read(path, REPORT_KIND)
    full = {j.id: j for j in load_captures(path.parent)}
    journeys = []
    for jd in data.get("journeys", []):
        light = from_dict(Journey, jd)
        journeys.append(full.get(light.id, light))
    grouped: dict[tuple[str, str], dict[str, list]] = {}
    for fd in data.get("findings", []):
        jid = fd.get("journey") or journey_id(fd.get("scenario", ""), fd.get("device", ""))
        grouped.setdefault((fd["check"], jid), {"f": [], "p": []})["f"].append(from_dict(Finding, fd))
    for pd in data.get("passed", []):
        grouped.setdefault((pd["check"], pd.get("journey", "")), {"f": [], "p": []})["p"].append(from_dict(Passed, pd))
    results = []
    for rd in data.get("results", []):
        got = grouped.get((rd["check"], rd["journey"]), {"f": [], "p": []})
        results.append(CheckResult(check=rd["check"], journey=rd["journey"], outcome=rd["outcome"],
                                   findings=tuple(got["f"]), passed=tuple(got["p"]), reason=rd.get("reason")))
    run = data.get("run", {})
    gate = data.get("gate")
    return AuditRun(run_id=run.get("run_id", ""), created_at=run.get("created_at", ""), journeys=tuple(journeys),
                    results=tuple(results), gate=from_dict(GateResult, gate) if gate else None,
                    options=run.get("options", {}) or {}, tool_version=run.get("tool_version", ""),
                    schema_version=str(data.get("schema_version", SCHEMA_VERSION)))
