"""The bundled demo shop: a small storefront that ``auditor`` serves itself on a loopback port.

    from auditor.demo import DemoShop, PROFILES
    with DemoShop(PROFILES["friction"]) as shop:
        print(shop.url)          # http://127.0.0.1:PORT

Each ``Toggles`` switch turns on one kind of checkout friction, so every check can be tested both
ways against a real site. ``python -m auditor.demo --profile friction`` serves it in the foreground.
"""
from __future__ import annotations

from pathlib import Path

from .server import DemoShop
from .toggles import PROFILES, Toggles, parse_toggles

SCENARIO = Path(__file__).parent / "demo-shop.yaml"  # the bundled scenario `auditor demo` walks

__all__ = ["DemoShop", "PROFILES", "Toggles", "parse_toggles"]
