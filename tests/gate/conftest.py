"""Session fixtures for the CI-gate tests: demo shops by toggles, and audited runs that many tests
read (walks are the slow part; everything judged offline reuses them)."""
from __future__ import annotations

from contextlib import ExitStack

import pytest

from auditor.demo import DemoShop, Toggles
from auditor.report import load_report

from .helpers import FRICTION_NO_DELAY, audit


@pytest.fixture(scope="session")
def shop_url():
    """shop_url(toggles) → base URL of a demo shop with those toggles (one per distinct toggles)."""
    urls: dict[Toggles, str] = {}
    with ExitStack() as stack:
        def get(toggles: Toggles = Toggles()) -> str:
            if toggles not in urls:
                urls[toggles] = stack.enter_context(DemoShop(toggles)).url
            return urls[toggles]
        yield get


@pytest.fixture(scope="session")
def clean_run(shop_url, tmp_path_factory):
    """The clean shop, desktop, no history: (process, run dir)."""
    res, run_dir = audit(shop_url(), tmp_path_factory.mktemp("clean"), "--no-history")
    assert run_dir is not None, res.stderr[-3000:]
    return res, run_dir


@pytest.fixture(scope="session")
def friction_run(shop_url, tmp_path_factory):
    """The friction profile (without its server delays), desktop, no history: (process, run dir)."""
    res, run_dir = audit(shop_url(FRICTION_NO_DELAY), tmp_path_factory.mktemp("friction"), "--no-history")
    assert run_dir is not None, res.stderr[-3000:]
    return res, run_dir


@pytest.fixture(scope="session")
def clean(clean_run):
    """The clean run as an AuditRun, for verdicts judged offline."""
    return load_report(clean_run[1])
