"""Walk the bundled demo shop once per toggle set and keep the result for every test of the session.

Walking is the expensive part (a real browser, a real server); checks are pure and cheap, so the
e2e tests share one walk per toggle set on the desktop device.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from auditor.audit import AuditOptions, check_run, plan_jobs, walk_jobs
from auditor.demo import SCENARIO, DemoShop, Toggles
from auditor.model import AuditRun
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
        # pytest-playwright's session browser keeps an event loop on this thread; Playwright's sync
        # API refuses to start a second one there, so the walk runs on a thread of its own.
        with ThreadPoolExecutor(1) as pool:
            journeys = pool.submit(walk_jobs, plan_jobs([sc], (device,)), opts, run_dir).result()
        if keep_shop:
            keep_shop(shop)
    run = check_run(journeys, opts, run_dir.name)
    return run
