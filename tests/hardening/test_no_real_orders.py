"""No real orders: without ``allow_submit: true`` the walk stops before the purchase, however the
scenario spells the final click, and the shop's server never sees an order. Both ways: with
``allow_submit: true`` the same walk does place one."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import auditor.demo
from auditor.demo import PROFILES, DemoShop

from .clirun import run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUNDLED = auditor.demo.SCENARIO
FINAL = '      - place_order: "#place-order"   # the final purchase; runs only with allow_submit: true\n'
# The same purchase, written three ways a scenario author might.
SPELLINGS = {
    "place-order": FINAL,
    "click": '      - click: "#place-order"\n',
    "enter-in-card-field": '      - press: {selector: "#card-cvc", key: Enter}\n',
    "same-step-as-the-navigation": '      - click: "#place-order"\n',
}
LAST_STAGE = {"same-step-as-the-navigation": "checkout"}  # its step reaches payment and stops there


CONTINUE = '      - click: "#continue-to-payment"\n'


def demo_scenario(tmp_path: Path, name: str, final_action: str, allow_submit: bool) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    assert FINAL in text and CONTINUE in text and "allow_submit: true" in text, "the bundled demo scenario changed"
    if name != "place-order":  # the bundled file as it is; the other spellings skip its friction-only fills
        text = "".join(line for line in text.splitlines(keepends=True) if "optional: true" not in line)
    if name == "same-step-as-the-navigation":
        # "#place-order" arrives only with the payment page: judged before it exists, it would slip through.
        text = text[:text.index("  - stage: confirmation")].replace(CONTINUE, CONTINUE + final_action)
    else:
        text = text.replace(FINAL, final_action)
    text = re.sub(r"(?m)^allow_submit: true.*$", f"allow_submit: {str(allow_submit).lower()}", text)
    text = re.sub(r"(?m)^name: .*$", f"name: no-order {name}", text)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def orders(shop: DemoShop) -> dict:
    return dict(shop.app.store._orders)  # the demo keeps orders in memory: auditor/demo/state.py Store


def test_final_submit_is_stopped_in_every_spelling_and_no_order_reaches_the_shop(tmp_path):
    paths = [demo_scenario(tmp_path, name, action, allow_submit=False) for name, action in SPELLINGS.items()]
    with DemoShop(PROFILES["clean"]) as shop:
        res = run_cli(["run", *map(str, paths), "--base-url", shop.url, "--device", "desktop",
                       "--out", str(tmp_path / "reports")], cwd=tmp_path)
        placed = orders(shop)
    assert "Traceback" not in res.stderr, res.stderr
    assert placed == {}, f"an order was placed: {placed}"
    assert res.rc != 3 and res.rc in (0, 1), res.stderr
    journeys = res.report["journeys"]
    assert len(journeys) == len(SPELLINGS)
    for name, j in zip(SPELLINGS, journeys):
        assert j["scenario"] == f"no-order {name}"
        assert not j["failures"], j["failures"]
        assert j["stopped"] and "Stopped before placing a real order" in j["stopped"], j["scenario"]
        assert "allow_submit: true" in j["stopped"]
        stages = [s["stage"] for s in j["stages"]]
        assert stages[-1] == LAST_STAGE.get(name, "payment") and "confirmation" not in stages, stages
        assert res.report["summary"]["journeys"][j["id"]] == "stopped"
    page = (res.run_dir / "index.html").read_text(encoding="utf-8")
    assert page.count("Stopped before placing a real order") >= len(SPELLINGS)
    assert "stopped before placing the order" in res.stdout


def test_with_allow_submit_the_same_walk_places_the_order(tmp_path):
    path = demo_scenario(tmp_path, "allowed", FINAL, allow_submit=True)
    with DemoShop(PROFILES["clean"]) as shop:
        res = run_cli(["run", str(path), "--base-url", shop.url, "--device", "desktop",
                       "--out", str(tmp_path / "reports")], cwd=tmp_path)
        placed = orders(shop)
    assert "Traceback" not in res.stderr and res.rc in (0, 1), res.stderr
    assert len(placed) == 1
    j = res.journey
    assert not j["stopped"] and [s["stage"] for s in j["stages"]][-1] == "confirmation"
