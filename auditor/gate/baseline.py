"""Baselines: the findings a team has accepted today, and the timing medians they were measured with.

``auditor baseline save RUN_DIR -o auditor-baseline.json`` writes one; ``auditor run … --baseline FILE``
then gates only on findings that are not in it and on timings worse than it by more than the
tolerance. Findings are matched by ``Finding.fingerprint()`` (scenario, check, stage, device and the
finding's key): no pixels, run ids or amounts, so the same friction matches across runs.

File format (versioned; readers refuse an unknown major version)::

    {"kind": "auditor-baseline", "schema_version": 1, "created_at": …, "run_id": …, "tool_version": …,
     "findings": [{"fingerprint", "scenario", "check", "stage", "device", "title", "severity", "key"}],
     "metrics":  [{"scenario", "device", "stage", "metric", "value", "samples", "throttle"}]}
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..config.policy import TIMING_METRICS
from ..errors import ConfigError
from ..model import AuditRun
from .measure import StageValue, samples_text, stage_values
from .regress import ref_key

KIND = "auditor-baseline"
SCHEMA_VERSION = 1
FINDING_FIELDS = ("fingerprint", "scenario", "check", "stage", "device", "title", "severity", "key")
METRIC_FIELDS = ("scenario", "device", "stage", "metric", "value", "samples", "throttle")


@dataclass(frozen=True, slots=True)
class Baseline:
    path: str
    run_id: str
    created_at: str
    findings: tuple[dict, ...]
    metrics: tuple[dict, ...]

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(f["fingerprint"] for f in self.findings)

    def compare(self, run: AuditRun) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """(new, fixed, unchanged) fingerprints. A baseline finding counts as fixed only where this run
        could have seen it again: its journey was walked, its stage captured, its check ran."""
        known = self.fingerprints
        now = list(dict.fromkeys(f.fingerprint() for f in run.findings))
        new = tuple(fp for fp in now if fp not in known)
        unchanged = tuple(fp for fp in now if fp in known)
        looked = set()
        for j in run.journeys:
            ran = {r.check for r in run.results if r.journey == j.id and r.outcome in ("passed", "failed")}
            looked.update((j.scenario, j.device.name, s.stage, c) for s in j.stages for c in ran)
        seen = set(now)
        fixed = tuple(f["fingerprint"] for f in self.findings if f["fingerprint"] not in seen
                      and (f["scenario"], f["device"], f["stage"], f["check"]) in looked)
        return new, fixed, unchanged

    def reference(self):
        """The timing reference for regress.timing_regressions."""
        table = {(m["scenario"], m["device"], m["stage"], m["metric"], m["throttle"]): m for m in self.metrics}
        basis = f"baseline {Path(self.path).name}"

        def lookup(v: StageValue):
            m = table.get(ref_key(v))
            if m is None:
                return None
            return float(m["value"]), f"{basis}, {samples_text(m['samples'])}"
        return lookup


def baseline_dict(run: AuditRun) -> dict:
    findings, seen = [], set()
    for f in run.findings:
        fp = f.fingerprint()
        if fp in seen:
            continue
        seen.add(fp)
        findings.append({"fingerprint": fp, "scenario": f.scenario, "check": f.check, "stage": f.stage,
                         "device": f.device, "title": f.title, "severity": f.severity, "key": f.key})
    metrics = [{"scenario": v.scenario, "device": v.device, "stage": v.stage, "metric": v.metric,
                "value": round(v.value, 4), "samples": v.samples, "throttle": v.throttle}
               for v in stage_values(run, TIMING_METRICS)]
    return {"kind": KIND, "schema_version": SCHEMA_VERSION,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "run_id": run.run_id, "run_created_at": run.created_at, "tool_version": run.tool_version,
            "journeys": [{"scenario": j.scenario, "device": j.device.name} for j in run.journeys],
            "findings": findings, "metrics": metrics}


def save_baseline(run_dir: Path, out: Path) -> tuple[dict, Path, list[str]]:
    """Write the baseline of the run in ``run_dir`` (or the newest run under it); returns the baseline,
    the run directory it came from and notes worth printing."""
    from ..report import load_report  # deferred (start-up): tests/test_imports.py

    run_dir = newest_run(Path(run_dir))
    run = load_report(run_dir)
    broken = [j for j in run.journeys if j.failures]
    if broken:
        j = broken[0]
        raise ConfigError(f"the walk of {j.scenario} [{j.device.name}] stopped at {j.failure.stage}: a baseline "
                          "must come from a run that walked every journey", path=str(run_dir),
                          hint="fix the walk and run again, then save that run")
    if run.gate is None and run.options.get("shard"):
        raise ConfigError("this is one shard of a run: save the baseline from the merged run (auditor merge)",
                          path=str(run_dir))
    data = baseline_dict(run)
    notes = []
    if data["metrics"] and max(m["samples"] for m in data["metrics"]) < 3:
        notes.append("timings are from single loads: save a baseline from a run with --repeat 3 or more so "
                     "timing regressions are measured against a median")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    return data, run_dir, notes


def newest_run(path: Path) -> Path:
    """A run directory, or a report root (``reports/``): then its most recently written run."""
    if (path / "report.json").is_file():
        return path
    runs = sorted((p for p in path.glob("*/report.json") if p.is_file()), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise ConfigError("not a run directory (no report.json) nor a report root with runs in it", path=str(path))
    return runs[-1].parent


def load_baseline(path: Path) -> Baseline:
    path = Path(path)
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("baseline file not found", path=where,
                          hint="create it with: auditor baseline save reports -o " + str(path)) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the baseline: {exc}", path=where) from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ConfigError("not an auditor baseline file", path=where, hint=f'expected "kind": "{KIND}"')
    version = data.get("schema_version")
    if not isinstance(version, int) or version != SCHEMA_VERSION:
        raise ConfigError(f"baseline schema version {version!r} cannot be read by this auditor (reads "
                          f"{SCHEMA_VERSION})", path=where, key="schema_version",
                          hint="save the baseline again with this version of auditor")
    findings = _rows(data.get("findings"), FINDING_FIELDS, ("fingerprint",), where, "findings")
    metrics = _rows(data.get("metrics"), METRIC_FIELDS, ("value", "samples"), where, "metrics")
    for i, m in enumerate(metrics):
        if not isinstance(m["value"], (int, float)) or isinstance(m["value"], bool) or not isinstance(m["samples"], int):
            raise ConfigError("value must be a number and samples a whole number", path=where, key=f"metrics[{i}]")
    return Baseline(where, str(data.get("run_id", "")), str(data.get("created_at", "")), findings, metrics)


def _rows(items, fields, numeric, where, key) -> tuple[dict, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"expected a list of {key}", path=where, key=key)
    out = []
    for i, item in enumerate(items):
        missing = [f for f in fields if not isinstance(item, dict) or f not in item]
        if missing:
            raise ConfigError(f"missing {', '.join(missing)}", path=where, key=f"{key}[{i}]")
        text = [f for f in fields if f not in numeric and not isinstance(item[f], str)]
        if text:
            raise ConfigError(f"{text[0]} must be a string", path=where, key=f"{key}[{i}]")
        out.append({f: item[f] for f in fields})
    return tuple(out)
