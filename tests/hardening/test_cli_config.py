"""Bad scenarios and policies, from the command line: one line naming file:line: key, what was
expected and found (with a did-you-mean), exit 2, no traceback unless --debug, and never the value
of a secret. No browser is started for any of these."""
from __future__ import annotations

import textwrap
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings

from auditor import cli
from auditor.scenario import devices as devices_mod

from .clirun import run_cli

SET_SECRET = "TopSecret-4242"
GOOD = """\
name: Ok
base_url: http://127.0.0.1:9
devices: [desktop]
steps:
  - stage: landing
    actions:
      - goto: /
"""


def run(tmp_path: Path, text: str, *args: str, name: str = "shop.yaml", env: dict | None = None):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return run_cli(["run", name, "--out", str(tmp_path / "reports"), *args], cwd=tmp_path, env=env, timeout=60)


def assert_one_line_error(res, expected: str) -> str:
    assert res.rc == 2, (res.rc, res.stderr)
    assert "Traceback" not in res.stderr and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert expected in lines[0], lines[0]
    assert not (res.out_dir / "history.sqlite").exists() and not list(res.out_dir.glob("*/report.json"))
    return lines[0]


def test_unknown_key_names_file_line_key_and_suggests(tmp_path):
    bad = GOOD.replace("    actions:", "    actoins:")
    line = assert_one_line_error(run(tmp_path, bad), "shop.yaml:6: steps[0].actoins: unknown key 'actoins'")
    assert "(did you mean 'actions'?)" in line


def test_wrong_type_says_what_was_expected_and_found(tmp_path):
    bad = GOOD.replace("devices: [desktop]", "devices: [desktop]\nlimits: {max_steps: ten}")
    assert_one_line_error(run(tmp_path, bad), "shop.yaml:4: limits.max_steps: expected an integer ≥ 1, found a string ('ten')")


def test_debug_shows_the_traceback(tmp_path):
    res = run(tmp_path, GOOD.replace("    actions:", "    actoins:"), name="dbg.yaml")
    assert res.rc == 2
    debug = run_cli(["--debug", "run", "dbg.yaml"], cwd=tmp_path, timeout=60)
    assert debug.rc != 0 and "Traceback" in debug.stderr and "ScenarioError" in debug.stderr


def test_missing_environment_variable_is_named_and_no_value_is_shown(tmp_path):
    text = GOOD.replace("devices: [desktop]", 'devices: [desktop]\nvariables:\n  known: "${SHOP_SET}"\n'
                        '  password: "${SHOP_PASSWORD_NOT_SET}"')
    text = text.replace("      - goto: /", '      - fill: {selector: "#pw", value: "${password}${known}"}')
    res = run(tmp_path, text, env={"SHOP_SET": SET_SECRET})
    line = assert_one_line_error(res, "shop.yaml:6: variables.password: variable 'SHOP_PASSWORD_NOT_SET' is not set")
    assert "export SHOP_PASSWORD_NOT_SET=" in line
    assert SET_SECRET not in res.stderr + res.stdout


def test_selector_from_the_environment_is_refused_without_its_value(tmp_path):
    text = GOOD.replace("      - goto: /", '      - click: "#${SHOP_SET}"')
    res = run(tmp_path, text, env={"SHOP_SET": SET_SECRET})
    assert_one_line_error(res, "shop.yaml:7: steps[0].actions[0].click: a selector cannot use a value from the environment")
    assert SET_SECRET not in res.stderr


def test_too_many_steps_for_the_limit(tmp_path):
    text = GOOD.replace("devices: [desktop]", "devices: [desktop]\nlimits: {max_steps: 1}") + GOOD[GOOD.index("  - stage"):]
    assert_one_line_error(run(tmp_path, text), "steps: expected at most 1 steps (limits.max_steps), found 2")


def test_invalid_yaml(tmp_path):
    assert_one_line_error(run(tmp_path, "name: [unclosed\n"), "shop.yaml:2: invalid YAML")


def test_missing_file(tmp_path):
    res = run_cli(["run", "nowhere.yaml"], cwd=tmp_path, timeout=60)
    assert res.rc == 2 and "nowhere.yaml: file not found" in res.stderr and "Traceback" not in res.stderr


def test_bad_policy_file(tmp_path):
    (tmp_path / "policy.yaml").write_text("fail_on: majr\n", encoding="utf-8")
    line = assert_one_line_error(run(tmp_path, GOOD, "--policy", "policy.yaml"), "policy.yaml:1: fail_on:")
    assert "did you mean 'major'?" in line


def test_bad_inline_policy(tmp_path):
    text = GOOD.replace("devices: [desktop]", "devices: [desktop]\npolicy: {fail_on: majr}")
    line = assert_one_line_error(run(tmp_path, text), "shop.yaml:4:")
    assert "majr" in line


# In-process from here: `auditor run` on text mutated by the loader's fuzz strategy. Whatever the
# text, the command either reaches the walk (stubbed out) or exits 2 with one line naming the file.

from test_scenario_fuzz import ENV, SECRET, mutated  # noqa: E402 - the loader's own fuzz strategy


class _Walked(Exception):
    pass


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutated())
def test_cli_on_mutated_scenarios(tmp_path, capsys, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")

    def no_walk(*a, **k):
        raise _Walked()

    with mock.patch.dict("os.environ", ENV), mock.patch("auditor.run.pipeline.audit", no_walk), \
            mock.patch.object(devices_mod, "playwright_devices", lambda: {}):
        try:
            rc = cli.main(["-q", "run", str(path), "--out", str(tmp_path / "r")])
        except _Walked:
            return
    err = capsys.readouterr().err
    assert rc == 2, (rc, err)
    assert err.count("\n") == 1 and err.startswith(f"auditor: {path}"), err
    assert SECRET not in err or SECRET in text
