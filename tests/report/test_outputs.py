"""report.json, captures/, summary.md, junit.xml, the comparison and the trend charts."""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

import auditor.report as report
from auditor.errors import ConfigError
from auditor.model import SCHEMA_VERSION
from auditor.report import junit, load_captures, load_report, write_report
from auditor.report.catalog import format_value, group_items, number_findings
from auditor.report.markdown import md

from .factory import XSS, make_run


def test_public_api_is_pinned():
    assert sorted(report.__all__) == ["ReportFiles", "load_captures", "load_report", "save_captures", "write_report"]


def test_report_json_round_trips_with_captures(written):
    run, files = written
    data = json.loads(files.report_json.read_text())
    assert data["schema_version"] == SCHEMA_VERSION and data["kind"] == "auditor-report"
    assert {"run", "summary", "scenarios", "journeys", "findings", "passed", "results", "gate", "comparison",
            "files"} <= set(data)
    stage = data["journeys"][0]["stages"][0]
    assert "elements" not in stage and "dom" not in stage and stage["annotated"].startswith(("annotated/desktop/", "screenshots/desktop/"))
    f = data["findings"][0]
    assert {"fingerprint", "number", "measured", "threshold", "unit", "source", "source_url", "evidence",
            "recommendation", "proposed", "crop", "located"} <= set(f)
    assert f["evidence"][0]["box"] and f["evidence"][0]["selector"]
    assert load_report(files.run_dir) == run
    assert [j.id for j in load_captures(files.run_dir)] == [j.id for j in run.journeys]
    assert load_captures(files.run_dir)[0].stages[0].elements, "captures keep the element table"


def test_report_json_without_captures_still_loads(tmp_path, written):
    run, files = written
    shutil.copy(files.report_json, tmp_path / "report.json")
    loaded = load_report(tmp_path / "report.json")
    assert loaded.results == run.results and loaded.gate == run.gate
    assert loaded.journeys[0].stages[0].elements == () and loaded.journeys[0].stages[0].timing == run.journeys[0].stages[0].timing


def test_foreign_schema_is_refused(tmp_path):
    (tmp_path / "report.json").write_text(json.dumps({"kind": "auditor-report", "schema_version": "9.0"}))
    with pytest.raises(ConfigError, match="schema version 9.0"):
        load_report(tmp_path)


def test_summary_md_is_small_and_inert(hostile):
    run, files = hostile
    text = files.summary_md.read_text()
    assert len(text.splitlines()) <= 60 and len(text) < 65_000
    ours = text.replace("<sub>", "").replace("</sub>", "")
    assert "<" not in ours, "every < from the page is an entity"
    assert "](javascript" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "(index.html)" in text and "gate failed" in text
    # Every unescaped "[" opens one of our own links: to the report or a finding in it.
    for m in re.finditer(r"(?<!\\)\[([^\]]*)\]\(([^)]*)\)", text):
        assert m.group(2).startswith("index.html"), m.group(0)


