"""The pytest plugin, as a project that uses it sees it: the example project under example/ is run with
pytest in a process of its own (serially and with ``-n 2``) against the demo shop, served here in its
clean and friction profiles. The same test code must pass on the clean shop and fail on the friction one,
with a message that names the findings and where the report is."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.demo import PROFILES, DemoShop
from auditor.pytest_plugin import ScenarioItem

EXAMPLE = Path(__file__).parent / "example"

# Every test of the example and its outcome; an unlisted one fails the comparison.
EXPECTED = {
    "test_shop.py::test_checkout[clean-chromium]": "PASSED",
    "test_shop.py::test_checkout[friction-chromium]": "FAILED",
    "test_shop.py::test_no_account_wall[clean-chromium]": "PASSED",
    "test_shop.py::test_no_account_wall[friction-chromium]": "FAILED",
    "test_shop.py::test_launch_args[chromium]": "PASSED",
    "scenarios/clean.yaml::checkout[desktop]": "PASSED",
    "scenarios/clean.yaml::checkout[mobile]": "PASSED",
    "scenarios/friction.yaml::checkout[desktop]": "FAILED",
}
WALL = "critical: Shoppers must sign in or create an account to buy — checkout [desktop]"


@dataclass
class Run:
    cwd: Path
    rc: int
    out: str

    @property
    def outcomes(self) -> dict[str, str]:
        """nodeid → outcome, from the -rA summary (which pytest-xdist's controller prints too)."""
        return {nodeid: outcome for outcome, nodeid in re.findall(r"^(PASSED|FAILED|ERROR|SKIPPED) (\S+)", self.out,
                                                                  re.M)}

    def section(self, name: str) -> str:
        """The failure text pytest printed for test ``name`` (its header line to the next one)."""
        m = re.search(rf"^_+ {re.escape(name)} _+$\n(.*?)(?=^_{{3,}} |^={{3,}} )", self.out, re.M | re.S)
        assert m, f"no failure section for {name}:\n{self.out[-3000:]}"
        return m.group(1)

    def report_of(self, name: str) -> Path:
        m = re.search(r"^report: (\S+index\.html)$", self.section(name), re.M)
        assert m, self.section(name)
        return self.cwd / m.group(1)


def pytest_in(cwd: Path, *args: str, timeout: float = 600) -> Run:
    # The hypothesis plugin is not needed there, and its import costs a second or more per process.
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                           "-rA", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return Run(cwd, proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """A copy of the example project whose scenarios point at a clean and a friction shop."""
    with DemoShop(PROFILES["clean"]) as clean, DemoShop(PROFILES["friction"]) as friction:
        root = tmp_path_factory.mktemp("plugin") / "example"
        shutil.copytree(EXAMPLE, root)
        template = (root / "scenarios" / "checkout.yaml").read_text(encoding="utf-8")
        (root / "scenarios" / "checkout.yaml").unlink()
        (root / "scenarios" / "clean.yaml").write_text(template.replace("http://127.0.0.1:8000", clean.url))
        (root / "scenarios" / "friction.yaml").write_text(
            template.replace("http://127.0.0.1:8000", friction.url).replace("[desktop, mobile]", "[desktop]"))
        os.environ["EXAMPLE_CLEAN_URL"], os.environ["EXAMPLE_FRICTION_URL"] = clean.url, friction.url
        try:
            yield root
        finally:
            del os.environ["EXAMPLE_CLEAN_URL"], os.environ["EXAMPLE_FRICTION_URL"]


@pytest.fixture(scope="module")
def serial(example) -> Run:
    return pytest_in(example)


@pytest.fixture(scope="module")
def parallel(example, serial) -> Run:
    return pytest_in(example, "-n", "2", "--ux-report-dir", "ux-reports")


@pytest.mark.browser
@pytest.mark.slow
def test_fixture_passes_the_clean_shop_and_fails_the_friction_one(serial):
    assert serial.rc == 1, serial.out[-3000:]
    assert serial.outcomes == EXPECTED, serial.out[-3000:]
    text = serial.section("test_checkout[friction-chromium]")
    assert text.startswith("auditor: the UX gate failed (fail_on: major, policy: defaults):"), text
    assert f"  {WALL}\n" in text
    assert re.search(r"^findings by check: .*\bforced-account ×1\b", text, re.M), text
    assert "Traceback" not in text and "pytest_plugin.py" not in text  # the message, not the plugin's insides


@pytest.mark.browser
@pytest.mark.slow
def test_reports_are_written_under_the_tests_output_folder(serial):
    report = serial.report_of("test_checkout[friction-chromium]")
    assert report.relative_to(serial.cwd).parts == ("test-results", "test-shop-py-test-checkout-friction-chromium",
                                                    "ux-audit", "index.html")
    data = json.loads((report.parent / "report.json").read_text(encoding="utf-8"))
    assert data["gate"]["passed"] is False
    assert {f["check"] for f in data["findings"]} >= {"forced-account"}
    assert len(list((report.parent / "screenshots" / "desktop").glob("*.jpg"))) == 3  # product, cart, checkout
    passed = serial.cwd / "test-results" / "test-shop-py-test-checkout-clean-chromium" / "ux-audit" / "report.json"
    assert json.loads(passed.read_text(encoding="utf-8"))["gate"]["passed"] is True  # a passing test has one too


@pytest.mark.browser
@pytest.mark.slow
def test_assert_no_names_the_check_the_finding_and_the_line(serial):
    text = serial.section("test_no_account_wall[friction-chromium]")
    line = next(i for i, s in enumerate((EXAMPLE / "test_shop.py").read_text().splitlines(), 1)
                if 'assert_no("forced_account")' in s)
    assert f'budget "no forced-account findings" (test_shop.py:{line}) broken: 1 finding on ' in text, text
    assert "critical Shoppers must sign in or create an account to buy (checkout)" in text
    assert "the UX gate failed" not in text  # fail_on="never" for this test: only the assertion decides


@pytest.mark.browser
@pytest.mark.slow
def test_scenario_files_run_as_one_item_per_device(serial):
    items = {k: v for k, v in serial.outcomes.items() if k.startswith("scenarios/")}
    assert items == {k: v for k, v in EXPECTED.items() if k.startswith("scenarios/")}
    text = serial.section("friction.yaml::checkout[desktop]")
    assert f"  {WALL}\n" in text and "forced-account" in text
    report = serial.report_of("friction.yaml::checkout[desktop]")
    assert (report.parent / "report.json").is_file()
    assert report.relative_to(serial.cwd).parts[:2] == ("test-results", "scenarios-friction-yaml-checkout-desktop")


@pytest.mark.browser
@pytest.mark.slow
def test_xdist_gives_the_same_outcomes(serial, parallel):
    assert re.search(r"created: 2/2 workers", parallel.out), parallel.out[-3000:]
    assert parallel.outcomes == serial.outcomes == EXPECTED, parallel.out[-3000:]
    assert parallel.rc == serial.rc == 1
    report = parallel.report_of("test_checkout[friction-chromium]")
    assert report.relative_to(parallel.cwd).parts[0] == "ux-reports" and report.is_file()
    assert f"  {WALL}\n" in parallel.section("test_checkout[friction-chromium]")


# ---- collection and settings: no browser -----------------------------------------------------------

SCENARIO = """name: shop
base_url: http://127.0.0.1:9
steps:
  - stage: landing
    actions: [{goto: /}]
"""


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "shop.yaml").write_text(SCENARIO)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "prices.yaml").write_text("- 1\n- 2\n")  # not a scenario: must never be read
    (tmp_path / "test_a.py").write_text("def test_a():\n    pass\n")
    return tmp_path


