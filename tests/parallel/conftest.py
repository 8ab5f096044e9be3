"""Session fixtures: the demo shops, two scenarios (2 × 2 devices = 4 jobs), and the serial reference run."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from auditor.demo import DemoShop, Toggles

from .helpers import DEMO_SCENARIO, FRICTION_NO_DELAY, SLOW_CATEGORY_MS, only_run_dir, run_cli


@pytest.fixture(scope="session")
def friction_shop():
    with DemoShop(FRICTION_NO_DELAY) as shop:
        yield shop


@pytest.fixture(scope="session")
def slow_shop():
    with DemoShop(Toggles(slow={"category": SLOW_CATEGORY_MS})) as shop:
        yield shop


@pytest.fixture(scope="session")
def two_scenarios(tmp_path_factory) -> list[Path]:
    """The demo scenario and a copy under another name: 2 scenarios × 2 devices = 4 jobs."""
    folder = tmp_path_factory.mktemp("scenarios")
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    a, b = folder / "shop-a.yaml", folder / "shop-b.yaml"
    a.write_text(text, encoding="utf-8")
    b.write_text(re.sub(r"^name: .*$", "name: Second shopper", text, count=1, flags=re.M), encoding="utf-8")
    return [a, b]


@pytest.fixture(scope="session")
def serial_run(friction_shop, two_scenarios, tmp_path_factory):
    """The reference: the four jobs walked one after another, as without --workers."""
    out = tmp_path_factory.mktemp("serial")
    t0 = time.monotonic()
    res = run_cli("run", *two_scenarios, "--base-url", friction_shop.url, "--out", out)
    seconds = time.monotonic() - t0
    assert res.returncode in (0, 1), res.stderr[-3000:]
    return res, only_run_dir(out), seconds
