"""The run history: regressions flagged against the last runs, trends in the report and the terminal,
retention that prunes report directories and keeps rows, and writers that run at once."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest

from auditor.cli import main
from auditor.demo import Toggles
from auditor.gate.history import History, Past
from auditor.gate.regress import ref_key
from auditor.gate.verdict import decide
from auditor.config.policy import DEFAULT_POLICY, policy_from_text
from auditor.report import load_report

from .helpers import audit, report, run_cli, with_lcp

pytestmark = pytest.mark.browser

SEEDS = 3


def fake_run_dir(root, run_id):
    d = root / run_id
    d.mkdir(parents=True)
    (d / "report.json").write_text(json.dumps({"kind": "auditor-report", "run": {"run_id": run_id}}), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def slow_after_clean(clean, shop_url, tmp_path_factory):
    """Three clean runs in the history (the clean run recorded under three ids, each with a report
    directory), then a real run with the product page 1.5 s slower, keeping 2 report directories."""
    out = tmp_path_factory.mktemp("history")
    db = out / "history.sqlite"
    decoy = fake_run_dir(out / "elsewhere", "not-seed-0")  # a row pointing here must never delete it
    with History(db) as h:
        for i in range(SEEDS):
            seed = replace(clean, run_id=f"seed-{i}", created_at=f"2020-01-0{i + 1}T00:00:00+00:00")
            h.record(seed, fake_run_dir(out, seed.run_id) if i else decoy)
    res, run_dir = audit(shop_url(Toggles(slow={"product": 1500})), out, "--history", db, "--keep-runs", "2")
    assert run_dir is not None, res.stderr[-3000:]
    return out, db, res, run_dir, decoy


def test_a_slower_product_page_is_flagged_as_a_regression(slow_after_clean):
    _, _, res, run_dir, _ = slow_after_clean
    gate = report(run_dir)["gate"]
    product = [r for r in gate["regressions"] if " product [desktop]: " in r]
    assert any(r.startswith("TTFB product [desktop]: ") for r in product), gate["regressions"]
    assert any(r.startswith("LCP product [desktop]: ") for r in product), gate["regressions"]
    assert all(f"median of the last {SEEDS} runs" in r for r in product)
    # one load per stage: flagged and shown, but a single load never flips the gate
    assert all("flagged, not gated" in r for r in product)
    assert res.returncode == 0, res.stdout + res.stderr[-2000:]


def test_the_report_draws_the_trends_and_lists_the_regressions(slow_after_clean):
    html = (slow_after_clean[3] / "index.html").read_text(encoding="utf-8")
    assert 'id="trends"' in html and f"Trends over {SEEDS + 1} runs" in html
    assert "LCP product [desktop]: " in html


def test_retention_prunes_report_directories_and_keeps_rows(slow_after_clean):
    out, db, _, run_dir, decoy = slow_after_clean
    assert run_dir.is_dir() and (out / "seed-2").is_dir()
    assert not (out / "seed-1").exists()
    assert decoy.is_dir(), "a directory that is not the run's own report is never deleted"
    con = sqlite3.connect(db)
    try:
        rows = dict(con.execute("SELECT run_id, pruned_at IS NOT NULL FROM runs"))
    finally:
        con.close()
    assert rows == {"seed-0": 1, "seed-1": 1, "seed-2": 0, run_dir.name: 0}


def test_auditor_history_lists_runs_and_trends(slow_after_clean):
    out, db, _, run_dir, _ = slow_after_clean
    res = run_cli("history", "--history", db, "--scenario", "demo shop")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert "4 most recent runs of scenario matching 'demo shop' (4 recorded)" in lines[0]
    assert [ln.split()[2] for ln in lines[3:7]] == [run_dir.name, "seed-2", "seed-1", "seed-0"]
    product = next(ln for ln in lines if ln.strip().startswith("product [desktop]"))
    assert "LCP" in product and "▲" in product
    assert "Regressions in the latest runs:" in res.stdout
    assert run_cli("history", "--history", db, "--scenario", "no such shop").stdout.startswith(f"{db}: no runs")


def test_a_timing_regression_on_a_median_fails_the_gate(clean):
    past = Past({ref_key(_value(clean, "product", "lcp_ms")): [150.0, 160.0, 155.0]}, {}, 3)
    slow = with_lcp(clean, "product", [1600, 1650, 1700])
    gate = decide(slow, DEFAULT_POLICY, past=past)
    assert gate.exit_code == 1
    assert gate.reasons == ("regression: LCP product [desktop]: 1.65 s vs 155 ms (median of the last 3 runs), "
                            "+1.5 s, tolerance 20 % or 250 ms; median of 3 loads",)
    relaxed = decide(slow, policy_from_text("fail_on_regression: false\n"), past=past)
    assert relaxed.exit_code == 0 and relaxed.regressions == gate.regressions
    assert "1 regression(s) flagged; fail_on_regression is off" in relaxed.notes


@pytest.mark.parametrize("samples, past, flagged, gated", [
    ([380, 390, 385], [150.0, 160.0, 155.0], False, False),  # within the tolerance (250 ms)
    ([600], [150.0, 160.0, 155.0], False, False),  # one load: flagged only beyond twice the tolerance
    ([700], [150.0, 160.0, 155.0], True, False),
    ([160, 600, 620], [150.0, 160.0, 155.0], True, False),  # the fastest load is fine: noise, not a slowdown
    ([1600, 1650, 1700], [150.0, 160.0], False, False),  # fewer earlier runs than min_runs: no reference yet
    ([1600, 1650, 1700], [150.0, 160.0, 155.0], True, True),
])
def test_noise_is_not_a_regression(clean, samples, past, flagged, gated):
    ref = Past({ref_key(_value(clean, "product", "lcp_ms")): past}, {}, 3)
    gate = decide(with_lcp(clean, "product", samples), DEFAULT_POLICY, past=ref)
    assert bool(gate.regressions) == flagged
    assert gate.exit_code == (1 if gated else 0)
    assert all(("flagged, not gated" in r) != gated for r in gate.regressions)


def test_a_finding_the_last_run_did_not_have_is_flagged(friction_run):
    run = load_report(friction_run[1])
    j = run.journeys[0]
    worst = next(f for f in run.findings if f.severity == "critical")
    seen = frozenset(f.fingerprint() for f in run.findings if f is not worst)
    gate = decide(run, DEFAULT_POLICY, past=Past({}, {(j.scenario, j.device.name): ("yesterday", seen)}, 3))
    assert gate.regressions == (f"new since run yesterday: critical: {worst.title} — {worst.stage} [{j.device.name}]",)
    assert sum(worst.title in r for r in gate.reasons) == 1  # listed once, as a blocking finding


def _value(run, stage_id, metric):
    from auditor.gate.measure import stage_values
    return next(v for v in stage_values(run, (metric,)) if v.stage == stage_id)


WRITER = """
import sys
from dataclasses import replace
from auditor.gate.history import History
from auditor.report import load_report
run = load_report(sys.argv[1])
for i in range(int(sys.argv[4])):
    with History(sys.argv[2]) as h:  # a new connection per run, as separate processes would
        h.record(replace(run, run_id=f"{sys.argv[3]}-{i}"), None)
