"""What one run is asked to do: its options, and the ``Scenario × Device`` jobs it walks.

A job is the unit of ordering, sharding (shard.py) and parallel walking (workers.py); every part of
the pipeline reads the same ``AuditOptions``.
"""
from __future__ import annotations

import secrets as _secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from ..config.policy import DEFAULT_POLICY, Policy
from ..gate.pipeline import GateOptions
from ..model import Device, slug
from ..scenario.types import Scenario

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Job:
    scenario: Scenario
    device: Device

    @property
    def key(self) -> str:
        return f"{self.scenario.path}::{self.scenario.name}::{self.device.name}"


@dataclass
class AuditOptions:
    out_dir: Path = Path("reports")
    devices: tuple[str, ...] = ()  # only these device names (empty: the scenario's own list)
    repeat: int = 1
    throttle: str = "none"
    workers: int = 1
    browser_path: str | None = None
    connect: str | None = None  # ws endpoint of a remote Playwright browser server
    policy: Policy = DEFAULT_POLICY
    debug: bool = False
    progress: Progress | None = None
    run_id: str | None = None
    label: str = ""  # goes into the run id: demo profile, shard…
    extra: dict[str, Any] = field(default_factory=dict)  # recorded in run.options
    shard: tuple[int, int] | None = None  # (i, n): walk only shard i of n (shard.py); no gate verdict
    gate: GateOptions | None = None  # baseline, history, notify (None: the plain verdict)


def new_run_id(label: str = "") -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return "-".join(p for p in (stamp, slug(label) if label else "", _secrets.token_hex(2)) if p)


def plan_jobs(scenarios: Sequence[Scenario], devices: Sequence[str] = ()) -> list[Job]:
    """Deterministic order: scenarios as given, devices as each scenario lists them."""
    jobs = []
    for sc in scenarios:
        for dev in sc.devices:
            if devices and dev.name not in devices:
                continue
            jobs.append(Job(sc, dev))
    return jobs
