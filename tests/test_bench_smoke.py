"""``bench/run.py --quick`` runs end to end and writes every section, with numbers.

No timing is asserted: this machine's load decides those. The benchmark itself is ``make bench``."""
from __future__ import annotations

import json
import subprocess
import sys
from numbers import Number
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _number(v) -> bool:
    return isinstance(v, Number) and not isinstance(v, bool) and v == v  # not NaN


def test_quick_bench_writes_every_section(tmp_path):
    results = tmp_path / "results"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--results-dir", str(results)],
                          capture_output=True, text=True, timeout=240, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads((results / "latest.json").read_text(encoding="utf-8"))
    stamped = [p for p in results.glob("*.json") if p.name != "latest.json"]
    assert len(stamped) == 1 and json.loads(stamped[0].read_text(encoding="utf-8")) == data
    md = (results / "latest.md").read_text(encoding="utf-8")
    assert md.strip() and md.strip() in proc.stdout

    m = data["machine"]
    assert m["cores"] >= 1 and m["cpu"] is not None and m["python"] and m["playwright"] and m["chromium"]
    assert data["launch_policy"]

    for section in ("comparison", "long_journey"):
        c = data[section]
        assert c["stages"] == 2  # the quick journey: 2 stages on 1 device, captured by both sides
        for key in ("auditor_median_s", "bare_median_s", "ratio", "overhead_s"):
            assert _number(c[key]) and (key == "overhead_s" or c[key] > 0), (section, key)
        assert all(_number(v) for v in c["per_stage"].values()), c["per_stage"]
        phases = c["auditor_phases_s"]
        for name in ("launch", "walk", "capture", "checks", "annotate", "report", "startup", "other"):
            assert _number(phases.get(name)), (section, name, phases)
        assert all(_number(phases[k]) for k in phases)
        assert c["report_dir"]["bytes"] > 0 and c["report_dir"]["files"] > 0

    rows = data["scaling"]["rows"]
    assert {(r["workers"]) for r in rows} == {1, 2}
    assert all(_number(r["jobs_per_minute"]) and r["jobs_per_minute"] > 0 for r in rows)
    assert all(_number(v) for v in data["scaling"]["speedup_workers2"].values())
    floor = data["scaling"]["floor"]
    assert floor["jobs"] == 2 and all(_number(floor[k]) and floor[k] > 0 for k in ("serial_s", "parallel_s", "speedup"))
    assert "The floor's own scaling" in md

    mem = data["memory"]
    assert set(mem) == {"auditor --workers 1", "auditor --workers 2", "bare"}
    for name, row in mem.items():
        for key in ("python_mb", "python_hwm_mb", "browser_mb", "driver_mb", "total_mb"):
            assert _number(row[key]) and row[key] > 0, (name, key)
    assert mem["auditor --workers 2"]["workers_mb"] > 0  # two worker processes were seen
    assert mem["auditor --workers 1"]["report_dir"]["bytes"] > 0

    targets = data["targets"]
    assert set(targets) == {"ratio", "post_walk_per_stage_s", "python_rss_one_worker_mb", "workers2_speedup"}
    assert all(_number(t["value"]) and t["met"] in (True, False) for t in targets.values())
