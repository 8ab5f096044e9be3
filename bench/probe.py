"""One timed run, in a fresh process started by run.py: ``run.py --probe SPEC.json RESULT.json``.

Every measured run is a process of its own, as in CI: interpreter start, imports, Playwright's
driver, the browser launch and its close are paid by auditor and by the bare script alike, and the
parent times the whole process. Inside, auditor runs exactly as ``auditor run`` does (its CLI's
main(), history and all) and reports its phase times; the bare script reports its own launch,
walk and close. The bare side imports nothing of auditor: its scenario arrives as plain JSON.

SPEC: {"kind": "auditor" | "bare", "base_url", "out", ...}
    auditor: "scenarios": [yaml paths], "workers", "devices": [names] (empty: the scenarios')
    bare:    "scenario": {steps, devices, base_url} as written by run.py, "browser": {executable, args}
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from memory import hwm_kb  # bench/ is this script's own directory


def _ns(obj):
    if isinstance(obj, dict):
        return SimpleNamespace(**{k: _ns(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return [_ns(v) for v in obj]
    return obj


def run_bare(spec: dict) -> dict:
    from bare import bare_run

    sc = _ns(spec["scenario"])
    timings: dict = {}
    shots = bare_run(sc, spec["browser"]["executable"], spec["browser"]["args"], Path(spec["out"]), timings=timings)
    version = timings.pop("browser_version", None)
    return {"stages": shots, "phases": {k: {"seconds": v, "count": 1} for k, v in timings.items()},
            "browser_version": version}


def run_auditor(spec: dict) -> dict:
    from auditor.run import phases
    from auditor.cli import main as cli_main

    argv = ["--quiet", "run", *spec["scenarios"], "--base-url", spec["base_url"], "--out", spec["out"],
            "--workers", str(spec.get("workers", 1))]
    for d in spec.get("devices") or ():
        argv += ["--device", d]
    phases.reset()
    rc = cli_main(argv)
    runs = sorted((p for p in Path(spec["out"]).iterdir() if (p / "report.json").is_file()),
                  key=lambda p: p.stat().st_mtime)
    run_dir = runs[-1] if runs else None
    stages = 0
    if run_dir is not None:
        report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
        stages = sum(len(j.get("stages", ())) for j in report.get("journeys", ()))
    return {"rc": rc, "phases": phases.snapshot(), "stages": stages,
            "run_dir": str(run_dir) if run_dir else None}


def main(spec_path: str, result_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    out = run_bare(spec) if spec["kind"] == "bare" else run_auditor(spec)
    out["inner_s"] = time.perf_counter() - t0
    out["python_hwm_kb"] = hwm_kb(os.getpid())
    me = resource.getrusage(resource.RUSAGE_SELF)
    out["python_cpu_s"] = me.ru_utime + me.ru_stime  # all threads of this process, children apart
    Path(result_path).write_text(json.dumps(out), encoding="utf-8")
    return 0 if out.get("rc", 0) in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