"""


def test_concurrent_writers_do_not_corrupt_the_history(clean_run, tmp_path):
    db, n = tmp_path / "history.sqlite", 15
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(clean_run[1]), str(db), tag, str(n)],
                              stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT COUNT(*) FROM runs").fetchone() == (2 * n,)
        metrics = con.execute("SELECT COUNT(*) FROM metrics").fetchone()[0]
        assert metrics and metrics % (2 * n) == 0  # every run wrote all of its rows
    finally:
        con.close()


def test_a_file_that_is_not_a_history_is_a_configuration_error(tmp_path, capsys):
    bad = tmp_path / "history.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    assert main(["history", "--history", str(bad)]) == 2
    assert "cannot use the history database" in capsys.readouterr().err


def _two_scenarios(run, run_id: str, day: int, other_lcp: float):
    """``run`` plus a copy of its journeys under another scenario name whose stages have ``other_lcp``."""
    other = tuple(replace(j, scenario="Other shop", stages=tuple(
        replace(s, timing=replace(s.timing, lcp_ms=other_lcp)) for s in j.stages)) for j in run.journeys)
    return replace(run, run_id=run_id, created_at=f"2020-02-0{day}T00:00:00+00:00", journeys=run.journeys + other)


def test_trends_of_two_scenarios_with_the_same_stages_stay_apart(clean, tmp_path):
    from auditor.gate.history_view import render_history
    from auditor.report.catalog import number_findings
    from auditor.report.trends import trend_view

    db = tmp_path / "history.sqlite"
    with History(db) as h:
        for day, lcp in ((1, 9000.0), (2, 9500.0)):
            h.record(_two_scenarios(clean, f"two-{day}", day, lcp), None)
        latest = _two_scenarios(clean, "two-3", 3, 9900.0)
        past = h.trends(latest)
        text = render_history(h.runs(), path=db, total=h.count())
    view = trend_view(past, latest, number_findings(latest))
    ours, theirs = clean.journeys[0].scenario, "Other shop"
    lines = {s.key: s for s in view.sparks if s.metric == "lcp_ms"}
    other = [s for k, s in lines.items() if k.startswith(theirs + " · ")]
    mine = [s for k, s in lines.items() if k.startswith(ours + " · ")]
    assert other and mine, sorted(lines)
    assert all((s.first, s.last) == (9000.0, 9900.0) for s in other)
    assert all(s.last < 9000.0 for s in mine), "the demo's own LCP line was mixed with the other scenario's"
    assert "Other shop: " in text and f"{ours[:10]}" in text
