"""Report fixtures: one written report per flavour, shared by the tests that only read it."""
from __future__ import annotations

import pytest

from auditor.report import write_report

from .factory import make_run


@pytest.fixture(scope="session")
def written(tmp_path_factory):
    """(run, files) of the standard run: 2 devices × 4 stages, a failed journey."""
    run_dir = tmp_path_factory.mktemp("report")
    run = make_run(run_dir)
    return run, write_report(run, run_dir)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """(run, files) of a run whose page text is full of markup, script and javascript: URLs."""
    run_dir = tmp_path_factory.mktemp("hostile")
    run = make_run(run_dir, hostile=True)
    return run, write_report(run, run_dir)


@pytest.fixture(scope="session")
def wide(tmp_path_factory):
    """(run, files) of a journey of 8 stages: a journey map wider than the page."""
    run_dir = tmp_path_factory.mktemp("wide")
    run = make_run(run_dir, stages=8, failed_journey=False)
    return run, write_report(run, run_dir)
