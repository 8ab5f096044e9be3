"""Policy files are validated like scenarios: every problem as file:line: key.path: message, with
"did you mean"; the layers merge in a documented order."""
from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli import load_policy
from auditor.errors import PolicyError
from auditor.config.policy import DEFAULT_POLICY, load_policy_file, policy_from_text
from auditor.config.policy import load_policy as merge_layers
from auditor.scenario.load import load_scenario

from .helpers import DEMO_SCENARIO, ROOT


def test_the_example_policy_is_valid_and_means_what_it_says():
    p = load_policy_file(ROOT / "examples" / "auditor.yaml")
    assert p.fail_on == "major" and p.fail_on_regression
    assert p.options_for(_meta("slow-load"))["lcp_ms"] == {"good": 2500, "poor": 4000}
    labels = [b.label for b in p.budgets]
    assert labels == ["lcp_ms ≤ 2.5 s on mobile at product, cart, checkout", "checkout_fields ≤ 12",
                      "surprise-fees: at most 0 findings", "forced-account: at most 0 findings at critical or worse"]
    assert p.budgets[0].max == 2500 and p.budgets[0].where.endswith("auditor.yaml:23")
    assert (p.tolerance.timing_pct, p.tolerance.timing_ms, p.tolerance.cls) == (20, 250, 0.02)
    assert (p.retention.keep_runs, p.retention.keep_days) == (30, 30)
    assert p.notify.url == "${SLACK_WEBHOOK_URL}" and p.notify.on == ("failed", "regression")


def _meta(check_id):
    from auditor.checks.registry import by_id
    return by_id(check_id).META


BAD = [
    ("fail_on: majr\n", 1, "fail_on", "did you mean 'major'?"),
    ("checks:\n  slow-laod: {}\n", 2, "checks.slow-laod", "did you mean 'slow-load'?"),
    ("checks:\n  slow-load:\n    lcp_m: {good: 3000}\n", 3, "checks.slow-load.lcp_m", "did you mean 'lcp_ms'?"),
    ("checks:\n  slow-load:\n    lcp_ms: {good: fast}\n", 3, "checks.slow-load.lcp_ms.good", "expected a number"),
    ("checks:\n  slow-load:\n    tablet: {fields: 3}\n", 3, "checks.slow-load.tablet.fields", "unknown metric"),
    ("checks:\n  long-form:\n    fields: {good: 20, poor: 12}\n", 3, "checks.long-form.fields",
     "good (20) must not be above poor (12)"),
    ("checks:\n  long-form:\n    severity: {no-label: high}\n", 3, "checks.long-form.severity.no-label",
     "expected 'info' or 'minor' or 'major' or 'critical'"),
    ("checks:\n  long-form:\n    enabled: yes please\n", 3, "checks.long-form.enabled", "expected true or false"),
    ("checks:\n  missing-trust-signals: {cue_radius_px: 1.5}\n", 2, "checks.missing-trust-signals.cue_radius_px",
     "expected a whole number"),
    ("checks:\n  surprise-fees: {tax_may_appear_late: \"no\"}\n", 2, "checks.surprise-fees.tax_may_appear_late",
     "expected true or false"),
    ("budgets:\n  - {metric: lcp, max: 2500}\n", 2, "budgets[0].metric", "did you mean 'lcp_ms'?"),
    ("budgets:\n  - {metric: lcp_ms, max: soon}\n", 2, "budgets[0].max", "a duration such as 2500 (ms) or 2.5s"),
    ("budgets:\n  - {metric: checkout_fields, max: 12.5}\n", 2, "budgets[0].max", "a whole number"),
    ("budgets:\n  - {check: surprise-fees, max: 0}\n", 2, "budgets[0].max", "does not apply to a check budget"),
    ("budgets:\n  - {check: surprise-fee, max_findings: 0}\n", 2, "budgets[0].check", "did you mean 'surprise-fees'?"),
    ("budgets:\n  - {max: 3}\n", 2, "budgets[0]", "either a metric or a check"),
    ("budgets:\n  - {check: forced-account}\n", 2, "budgets[0]", "missing required key 'max_findings'"),
    ("budgets:\n  - {check: forced-account, max_findings: 0, severty: critical}\n", 2, "budgets[0].severty",
     "did you mean 'severity'?"),
    ("checks:\n  surprise-fees: false\nbudgets:\n  - {check: surprise-fees, max_findings: 0}\n", 4, "budgets[0]",
     "which the policy disables"),
    ("tolerance: {timing_pct: -5}\n", 1, "tolerance.timing_pct", "expected a number ≥ 0"),
    ("tolerance: {min_samples: 0}\n", 1, "tolerance.min_samples", "expected a whole number ≥ 1"),
    ("regressions: {metrics: [lcp_ms, speed]}\n", 1, "regressions.metrics[1]", "expected 'ttfb_ms'"),
    ("retention: {keep_run: 3}\n", 1, "retention.keep_run", "did you mean 'keep_runs'?"),
    ("notify: {url: \"ftp://hooks.example\"}\n", 1, "notify.url", "expected an http(s) URL"),
    ("notify: {on: [always]}\n", 1, "notify.on[0]", "expected 'failed' or 'regression'"),
    ("fail_on: major\nfail_on: minor\n", 2, "fail_on", "duplicate key"),
    ("fail_on_regresion: true\n", 1, "fail_on_regresion", "did you mean 'fail_on_regression'?"),
]