def collected(run: Run) -> list[str]:
    return [line for line in run.out.splitlines() if "::" in line]


def test_yaml_files_are_collected_only_when_named_or_matched(project):
    plain = pytest_in(project, "--collect-only", "-q")
    assert collected(plain) == ["test_a.py::test_a"], plain.out
    named = pytest_in(project, "--collect-only", "-q", "scenarios/shop.yaml", "-k", "mobile")
    assert collected(named) == ["scenarios/shop.yaml::shop[mobile]"], named.out
    matched = pytest_in(project, "--collect-only", "-q", "-o", "ux_scenarios=scenarios/*.yaml", "-m", "ux_scenario")
    assert collected(matched) == [f"scenarios/shop.yaml::shop[{d}]" for d in ("desktop", "mobile")], matched.out


def test_a_bad_scenario_file_is_one_line_naming_its_place(project):
    (project / "scenarios" / "shop.yaml").write_text(SCENARIO.replace("goto: /", "tap: '#x'"))
    run = pytest_in(project, "--collect-only", "scenarios/shop.yaml")
    assert run.rc == pytest.ExitCode.INTERRUPTED, run.out
    assert "scenarios/shop.yaml:5: steps[0].actions[0]: unknown action 'tap'" in run.out
    assert "Traceback" not in run.out


def test_bad_settings_stop_the_run_with_one_line(project):
    (project / "policy.yaml").write_text("fail_on: sometimes\n")
    run = pytest_in(project, "--ux-policy", "policy.yaml")
    assert run.rc == pytest.ExitCode.USAGE_ERROR, run.out
    assert re.search(r"^ERROR: \S*policy\.yaml:1: fail_on: .*sometimes", run.out, re.M), run.out
    run = pytest_in(project, "-o", "ux_fail_on=sometimes")
    assert run.rc == pytest.ExitCode.USAGE_ERROR, run.out
    assert "ux_fail_on = 'sometimes': expected one of info, minor, major, critical, never" in run.out


def test_this_suite_collects_no_scenario_items(request):
    """The plugin loads in auditor's own test runs too: the YAML files under tests/ stay data."""
    assert list(Path(request.config.rootpath, "tests").rglob("*.yaml"))
    assert not [item for item in request.session.items if isinstance(item, ScenarioItem)]
