from __future__ import annotations

import pytest

from auditor.demo import Toggles

from .demo_runs import TOGGLES, walk_demo


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory):
    """name → AuditRun, for "clean" and each toggle alone (desktop), walked lazily and once."""
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            toggles = Toggles() if name == "clean" else TOGGLES[name][0]
            cache[name] = walk_demo(toggles, tmp_path_factory.mktemp("demo") / name)
        return cache[name]
    return get
