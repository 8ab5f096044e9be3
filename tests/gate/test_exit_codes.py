"""The exit codes are the contract CI relies on: 0 passed · 1 gate failed · 2 usage or configuration
error · 3 the site could not be audited. Each one through the CLI, against the demo shop and a closed port."""
from __future__ import annotations

import pytest

from auditor.cli import main
from auditor.errors import EXIT_GATE_FAILED, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE

from hardening.faultserver import closed_port

from .helpers import DEMO_SCENARIO, audit, report, run_cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unreachable_run(tmp_path_factory):
    return audit(f"http://127.0.0.1:{closed_port()}", tmp_path_factory.mktemp("closed"), "--no-history")


def test_exit_0_when_the_clean_shop_passes(clean_run):
    res, run_dir = clean_run
    assert res.returncode == EXIT_OK, res.stdout + res.stderr[-2000:]
    assert "PASSED → exit 0" in res.stdout
    assert report(run_dir)["gate"]["exit_code"] == 0


def test_exit_1_when_the_friction_shop_fails_the_gate(friction_run):
    res, run_dir = friction_run
    assert res.returncode == EXIT_GATE_FAILED, res.stderr[-2000:]
    gate = report(run_dir)["gate"]
    assert gate["exit_code"] == 1 and not gate["passed"]
    assert any("critical" in r for r in gate["reasons"])


def test_exit_3_when_nothing_listens_at_the_base_url(unreachable_run):
    res, run_dir = unreachable_run
    assert res.returncode == EXIT_UNREACHABLE, res.stdout + res.stderr[-2000:]
    assert "ERR_CONNECTION_REFUSED" in " ".join(report(run_dir)["gate"]["reasons"])


def test_exit_3_when_a_step_fails(shop_url, tmp_path):
    scenario = tmp_path / "broken.yaml"
    scenario.write_text(f"""\
name: Broken step
base_url: {shop_url()}
devices: [desktop]
retry: {{attempts: 1}}
limits: {{step_timeout_ms: 2000}}
steps:
  - stage: landing
    actions: [{{goto: /}}]
  - stage: product
    actions: [{{click: "#no-such-link"}}]
""", encoding="utf-8")
    res = run_cli("run", scenario, "--out", tmp_path / "reports", "--no-history")
    assert res.returncode == EXIT_UNREACHABLE, res.stdout + res.stderr[-2000:]
    assert "FAILED at product" in res.stdout


def test_a_site_that_could_not_be_audited_outranks_budgets_and_baselines(unreachable_run, tmp_path):
    """Exit 3 wins over everything else, and such a run cannot become a baseline."""
    _, run_dir = unreachable_run
    res = run_cli("baseline", "save", run_dir, "-o", tmp_path / "b.json")
    assert res.returncode == EXIT_USAGE
    assert "a baseline must come from a run that walked every journey" in res.stderr
    assert not (tmp_path / "b.json").exists()


@pytest.mark.parametrize("argv, message", [
    (["run", "missing.yaml"], "missing.yaml: file not found"),
    (["run", str(DEMO_SCENARIO), "--policy", "nowhere.yaml"], "nowhere.yaml: file not found"),
    (["run", str(DEMO_SCENARIO), "--notify", "slack-please"], "--notify: expected an http(s) URL"),
    (["run", str(DEMO_SCENARIO), "--baseline", "nope.json", "--no-history"], "nope.json: baseline file not found"),
    (["history", "--history", "no-history-here.sqlite"], "no history database here yet"),
    (["baseline", "save", "."], "not a run directory"),
])
def test_exit_2_on_configuration_errors(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([*argv[:1], *argv[1:]]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_exit_2_on_a_bad_policy_names_file_line_and_key(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "auditor.yaml").write_text("fail_on: major\nchecks:\n  long-form: {fieldz: 3}\n", encoding="utf-8")
    assert main(["run", str(DEMO_SCENARIO)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "auditor.yaml:3: checks.long-form.fieldz: unknown option 'fieldz' for check long-form " \
           "(did you mean 'fields'?)" in err


def test_exit_2_on_bad_usage():
    with pytest.raises(SystemExit) as exc:
        main(["run", str(DEMO_SCENARIO), "--fail-on", "sometimes"])
    assert exc.value.code == EXIT_USAGE


def test_a_bug_in_auditor_is_not_mistaken_for_a_verdict(monkeypatch, capsys):
    from auditor import cli
    from auditor.errors import EXIT_INTERNAL

    def broken(args):
        raise RuntimeError("boom")
    monkeypatch.setitem(cli.COMMANDS, "doctor", broken)
    assert cli.main(["doctor"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "doctor"])
