"""Issue 2 end to end: the real demo shop walked in a real headless browser."""
from __future__ import annotations

from decimal import Decimal

import pytest

from auditor.analysis.ledger import build_ledger
from auditor.checks.base import Context
from auditor.demo import Toggles

from .demo_runs import walk_demo

pytestmark = pytest.mark.browser


def test_stages_are_captured_once_and_in_order(demo_runs):
    run = demo_runs("clean")
    (journey,) = run.journeys
    assert journey.failures == () and journey.stopped is None
    kinds = [s.kind for s in journey.stages]
    assert kinds == ["landing", "category", "product", "cart", "checkout", "payment", "confirmation"]
    assert [s.index for s in journey.stages] == list(range(len(kinds)))
    assert len({s.stage for s in journey.stages}) == len(kinds)
    for st in journey.stages:
        assert st.status == 200 and st.url.startswith("http://127.0.0.1:")
        assert st.elements and st.dom.startswith("<!DOCTYPE html>")
        assert st.timing.ttfb_ms is not None and st.timing.fcp_ms is not None and st.timing.lcp_ms is not None
        assert st.screenshot and st.screenshot.endswith(".jpg")
    assert "/order/HB-" in journey.stages[-1].url
    # the signed-out wall step of the scenario is skipped on a shop without a wall, and says so
    assert any("skipped" in n and "details" in n for n in journey.notes)


CART_SCENARIO = """
name: cart total
base_url: http://127.0.0.1:1
devices: [desktop]
steps:
  - stage: product
    actions:
      - goto: /p/dual-boiler-espresso-machine
  - stage: cart
    actions:
      - fill: {selector: "#quantity", value: "2"}
      - click: "#add-to-cart"
      - goto: /p/walnut-cutting-board
      - click: "#add-to-cart"
      - click: "#view-cart"
"""


def test_captured_cart_total_equals_the_servers(tmp_path):
    server = {}

    def read_server(shop):
        # The walker's session is the only one with a cart; the server computes its totals itself.
        sessions = [s for s in shop.app.store._sessions.values() if s.cart]
        assert len(sessions) == 1
        server["totals"] = shop.app.cart_totals(sessions[0])

    path = tmp_path / "cart.yaml"
    path.write_text(CART_SCENARIO)
    run = walk_demo(Toggles(), tmp_path / "run", scenario=path, keep_shop=read_server)
    (journey,) = run.journeys
    cart = journey.stage("cart")
    assert cart is not None, journey.failures
    ledger = build_ledger(cart, Context(None, journey, {}).tree(cart))
    assert ledger.total() is not None
    expected = server["totals"].total
    # 2 × $1,249.00 + $54.90 + 8 % estimated tax, free shipping: thousands separators on the page
    assert expected == Decimal("2757.13")
    assert ledger.total().amount == expected


def test_a_slowed_stage_is_measurably_slower(demo_runs):
    clean = demo_runs("clean").journeys[0].stage("product").timing
    slow = demo_runs("slow").journeys[0].stage("product").timing
    # The toggle sleeps 2.8 s before answering: a lower bound, whatever the machine's load.
    assert slow.ttfb_ms > clean.ttfb_ms + 2000
    assert slow.lcp_ms > clean.lcp_ms + 2000
    # …and only that stage: the cart is not slowed.
    other = demo_runs("slow").journeys[0].stage("cart").timing
    assert other.ttfb_ms < slow.ttfb_ms - 2000
