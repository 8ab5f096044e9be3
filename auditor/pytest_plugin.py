"""pytest plugin: friction audits inside the end-to-end tests a team already has, and scenario files
run as pytest items. Loaded through the package's ``pytest11`` entry point; built on pytest-playwright.

    def test_checkout(page, ux_audit):
        page.goto("/cart")
        ux_audit.capture("cart")                 # this page, now, as the stage "cart"
        page.click("#checkout")
        ux_audit.capture("checkout")
        ux_audit.assert_no("surprise-fees")      # judged now, over the stages captured so far
    # After the test body the checks run over every captured stage, the report is written to the
    # test's output folder, and findings at or above the gate's severity fail the test.

Fixtures, each one overridable in a conftest.py (pytest-playwright's layering):
    ux_policy       session   the Policy: --ux-fail-on > --ux-policy (ux_policy) > <rootdir>/auditor.yaml > defaults
    ux_report_dir   function  where this test's report goes
    ux_device       function  the Device the page emulates, read from pytest-playwright's context arguments
    ux_audit        function  capture(), assert_no(), assert_budget(), findings
    browser_type_launch_args  pytest-playwright's, plus auditor's Chromium (walk/browser.py: Playwright's own
                    build, else a system one) and its launch flags; registered after pytest-playwright so
                    it extends that fixture, and a conftest.py override still wins over it.

Scenario files: a YAML file is collected as a scenario when it is named on the command line
(``pytest scenarios/checkout.yaml``) or matches a pattern of the ``ux_scenarios`` setting (with
``ux_scenarios = scenarios/*.yaml``, ``pytest scenarios/`` runs them all). Nothing else is: YAML files
that merely sit in a test directory (fixtures, data) are never read. Each scenario × device is one item,
``checkout.yaml::guest-checkout[mobile]``, marked ``ux_scenario``, selectable with ``-k``/``-m``, spread
by pytest-xdist; it walks in pytest-playwright's ``browser`` (so ``--browser-channel``, ``--headed``,
``--slowmo`` and ``browser_type_launch_args`` apply) and pytest-playwright's ``--base-url`` overrides
the scenario's base_url.

This module is pytest's side only. The audit itself is run/live.py's (``PageAudit``, ``walk_and_judge``):
capture through walk/live.py, the walk through the pipeline's walk_in, checks and the verdict through
check_run, budgets through gate/budgets.py, the report through report/.
"""
from __future__ import annotations

import sys
import warnings
from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

import pytest

from .errors import ConfigError
from .model import SEVERITIES, Device, slug

if TYPE_CHECKING:
    from .config.policy import Policy
    from .run.live import PageAudit
    from .scenario.types import Scenario

# Everything else of auditor is imported where it is used: pytest loads this module in every run of
# every project auditor is installed in (and in each pytest-xdist worker), most of which never use it.
# Here it costs pytest's start-up 10 ms of CPU; the policy, checks, pipeline, report and walker would
# make that 240 ms (tests/test_imports.py lists each deferred import).

_AUDIT = pytest.StashKey["PageAudit"]()
_POLICY = pytest.StashKey["Policy"]()


# ---- options ------------------------------------------------------------------------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("auditor", "auditor: UX friction audits (ux_audit fixture, scenario files)")
    group.addoption("--ux-report-dir", metavar="DIR", default=None,
                    help="write each test's audit report to DIR/<test> (default: pytest-playwright's "
                         "--output folder of the test, under ux-audit/); ini: ux_report_dir")
    group.addoption("--ux-fail-on", metavar="LEVEL", default=None,
                    help="lowest finding severity that fails a test: " + " | ".join(SEVERITIES)
                         + " | never (default: the policy's, major); ini: ux_fail_on")
    group.addoption("--ux-policy", metavar="FILE", default=None,
                    help="policy file (checks, options, budgets, fail_on; docs/policy.md); default: "
                         "<rootdir>/auditor.yaml when present; ini: ux_policy")
    parser.addini("ux_report_dir", "auditor: report folder, as --ux-report-dir", default="")
    parser.addini("ux_fail_on", "auditor: lowest severity that fails a test, as --ux-fail-on", default="")
    parser.addini("ux_policy", "auditor: policy file, as --ux-policy (relative to the ini file)", default="")
    parser.addini("ux_scenarios", "auditor: glob patterns of scenario files to collect (a pattern with a / "
                  "is matched against the path from the rootdir, else against the file name)", type="args",
                  default=[])