@pytest.mark.parametrize("text, line, key, message", BAD, ids=[b[2] for b in BAD])
def test_problems_name_file_line_and_key(tmp_path, text, line, key, message):
    path = tmp_path / "auditor.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as exc:
        load_policy_file(path)
    err = exc.value
    assert (err.path, err.line, err.key) == (str(path), line, key), str(err)
    assert message in str(err)
    assert str(err).startswith(f"{path}:{line}: {key}: ")


def test_device_overrides_and_shorthands_are_accepted():
    p = policy_from_text("checks:\n  slow-load:\n    mobile: {lcp_ms: {good: 3000}}\n    Pixel 7: {cls: [0.1, 0.3]}\n"
                         "  long-form: false\nnotify: https://hooks.example/T0/B0/xyz\n"
                         "budgets:\n  - {metric: lcp_ms, max: 2500 ms, stages: checkout, name: Fast checkout}\n")
    assert p.checks["slow-load"]["mobile"] == {"lcp_ms": {"good": 3000}}
    assert p.checks["slow-load"]["Pixel 7"] == {"cls": {"good": 0.1, "poor": 0.3}}
    assert not p.enabled("long-form")
    assert p.notify.url.startswith("https://hooks.example/")
    b = p.budgets[0]
    assert (b.max, b.stages, b.label) == (2500, ("checkout",), "Fast checkout")


def test_a_scenario_inline_policy_reports_lines_of_the_scenario_file(tmp_path):
    scenario = tmp_path / "shop.yaml"
    scenario.write_text("name: Shop\nbase_url: http://127.0.0.1:9\nsteps:\n  - stage: landing\n"
                        "    actions: [{goto: /}]\npolicy:\n  fail_on: minor\n  budgets:\n"
                        "    - {metric: checkout_felds, max: 10}\n", encoding="utf-8")
    sc = load_scenario(scenario)  # the scenario loader leaves the policy to the policy loader
    with pytest.raises(PolicyError) as exc:
        merge_layers([], [sc])
    assert (exc.value.path, exc.value.line, exc.value.key) == (str(scenario), 9, "policy.budgets[0].metric")
    assert "did you mean 'checkout_fields'?" in str(exc.value)


def test_layers_merge_in_the_documented_order(tmp_path, monkeypatch):
    """--fail-on > --policy FILE > ./auditor.yaml > the scenario's policy: > defaults; mappings merge key
    by key, and a budget on the same target is replaced while others add up."""
    monkeypatch.chdir(tmp_path)
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    scenario = tmp_path / "shop.yaml"
    scenario.write_text(text + "policy:\n  fail_on: minor\n  fail_on_regression: false\n  checks:\n"
                        "    long-form: {fields: {good: 9}}\n  budgets:\n    - {metric: checkout_fields, max: 20}\n"
                        "  tolerance: {timing_ms: 50}\n", encoding="utf-8")
    Path("auditor.yaml").write_text("fail_on: critical\nchecks:\n  long-form: {fields: {poor: 30}}\nbudgets:\n"
                                    "  - {metric: checkout_fields, max: 15}\n"
                                    "  - {check: surprise-fees, max_findings: 0}\n", encoding="utf-8")
    Path("strict.yaml").write_text("tolerance: {timing_pct: 5}\nbudgets:\n  - {metric: checkout_fields, max: 10}\n",
                                   encoding="utf-8")
    sc = load_scenario(scenario)
    p = load_policy(Path("strict.yaml"), None, [sc])
    assert p.path == "shop.yaml (inline) + auditor.yaml + strict.yaml"
    assert p.fail_on == "critical" and p.fail_on_regression is False
    assert p.checks["long-form"]["fields"] == {"good": 9, "poor": 30}
    assert (p.tolerance.timing_pct, p.tolerance.timing_ms) == (5, 50)
    assert [(b.label, Path(b.path).name) for b in p.budgets] == [
        ("surprise-fees: at most 0 findings", "auditor.yaml"), ("checkout_fields ≤ 10", "strict.yaml")]
    assert load_policy(None, "info", [sc]).fail_on == "info"  # the flag wins over every file
    assert load_policy(None, None, []).path == "auditor.yaml"


def test_no_policy_anywhere_is_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_policy(None, None, []) is DEFAULT_POLICY


def test_two_scenarios_with_different_inline_policies_are_refused(tmp_path):
    paths = []
    for name, level in (("a", "minor"), ("b", "major")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"name: {name}\nbase_url: http://127.0.0.1:9\nsteps:\n  - stage: landing\n"
                        f"    actions: [{{goto: /}}]\npolicy:\n  fail_on: {level}\n", encoding="utf-8")
        paths.append(path)
    with pytest.raises(PolicyError, match="different inline policies"):
        merge_layers([], [load_scenario(p) for p in paths])


def test_docs_policy_lists_every_option_and_metric():
    from auditor.checks.registry import ALL_CHECKS
    from auditor.config.budgets import METRICS
    from auditor.config.policy import KEYS

    text = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    names = [k for m in ALL_CHECKS for k in m.META.defaults] + [m.META.id for m in ALL_CHECKS]
    names += list(METRICS) + list(KEYS)
    names += list(_meta("long-form").defaults["severity"])
    missing = [n for n in names if f"`{n}`" not in text and f"{n}`" not in text and f" {n}," not in text]
    assert missing == []
