"""A baseline hides today's findings and catches a new one; fixed findings are reported as fixed.

The baseline comes from the shop without trust signals; the same shop with late fees added must fail
on the fee findings alone, and the unchanged shop must pass. Those two runs go at once, into one
history file: two processes writing the history concurrently."""
from __future__ import annotations

import json
import sqlite3

import pytest

from auditor.cli import main
from auditor.demo import Toggles

from .helpers import DEMO_SCENARIO, NO_TIMING_POLICY, audit, report, run_cli, run_dir_of, start_cli

pytestmark = pytest.mark.browser

NO_TRUST = Toggles(no_trust=True)
NO_TRUST_FEES = Toggles(no_trust=True, late_fees=True)


@pytest.fixture(scope="module")
def runs(shop_url, tmp_path_factory):
    work = tmp_path_factory.mktemp("baseline")
    (work / "auditor.yaml").write_text(NO_TIMING_POLICY, encoding="utf-8")
    res, accepted = audit(shop_url(NO_TRUST), work / "a", "--no-history", cwd=work)
    assert accepted is not None and res.returncode == 1, res.stdout + res.stderr[-3000:]  # trust findings fail
    saved = run_cli("baseline", "save", work / "a", "-o", work / "auditor-baseline.json", cwd=work)
    assert saved.returncode == 0, saved.stderr
    common = ("run", DEMO_SCENARIO, "--device", "desktop", "--baseline", "auditor-baseline.json",
              "--history", work / "shared.sqlite")
    procs = {name: start_cli(*common, "--base-url", shop_url(t), "--out", work / name, cwd=work)
             for name, t in (("fees", NO_TRUST_FEES), ("same", NO_TRUST))}
    done = {name: (p.wait(timeout=240), *p.communicate()) for name, p in procs.items()}
    return work, accepted, done


def _new_findings(run_dir):
    data = report(run_dir)
    new = set(data["gate"]["new"])
    return [f for f in data["findings"] if f["fingerprint"] in new]


def test_the_baseline_file_lists_accepted_findings_and_medians(runs):
    work, accepted, _ = runs
    data = json.loads((work / "auditor-baseline.json").read_text(encoding="utf-8"))
    assert data["kind"] == "auditor-baseline" and data["schema_version"] == 1
    fps = {f["fingerprint"] for f in report(accepted)["findings"]}
    assert {f["fingerprint"] for f in data["findings"]} == fps and fps
    assert {tuple(sorted(f)) for f in data["findings"]} == {
        ("check", "device", "fingerprint", "key", "scenario", "severity", "stage", "title")}
    assert {m["metric"] for m in data["metrics"]} >= {"ttfb_ms", "lcp_ms"}


def test_a_new_friction_fails_on_the_new_findings_only(runs):
    _, _, done = runs
    rc, out, err = done["fees"]
    assert rc == 1, out + err[-2000:]
    new = _new_findings(run_dir_of(out))
    assert new and {f["check"] for f in new} == {"surprise-fees"}
    gate = report(run_dir_of(out))["gate"]
    assert gate["unchanged"], "the trust findings are in the baseline"
    blocking = [r for r in gate["reasons"] if not r.startswith("regression")]
    assert blocking and all(r.endswith("(new)") for r in blocking)
    assert any("appears only at the payment step" in r for r in blocking)


def test_the_same_shop_as_the_baseline_passes(runs):
    work, accepted, done = runs
    rc, out, err = done["same"]
    assert rc == 0, out + err[-2000:]
    data = report(run_dir_of(out))
    assert data["gate"]["new"] == [] and data["gate"]["fixed"] == []
    # the fingerprints are stable across runs: the same friction matches its baseline entry
    assert set(data["gate"]["unchanged"]) == {f["fingerprint"] for f in report(accepted)["findings"]}
    assert data["comparison"]["source"] == "gate" and data["comparison"]["new"] == []


def test_fixed_findings_are_reported_as_fixed(runs, tmp_path, monkeypatch, capsys):
    work, _, done = runs
    fees_dir, same_dir = run_dir_of(done["fees"][1]), run_dir_of(done["same"][1])
    monkeypatch.chdir(work)
    assert main(["baseline", "save", str(fees_dir), "-o", str(tmp_path / "with-fees.json")]) == 0
    out = tmp_path / "recheck"
    assert main(["-q", "check", str(same_dir), "--baseline", str(tmp_path / "with-fees.json"), "--out", str(out)]) == 0
    data = report(out)
    fee_fps = {f["fingerprint"] for f in report(fees_dir)["findings"] if f["check"] == "surprise-fees"}
    assert set(data["gate"]["fixed"]) == fee_fps and data["gate"]["new"] == []
    assert set(data["comparison"]["fixed"]) == fee_fps
    assert f"{len(fee_fps)} fixed" in (out / "summary.md").read_text(encoding="utf-8")


def test_two_runs_wrote_the_history_at_once(runs):
    work, _, done = runs
    con = sqlite3.connect(work / "shared.sqlite")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        rows = dict(con.execute("SELECT run_id, exit_code FROM runs"))
        assert rows == {run_dir_of(done[n][1]).name: done[n][0] for n in ("fees", "same")}
        per_run = dict(con.execute("SELECT r.run_id, COUNT(f.fingerprint) FROM runs r LEFT JOIN findings f "
                                   "ON f.run = r.id GROUP BY r.run_id"))
        for name in ("fees", "same"):
            assert per_run[run_dir_of(done[name][1]).name] == len(report(run_dir_of(done[name][1]))["findings"])
    finally:
        con.close()


@pytest.mark.parametrize("content, message", [
    ("{", "cannot read the baseline"),
    ('{"kind": "auditor-report"}', "not an auditor baseline file"),
    ('{"kind": "auditor-baseline", "schema_version": 9, "findings": [], "metrics": []}',
     "baseline schema version 9 cannot be read"),
    ('{"kind": "auditor-baseline", "schema_version": 1, "findings": [{"fingerprint": 3}], "metrics": []}',
     "findings[0]: missing"),
])
def test_a_broken_baseline_file_is_a_configuration_error(clean_run, tmp_path, capsys, content, message):
    bad = tmp_path / "baseline.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["-q", "check", str(clean_run[1]), "--baseline", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err
