"""Walk the bundled demo shop once per toggle set and keep the result for every test of the session.

Walking is the expensive part (a real browser, a real server); checks are pure and cheap, so the
e2e tests share one walk per toggle set on the desktop device.
"""
from __future__ import annotations

from pathlib import Path

from clitools import walk_on_a_thread

from auditor.demo import SCENARIO, DemoShop, Toggles
from auditor.model import AuditRun
from auditor.run.pipeline import check_run
from auditor.run.plan import AuditOptions
from auditor.scenario.load import load_scenario

DEMO_SCENARIO = SCENARIO

# One friction at a time, and the check that must be the only one to fire for it.
TOGGLES: dict[str, tuple[Toggles, str]] = {
    "slow": (Toggles(slow={"product": 2800}), "slow-load"),
    "account_wall": (Toggles(account_wall=True), "forced-account"),
    "long_form": (Toggles(long_form=True), "long-form"),
    "no_trust": (Toggles(no_trust=True), "missing-trust-signals"),
    "late_fees": (Toggles(late_fees=True), "surprise-fees"),
}


def walk_demo(toggles: Toggles, run_dir: Path, *, scenario: Path = DEMO_SCENARIO, device: str = "desktop",
              keep_shop=None) -> AuditRun:
    """Walk the demo scenario against a fresh shop with these toggles; return the checked run.
    ``keep_shop(shop)`` is called before the shop stops, for tests that read server state."""
    with DemoShop(toggles) as shop:
        sc = load_scenario(scenario, base_url=shop.url)
        opts = AuditOptions(out_dir=run_dir.parent)
        journeys = walk_on_a_thread(sc, opts, run_dir, (device,))
        if keep_shop:
            keep_shop(shop)
    run = check_run(journeys, opts, run_dir.name)
    return run
