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
from ..errors import ConfigError
from ..gate.pipeline import GateOptions
from ..model import Device, journey_id, slug
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
    """Deterministic order: scenarios as given, devices as each scenario lists them. ConfigError (exit 2)
    when two jobs would write the same report files (see ``shared_files``)."""
    jobs = []
    for sc in scenarios:
        for dev in sc.devices:
            if devices and dev.name not in devices:
                continue
            jobs.append(Job(sc, dev))
    problem = shared_files([(j.scenario.name, j.scenario.path, j.device.name) for j in jobs])
    if problem:
        raise problem
    return jobs


def shared_files(journeys: Sequence[tuple[str, str, str]]) -> ConfigError | None:
    """Two of these (scenario name, scenario file, device) journeys that would write the same files, named.

    A journey's files are named by ``journey_id``: names lower-cased, punctuation and spaces as ``-``, cut
    at 60 characters. "Checkout: A" and "Checkout A" are both ``checkout-a`` and would overwrite each other's
    screenshots and captures. Such a plan is refused rather than de-duplicated (``checkout-a-2``): a
    suffix would depend on which other scenarios happen to run alongside, so the same journey's files,
    report anchors and captures would change names from one run to the next. The plan and the merge of
    shards both ask this, so a sharded run refuses what a serial one refuses."""
    seen: dict[str, tuple[str, str, str]] = {}
    for journey in journeys:
        name, path, device = journey
        jid = journey_id(name, device)
        if jid not in seen:
            seen[jid] = journey
            continue
        o_name, o_path, o_device = seen[jid]
        files = f"screenshots/{slug(device)}/{slug(name)}/ and captures/{jid}.json"
        if journey == seen[jid]:
            return ConfigError(f"is given twice: both runs of scenario {name!r} on {device} would write {files}",
                               path=path, hint="give each scenario file once")
        if (name, path) == (o_name, o_path):
            return ConfigError(f"devices {o_device!r} and {device!r} of scenario {name!r} would both write {files}",
                               path=path, key="devices", hint="rename one device")
        return ConfigError(f"scenario {name!r} and scenario {o_name!r} ({o_path}) would both write {files} on "
                           f"{device}, overwriting each other's evidence", path=path, key="name",
                           hint="rename one of them: names are compared as file names (lower case, punctuation "
                                "and spaces as '-', first 60 characters)")
    return None
