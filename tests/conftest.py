"""Shared fixtures. The browser comes from pytest-playwright's fixtures, launched through
auditor's own browser resolution so tests use exactly what users get."""
from __future__ import annotations

import pytest

from auditor.walk.browser import IGNORED_DEFAULT_ARGS, launch_args, resolve_browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    choice = resolve_browser()
    args = dict(browser_type_launch_args)
    args["args"] = launch_args()
    args["ignore_default_args"] = list(IGNORED_DEFAULT_ARGS)
    args["headless"] = True
    if choice.executable:
        args["executable_path"] = choice.executable
    return args


@pytest.fixture
def capture_html(browser, tmp_path):
    """capture_html(html, stage="checkout", kind=None, url=..., device="desktop") -> StageCapture"""
    from auditor.walk.snapshot import capture_html as _capture

    def make(html: str, **kwargs):
        kwargs.setdefault("run_dir", tmp_path)
        return _capture(browser, html, **kwargs)

    return make


# Tables a test wants shown at the end of the run (the toggle × check matrix), whatever -s says.
SUMMARY_SECTIONS: list[tuple[str, str]] = []


def pytest_terminal_summary(terminalreporter):
    for title, text in SUMMARY_SECTIONS:
        terminalreporter.write_sep("-", title)
        terminalreporter.write_line(text)


@pytest.fixture
def summary_section():
    """summary_section(title, text): print a table in pytest's terminal summary."""
    return lambda title, text: SUMMARY_SECTIONS.append((title, text))
