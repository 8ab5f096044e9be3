"""--shard 1/2 + --shard 2/2 (run side by side, as two CI machines would) + merge == one full run."""
from __future__ import annotations

import json
import shutil

import pytest

from auditor.gate.history import History
from auditor.report import load_report

from .helpers import comparable, mini_scenario, only_run_dir, run_cli, start_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def shard_dirs(friction_shop, two_scenarios, tmp_path_factory):
    outs, procs = [], []
    for spec, extra in (("1/2", ()), ("2/2", ("--keep-runs", "5"))):
        out = tmp_path_factory.mktemp("shard")
        outs.append(out)
        procs.append(start_cli("run", *two_scenarios, "--base-url", friction_shop.url, "--shard", spec, "--out", out,
                               *extra))
    for p, says in zip(procs, ("", "--keep-runs apply to `auditor merge`")):
        stdout, stderr = p.communicate(timeout=240)
        # A shard has no verdict: exit 0 although the friction shop fails the gate.
        assert p.returncode == 0, stderr[-3000:]
        assert "decided by `auditor merge`" in stdout and says in stderr
    return [only_run_dir(o) for o in outs]


def test_shard_runs_are_normal_runs_marked_as_shards(shard_dirs):
    runs = [load_report(d) for d in shard_dirs]
    plan = runs[0].options["plan"]
    assert len(plan) == 4 and runs[1].options["plan"] == plan
    assert [r.options["shard"] for r in runs] == ["1/2", "2/2"]
    assert sorted(k for r in runs for k in r.options["shard_jobs"]) == sorted(plan)
    for r, d in zip(runs, shard_dirs):
        assert len(r.journeys) == 2 and r.gate is None  # the verdict is the merge's
        assert (d / "index.html").is_file() and list((d / "captures").glob("*.json"))


def test_merge_equals_the_full_run(shard_dirs, serial_run, tmp_path):
    s_res, s_dir, _ = serial_run
    history = tmp_path / "history.sqlite"
    res = run_cli("merge", *shard_dirs, "--out", tmp_path / "merged", "--history", history)
    assert res.returncode == s_res.returncode, res.stderr[-3000:]
    merged_dir = only_run_dir(tmp_path / "merged")  # one report
    assert comparable(merged_dir) == comparable(s_dir)
    merged, serial = load_report(merged_dir), load_report(s_dir)
    assert merged.gate is not None and merged.gate.exit_code == serial.gate.exit_code
    assert [m["shard"] for m in merged.options["merged_from"]] == ["1/2", "2/2"]
    assert "shard" not in merged.options and merged.options["plan"] == load_report(shard_dirs[0]).options["plan"]
    shots = [s.screenshot for j in merged.journeys for s in j.stages]
    assert shots and all((merged_dir / rel).is_file() for rel in shots)
    assert "gate (fail on major)" in res.stdout
    # One history entry, for the merged run; the shards recorded nothing (default: OUT/history.sqlite).
    with History(history, create=False) as h:
        assert [r["run_id"] for r in h.runs()] == [merged.run_id]
    assert not any((d.parent / "history.sqlite").exists() for d in shard_dirs)


@pytest.mark.parametrize("which, says", [
    ([0], "shard 2/2 is missing"),
    ([1], "shard 1/2 is missing"),
    ([0, 0, 1], "shard 1/2 is given 2 times"),
])
def test_incomplete_or_repeated_shards_exit_2_naming_the_gap(shard_dirs, tmp_path, which, says):
    res = run_cli("merge", *[shard_dirs[i] for i in which], "--out", tmp_path / "merged")
    assert res.returncode == 2
    assert says in res.stderr
    if len(set(which)) == 1:  # the jobs nobody walked are named
        missing = load_report(shard_dirs[1 - which[0]]).options["shard_jobs"]
        assert all(key in res.stderr for key in missing)
    assert not (tmp_path / "merged").exists()


def test_shards_of_another_plan_do_not_merge(shard_dirs, tmp_path):
    other = tmp_path / "other-shard"
    shutil.copytree(shard_dirs[1], other)
    report = json.loads((other / "report.json").read_text())
    report["run"]["options"]["plan"] = report["run"]["options"]["plan"][:-1] + ["elsewhere.yaml::X::desktop"]
    (other / "report.json").write_text(json.dumps(report))
    res = run_cli("merge", shard_dirs[0], other, "--out", tmp_path / "merged")
    assert res.returncode == 2 and "another plan" in res.stderr and "elsewhere.yaml::X::desktop" in res.stderr


def test_a_run_that_is_not_a_shard_does_not_merge(serial_run, shard_dirs, tmp_path):
    res = run_cli("merge", serial_run[1], shard_dirs[1], "--out", tmp_path / "merged")
    assert res.returncode == 2 and "not a shard run" in res.stderr


def test_an_empty_shard_still_accounts_for_itself(friction_shop, tmp_path):
    # More shards than jobs: shard 2/2 walks nothing, writes a run directory anyway, and merges.
    scenario = mini_scenario(tmp_path, "lonely")
    for spec in ("1/2", "2/2"):
        res = run_cli("run", scenario, "--base-url", friction_shop.url, "--shard", spec, "--out", tmp_path / spec[0])
        assert res.returncode == 0, res.stderr[-3000:]
    empty = only_run_dir(tmp_path / "2")
    assert load_report(empty).journeys == () and load_report(empty).options["shard_jobs"] == []
    res = run_cli("merge", only_run_dir(tmp_path / "1"), empty, "--out", tmp_path / "merged")
    assert res.returncode in (0, 1), res.stderr[-3000:]
    assert [j.scenario for j in load_report(only_run_dir(tmp_path / "merged")).journeys] == ["lonely"]
