"""Fixtures for the real shop: one server per variant, always stopped when the module's tests are done (also when
one of them failed)."""
from __future__ import annotations

from pathlib import Path

import pytest

from .shop import OscarShop, ShopError, migrate_template


@pytest.fixture(scope="module")
def oscar_template(tmp_path_factory) -> Path:
    try:
        return migrate_template(tmp_path_factory.mktemp("oscar") / "template.sqlite3")
    except ShopError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def oscar_shop(oscar_template, tmp_path_factory):
    """oscar_shop(variant) → the running OscarShop of that variant, started on first use."""
    started: dict[str, OscarShop] = {}
    failed: dict[str, str] = {}

    def get(variant: str) -> OscarShop:
        if variant in failed:
            pytest.fail(failed[variant])
        if variant not in started:
            shop = OscarShop(variant, oscar_template, tmp_path_factory.mktemp(f"oscar-{variant}"))
            started[variant] = shop  # registered before start(), so a half-started server is stopped too
            try:
                shop.start()
            except ShopError as exc:
                failed[variant] = str(exc)
                pytest.fail(failed[variant])
        return started[variant]

    yield get
    for shop in started.values():
        shop.stop()