def _setting(config: pytest.Config, name: str) -> tuple[str, Path] | None:
    """(value, the folder a relative path in it is read from): the command line over the ini file."""
    value = config.getoption(f"ux_{name}")
    if value:
        return str(value), config.invocation_params.dir
    value = str(config.getini(f"ux_{name}") or "")
    return (value, config.inipath.parent if config.inipath else config.rootpath) if value else None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ux_audit(fail_on=LEVEL): the ux_audit gate's severity for this test")
    config.addinivalue_line("markers", "ux_scenario: a scenario file walked on one device (collected by auditor)")
    if _setting(config, "policy") or _setting(config, "fail_on"):  # a bad one stops the run now, in one line
        config.stash[_POLICY] = _load_policy(config)
    playwright = sys.modules.get("pytest_playwright.pytest_playwright")
    if playwright is not None and config.pluginmanager.is_registered(playwright):
        # Registered now, after every plugin loaded, so that it overrides pytest-playwright's fixture.
        config.pluginmanager.register(_LaunchDefaults(), "auditor-launch-defaults")


def _load_policy(config: pytest.Config, scenarios: Iterable[Scenario] = ()) -> Policy:
    """The CLI's layers (cli.load_policy) with pytest's settings: ux_fail_on > ux_policy >
    <rootdir>/auditor.yaml > a scenario's inline policy > the defaults."""
    from .config.policy import FAIL_ON_LEVELS, load_policy

    files: list[Path] = [p for p in (config.rootpath / "auditor.yaml",) if p.is_file()]
    given = _setting(config, "policy")
    if given:
        files.append(given[1] / given[0])
    fail_on = _setting(config, "fail_on")
    if fail_on and fail_on[0] not in FAIL_ON_LEVELS:
        where = "--ux-fail-on" if config.getoption("ux_fail_on") else "ux_fail_on ="
        raise pytest.UsageError(f"{where} {fail_on[0]!r}: expected one of {', '.join(FAIL_ON_LEVELS)}")
    try:
        return load_policy(files, tuple(scenarios), fail_on=fail_on[0] if fail_on else None)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None


# ---- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def ux_policy(pytestconfig: pytest.Config) -> Policy:
    """The policy every audit of the session is judged by."""
    if _POLICY not in pytestconfig.stash:
        pytestconfig.stash[_POLICY] = _load_policy(pytestconfig)
    return pytestconfig.stash[_POLICY]


