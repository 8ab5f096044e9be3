"""The scenarios the benchmark walks on the bundled demo shop.

    demo       the packaged demo-shop.yaml (7 stages on the clean shop), desktop + mobile
    long       a 12-stage journey built from the shop's routes: landing, categories, several
               products (three put in the cart), search, cart, checkout, payment, confirmation
    quick      2 stages on one device, for the smoke test (--quick)

They are written into a temporary directory and loaded with auditor's own scenario loader, so the
benchmark walks exactly what ``auditor run`` would.
"""
from __future__ import annotations

from pathlib import Path

import auditor.demo
from auditor.scenario.load import load_scenario

DEMO_YAML = auditor.demo.SCENARIO

LONG_YAML = """\
name: Demo shop — long journey
base_url: http://127.0.0.1:8000
devices: [desktop, mobile]
allow_submit: true
steps:
  - stage: landing
    actions:
      - goto: /
  - stage: category
    name: coffee-gear
    actions:
      - click: "nav.main-nav a[href='/c/coffee-gear']"
  - stage: product
    name: dripper
    actions:
      - click: "a.product-card-link[href='/p/ceramic-pour-over-dripper']"
  - stage: product
    name: kettle
    actions:
      - click: "#add-to-cart"
      - wait_for: "#view-cart"
      - goto: /p/gooseneck-kettle
  - stage: category
    name: kitchen
    actions:
      - click: "#add-to-cart"
      - wait_for: "#view-cart"
      - click: "nav.main-nav a[href='/c/kitchen']"
  - stage: product
    name: skillet
    actions:
      - click: "a.product-card-link[href='/p/cast-iron-skillet']"
  - stage: category
    name: home
    actions:
      - click: "#add-to-cart"
      - wait_for: "#view-cart"
      - click: "nav.main-nav a[href='/c/home']"
  - stage: search
    actions:
      - fill: {selector: "#search-q", value: "mug"}
      - press: {selector: "#search-q", key: Enter}
  - stage: cart
    actions:
      - click: "#cart-link"
  - stage: checkout
    actions:
      - click: "#checkout-button"
  - stage: payment
    actions:
      - fill: {selector: "#email", value: "shopper@example.test"}
      - fill: {selector: "#name", value: "Alex Morgan"}
      - fill: {selector: "#address", value: "100 Roastery Lane"}
      - fill: {selector: "#city", value: "Portland"}
      - fill: {selector: "#postal-code", value: "97201"}
      - select: {selector: "#country", value: "US"}
      - check: "#delivery-standard"
      - click: "#continue-to-payment"
  - stage: confirmation
    actions:
      - fill: {selector: "#card-number", value: "4242424242424242"}
      - fill: {selector: "#card-expiry", value: "12 / 34"}
      - fill: {selector: "#card-cvc", value: "123"}
      - place_order: "#place-order"
"""

QUICK_YAML = """\
name: Demo shop — quick
base_url: http://127.0.0.1:8000
devices: [desktop]
steps:
  - stage: landing
    actions:
      - goto: /
  - stage: product
    actions:
      - goto: /p/ceramic-pour-over-dripper
"""


def demo(base_url: str):
    return load_scenario(DEMO_YAML, base_url=base_url)


def written(tmp: Path, which: str, base_url: str):
    """``long`` or ``quick``, written to ``tmp`` and loaded."""
    path = Path(tmp) / f"bench-{which}.yaml"
    path.write_text({"long": LONG_YAML, "quick": QUICK_YAML}[which], encoding="utf-8")
    return load_scenario(path, base_url=base_url)