def test_summary_md_reads_plainly_and_stays_inert():
    # What a reviewer reads raw stays as written …
    assert md("Handling $2.50 appears only at payment (TTFB) — 2,819 ms, 4.5%") == \
        "Handling $2.50 appears only at payment (TTFB) — 2,819 ms, 4.5%"
    assert md("AT&T: 3 items; total: $24.00!") == "AT&T: 3 items; total: $24.00!"
    # … and what could open markup, a link, an image, HTML, a cell or a heading does not.
    assert md("a|b\n[x](javascript:y) *z*") == "a\\|b \\[x\\](javascript:y) \\*z\\*"
    assert md("![pic](https://evil.example/p.png)") == "!\\[pic\\](`https://evil.example/p.png`)"
    assert md("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert md("&lt;b&gt; and &#60;") == "&amp;lt;b&amp;gt; and &amp;#60;"
    assert md("# Free shipping") == "\\# Free shipping" and md("- item").startswith("\\-")
    assert md("`code` _em_ ~~s~~ back\\slash") == "\\`code\\` \\_em\\_ \\~\\~s\\~\\~ back\\\\slash"
    # GitHub links these without markup: they go in code spans, where nothing is a link.
    assert md("see www.evil.example, mail a@b.example or @octocat about #12") == \
        "see `www.evil.example`, mail `a@b.example` or `@octocat` about `#12`"
    assert md("go to https://evil.example/a|b.") == "go to `https://evil.example/a%7Cb`."
    # Two dollar signs could open GitHub math; one cannot.
    assert md("$4.95/$3.49") == "\\$4.95/\\$3.49" and md("$4.95") == "$4.95"
    assert md("line\nbreak\u202eevil") == "line breakevil"


def test_summary_md_lists_each_problem_once(written):
    run, files = written
    text = files.summary_md.read_text()
    assert "| [1](index.html#finding-1) [2](index.html#finding-2) | **critical** |" in text
    assert "checkout · desktop, mobile | $4.95 |" in text, "money as money, both devices in one row"
    rows = [ln for ln in text.splitlines() if ln.startswith("| [")]
    assert len(rows) == len(group_items(number_findings(run))) < len(run.findings)


def test_money_and_values_are_formatted_for_people():
    assert format_value(2.5, "USD") == "$2.50" and format_value(4.95, "EUR") == "€4.95"
    assert format_value(1234.5, "GBP") == "£1,234.50" and format_value(500, "JPY") == "¥500"
    assert format_value(12, "CAD") == "12.00 CAD" and format_value(1.5, "KWD") == "1.500 KWD"
    assert format_value(-3, "USD") == "-$3.00" and format_value([1, 2.5], "usd") == "$1.00, $2.50"
    assert format_value("shown on the product page", "USD") == "shown on the product page"
    assert format_value(2819.0, "ms") == "2,819 ms" and format_value(14, "fields") == "14 fields"
    assert format_value([1, 2], "fields") == "1, 2 fields" and format_value(float("nan"), "USD") == "–"


def test_the_same_problem_on_every_device_gets_consecutive_numbers(written):
    run, _ = written
    items = number_findings(run)
    assert [it.n for it in items] == list(range(1, len(items) + 1))
    ranks = [("critical", "major", "minor", "info").index(it.finding.severity) for it in items]
    assert ranks == sorted(ranks), "worst first"
    groups = group_items(items)
    for g in groups:
        devices = [it.finding.device for it in g.items]
        assert len(set(devices)) == len(devices), "one finding per device in a group"
        if len({it.finding.severity for it in g.items}) == 1:
            ns = [it.n for it in g.items]
            assert ns == list(range(ns[0], ns[0] + len(ns))), ns
    assert any(len(g.items) == 2 for g in groups) and any(len(g.items) == 1 for g in groups)


def test_junit_counts(written, monkeypatch):
    monkeypatch.setattr(junit, "_applies", lambda check, kind: True)  # independent of what is registered
    run, files = written
    xml = junit.render_junit(run, __import__("auditor.report.catalog", fromlist=["x"]).number_findings(run))
    root = ET.fromstring(xml)
    cases = root.findall(".//testcase")
    # desktop 6 results × 4 stages + walk, mobile 7 × 4 + walk, failed journey 1 × 1 + walk
    assert len(cases) == 25 + 29 + 2 == int(root.get("tests"))
    failed = {(c.get("classname"), c.get("name")) for c in cases if c.find("failure") is not None}
    assert failed == {
        ("auditor.hearth-bean-checkout.desktop", "surprise-fees @ checkout"),
        ("auditor.hearth-bean-checkout.desktop", "forced-account @ checkout"),
        ("auditor.hearth-bean-checkout.mobile", "surprise-fees @ checkout"),
        ("auditor.hearth-bean-checkout.mobile", "forced-account @ checkout"),
        ("auditor.hearth-bean-checkout.mobile", "load-timing @ product"),
        ("auditor.returning-customer.mobile", "journey walk"),
    }
    assert root.get("errors") == "4" and root.get("skipped") == "9"
    assert ET.fromstring(files.junit_xml.read_bytes()).tag == "testsuites"


def test_junit_follows_the_gate_level_and_strips_illegal_characters(tmp_path):
    run = make_run(tmp_path, hostile=True)
    run = replace(run, gate=replace(run.gate, fail_on="critical"),
                  journeys=(replace(run.journeys[0], failures=()),) + run.journeys[1:])
    bad = replace(run.results[0], reason="bad \x00\x1b byte")
    run = replace(run, results=(bad,) + run.results[1:])
    root = ET.fromstring(junit.render_junit(run, __import__("auditor.report.catalog", fromlist=["x"]).number_findings(run)))
    failures = [c for c in root.iter("testcase") if c.find("failure") is not None and c.get("name") != "journey walk"]
    assert {c.get("name") for c in failures} == {"surprise-fees @ checkout"}
    assert XSS in failures[0].find("failure").get("message")


def test_comparison_marks_new_fixed_unchanged(tmp_path):
    prev_dir, cur_dir = tmp_path / "prev", tmp_path / "cur"
    prev = make_run(prev_dir, drop=("form-length",), failed_journey=False, run_id="prev-run")
    cur = make_run(cur_dir, drop=("trust-signals",), failed_journey=False)
    mobile = prev.journeys[1]
    slow = replace(mobile.stages[1], timing=replace(mobile.stages[1].timing, lcp_ms=2000.0, ttfb_ms=250.0))
    prev = replace(prev, journeys=(prev.journeys[0], replace(mobile, stages=(mobile.stages[0], slow) + mobile.stages[2:])))
    files = write_report(cur, cur_dir, previous=prev)
    comp = json.loads(files.report_json.read_text())["comparison"]
    new_fps = {f.fingerprint() for f in cur.findings if f.check == "form-length"}
    fixed_fps = {f.fingerprint() for f in prev.findings if f.check == "trust-signals"}
    assert set(comp["new"]) == new_fps and len(new_fps) == 2
    assert set(comp["fixed"]) == fixed_fps and len(fixed_fps) == 3
    assert set(comp["unchanged"]) == {f.fingerprint() for f in cur.findings} - new_fps
    lcp = next(m for m in comp["metrics"] if m["device"] == "mobile" and m["stage"] == "product" and m["metric"] == "lcp_ms")
    assert (lcp["before"], lcp["after"], lcp["direction"]) == (2000.0, 4800.0, "worse")
    same = next(m for m in comp["metrics"] if m["device"] == "desktop" and m["stage"] == "cart" and m["metric"] == "lcp_ms")
    assert same["direction"] == "same"
    html = files.index_html.read_text()
    # the two new findings are one problem (desktop and mobile): one card, marked new once
    assert html.count('class="st st-new">new<') == 1 and "Fixed since then" in html and "▲ +2,800 ms worse" in html
    assert "2 new · 3 fixed" in files.summary_md.read_text()


def test_gate_baseline_marks_findings_without_a_previous_run(tmp_path):
    run = make_run(tmp_path, failed_journey=False)
    fps = [f.fingerprint() for f in run.findings]
    run = replace(run, gate=replace(run.gate, new=(fps[0],), unchanged=tuple(fps[1:]), fixed=("deadbeefdeadbeef",)))
    comp = json.loads(write_report(run, tmp_path).report_json.read_text())["comparison"]
    assert comp["new"] == [fps[0]] and comp["fixed"] == ["deadbeefdeadbeef"] and comp["source"] == "gate"


def test_trend_charts(tmp_path):
    run = make_run(tmp_path, failed_journey=False)
    sc = run.journeys[0].scenario
    past = [{"run_id": f"r{i}", "created_at": "", "metrics": {(sc, "mobile", "product", "lcp_ms"): 2000 + 300 * i,
                                                              (sc, "mobile", "product", "ttfb_ms"): "n/a",
                                                              (sc, "desktop", "cart", "lcp_ms"): 1800},
             "findings": {"critical": i, "major": 1, "minor": 0, "info": 2},
             "regressions": [f"LCP mobile/product +300 ms <b>{i}</b>"] if i else []} for i in range(3)]
    html = write_report(run, tmp_path, trends=past).index_html.read_text()
    assert html.count("<polyline") >= 2 and 'class="bar-critical"' in html
    assert "LCP mobile/product +300 ms &lt;b&gt;2&lt;/b&gt;" in html


def test_paths_from_a_report_never_leave_the_run_dir(tmp_path):
    from auditor.report.paths import inside, safe_link
    (tmp_path / "screenshots").mkdir()
    assert inside(tmp_path, "screenshots/a.jpg") == (tmp_path / "screenshots/a.jpg").resolve()
    for bad in ("../x.jpg", "/etc/passwd", "screenshots/../../x", "C:\\x.jpg", "a\x00b", "", None):
        assert inside(tmp_path, bad) is None, bad
    assert safe_link("https://shop.example/p?a=1&b=2") == "https://shop.example/p?a=1&b=2"
    for bad in ("javascript:alert(1)", " javascript:alert(1)", "JaVaScRiPt:x", "java\tscript:x", "data:text/html,x",
                "//evil.example", "https://a.example/\"onmouseover=x", "vbscript:x", "https://a b"):
        assert safe_link(bad) is None, bad


def test_budgets_notes_and_contended_timings_are_shown(tmp_path):
    run = make_run(tmp_path / "r")
    journeys = tuple(replace(j, stages=tuple(replace(s, timing=replace(s.timing, contended=True)) for s in j.stages))
                     for j in run.journeys)
    gate = replace(run.gate, passed=False, exit_code=1, notes=("LCP on cart is within the tolerance",),
                   budgets=({"budget": "checkout_fields ≤ 12", "where": "auditor.yaml:4", "status": "failed",
                             "at": "checkout [desktop]", "measured": 26, "limit": 12, "samples": 0,
                             "text": "checkout_fields 26 > 12 at checkout [desktop]"},))
    run = replace(run, journeys=journeys, gate=gate, options={"workers": 2})
    files = write_report(run, tmp_path / "r")
    html = files.index_html.read_text()
    assert "checkout_fields ≤ 12" in html and "budget-failed" in html
    assert "LCP on cart is within the tolerance" in html
    assert "2 audit workers shared" in html
    assert "budget broken: checkout\\_fields 26 &gt; 12" in files.summary_md.read_text()