@pytest.fixture
def ux_report_dir(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Path:
    """This test's report folder: --ux-report-dir/<test>, else pytest-playwright's output folder
    of the test (``--output``, default test-results/<test>/) under ux-audit/."""
    output_path = Path(request.getfixturevalue("output_path"))
    base = _setting(pytestconfig, "report_dir")
    return base[1] / base[0] / output_path.name if base else output_path / "ux-audit"


@pytest.fixture
def ux_device(request: pytest.FixtureRequest, page: Any, browser_context_args: dict[str, Any],
              pytestconfig: pytest.Config) -> Device:
    """The device the page emulates, as pytest-playwright made its context (``--device``,
    ``browser_context_args``, the ``browser_context_args`` marker)."""
    args = dict(browser_context_args)
    marker = request.node.get_closest_marker("browser_context_args")
    if marker:
        args.update(marker.kwargs)
    viewport = page.viewport_size or {"width": 0, "height": 0}
    mobile = bool(args.get("is_mobile"))
    name = pytestconfig.getoption("device", None) or ("mobile" if mobile else "desktop")
    return Device(str(name), int(viewport["width"]), int(viewport["height"]),
                  float(args.get("device_scale_factor") or 1.0), mobile, bool(args.get("has_touch")),
                  args.get("user_agent"))


@pytest.fixture
def ux_audit(request: pytest.FixtureRequest, page: Any, browser_name: str | None, ux_policy: Policy,
             ux_device: Device, ux_report_dir: Path) -> Iterator[PageAudit]:
    """Capture stages of ``page`` with ``ux_audit.capture(stage)``; they are audited after the test body."""
    policy = ux_policy
    marker = request.node.get_closest_marker("ux_audit")
    if marker and "fail_on" in marker.kwargs:
        policy = replace(policy, fail_on=marker.kwargs["fail_on"])
    base_url = request.getfixturevalue("base_url") if "base_url" in request.fixturenames else None
    from .run.live import PageAudit

    audit = PageAudit(page, name=request.node.name, path=request.node.nodeid, device=ux_device, policy=policy,
                    report_dir=ux_report_dir, first_party=_hosts(base_url),
                    disabled="" if browser_name in (None, "chromium") else
                    f"auditor captures through Chromium; this run uses {browser_name}")
    request.node.stash[_AUDIT] = audit
    yield audit


def _hosts(url: str | None) -> tuple[str, ...]:
    host = urlsplit(url).hostname if url else None
    return (host,) if host else ()


class _LaunchDefaults:
    @pytest.fixture(scope="session")
    @classmethod
    def browser_type_launch_args(cls, browser_type_launch_args: dict[str, Any], browser_name: str | None,
                                 playwright: Any) -> dict[str, Any]:
        """pytest-playwright's launch options, plus what auditor launches Chromium with (walk/browser.py):
        a Chromium found as auditor finds one (unless an executable or a channel is given), its flags
        (--no-sandbox as root, no background networking) and the IPC flooding protection a shopper's
        Chrome has. What is given already stays. Other browsers are left alone."""
        from .walk.browser import IGNORED_DEFAULT_ARGS, launch_args, resolve_browser

        if browser_name not in (None, "chromium"):
            return browser_type_launch_args
        out = dict(browser_type_launch_args)
        given = list(out.get("args") or ())
        out["args"] = given + [a for a in launch_args(bool(out.get("headless", True))) if a not in given]
        out.setdefault("ignore_default_args", list(IGNORED_DEFAULT_ARGS))
        if not out.get("executable_path") and not out.get("channel"):
            choice = resolve_browser(playwright=playwright)
            if choice.executable:
                out["executable_path"] = choice.executable
        return out


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("ux_audit")
    if marker is None:
        return
    from .config.policy import FAIL_ON_LEVELS

    unknown = sorted(set(marker.kwargs) - {"fail_on"})
    if marker.args or unknown:
        pytest.fail(f"{item.nodeid}: @pytest.mark.ux_audit takes fail_on=LEVEL only, not "
                    f"{', '.join(unknown) or repr(marker.args)}", pytrace=False)
    if marker.kwargs.get("fail_on", "major") not in FAIL_ON_LEVELS:
        pytest.fail(f"{item.nodeid}: @pytest.mark.ux_audit(fail_on={marker.kwargs['fail_on']!r}): expected one of "
                    f"{', '.join(FAIL_ON_LEVELS)}", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After the test body: the audit of what it captured. A test that failed on its own keeps its
    failure; its report is still written, and its path shown."""
    try:
        result = yield
    except (Exception, pytest.fail.Exception, pytest.skip.Exception):
        audit = item.stash.get(_AUDIT, None)
        if audit is not None and audit.stages:
            try:
                item.add_report_section("call", "auditor", audit.write())
            except Exception as exc:  # noqa: BLE001 - the test's own failure is the one to show
                item.add_report_section("call", "auditor", f"the report could not be written: {exc}")
        raise
    audit = item.stash.get(_AUDIT, None)
    if audit is not None and (audit.disabled or not audit.stages):
        warnings.warn(pytest.PytestWarning(f"ux_audit: nothing was audited in {item.nodeid}: "
                                           f"{audit.disabled or 'no stage was captured'}"), stacklevel=1)
    elif audit is not None and (failure := audit.gate()):
        pytest.fail(failure, pytrace=False)
    return result


# ---- scenario files as items --------------------------------------------------------------------

def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    if parent.session.isinitpath(file_path) or _wanted(parent.config, file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _wanted(config: pytest.Config, path: Path) -> bool:
    patterns: list[str] = config.getini("ux_scenarios")
    if not patterns:
        return False
    try:
        rel = path.relative_to(config.rootpath).as_posix()
    except ValueError:
        rel = path.as_posix()
    return any(fnmatch(rel if "/" in p else path.name, p) for p in patterns)


class ScenarioFile(pytest.File):
    """One scenario file: an item per device it lists."""

    def collect(self) -> Iterable[pytest.Item]:
        from .scenario.load import load_scenario

        base_url = self.config.getoption("base_url", None)
        scenario = load_scenario(self.path, base_url=base_url or None)
        for device in scenario.devices:
            item = ScenarioItem.from_parent(self, name=f"{slug(scenario.name)}[{device.name}]",
                                            callobj=_walk_item(scenario, device))
            item.add_marker("ux_scenario")
            item.keywords[device.name] = True
            yield item

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ConfigError):  # file:line: key: message, as the CLI prints it
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ScenarioItem(pytest.Function):
    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.path.name}::{self.name}"


def _walk_item(scenario: Scenario, device: Device) -> Callable[..., None]:
    def walk_scenario(browser: Any, browser_name: str | None, ux_policy: Policy, ux_report_dir: Path,
                      pytestconfig: pytest.Config) -> None:
        if browser_name not in (None, "chromium"):
            pytest.skip(f"auditor walks scenarios in Chromium; this run uses {browser_name}")
        policy = _load_policy(pytestconfig, [scenario]) if scenario.policy else ux_policy
        from .run.live import walk_and_judge

        failure = walk_and_judge(scenario, device, browser, policy, ux_report_dir)
        if failure:
            pytest.fail(failure, pytrace=False)
    return walk_scenario
