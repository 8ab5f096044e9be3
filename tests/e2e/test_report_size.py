"""The demo report stays small enough to attach to a CI run: the budget stated in the README.

The friction profile is the heavy one (every finding gets a close-up, every stage with a finding
an annotated copy). Server delays change no byte of the report, so they are left out to keep the walk short.
"""
from __future__ import annotations

import dataclasses

from auditor.demo import PROFILES, DemoShop
from auditor.report import annotate
from clitools import only_run_dir, run_cli

from .demo_runs import DEMO_SCENARIO

DEMO_REPORT_BUDGET_BYTES = 5_000_000  # README, "Reading the report": measured 4.5 MB (friction), 3.6 MB (clean)


def test_the_friction_demo_report_is_under_its_budget(tmp_path):
    with DemoShop(dataclasses.replace(PROFILES["friction"], slow={})) as shop:
        res = run_cli("--quiet", "run", DEMO_SCENARIO, "--base-url", shop.url, "--out", tmp_path, timeout=300)
    assert res.returncode == 1, res.stderr[-3000:]  # the friction profile fails the gate
    run_dir = only_run_dir(tmp_path)
    files = [p for p in run_dir.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    crops = [p for p in files if p.parts[-3] == "annotated" and p.name.startswith("f-")]
    assert len(crops) >= 20, "the friction report has a close-up per finding"
    assert total < DEMO_REPORT_BUDGET_BYTES, f"{total} bytes in {len(files)} files"
    for p in files:
        if p.parts[-3] == "annotated":
            limit = annotate.CROP_BUDGET_BYTES if p.name.startswith("f-") else annotate.STAGE_BUDGET_BYTES
            assert p.stat().st_size <= limit, p
