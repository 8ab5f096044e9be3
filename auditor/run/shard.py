"""``--shard I/N``: a deterministic slice of the planned jobs, recorded so ``auditor merge`` can check it.

How jobs are cut (``SHARD_SCHEME``): every job has a key ``<scenario path>::<scenario name>::<device>``,
with the scenario path exactly as given on the command line. The keys are sorted, and shard I takes
the sorted keys I-1, I-1+N, I-1+2N, … (round robin). Shards therefore differ by at most one job, and
every machine of a CI matrix cuts the same slices as long as each is started with the same scenario
paths and options: nothing depends on the host, the clock or the order of files on disk. Within a
shard, jobs keep their plan order.

A shard's run directory is a normal one (report, captures, screenshots) whose ``run.options`` carry
``shard``, ``shard_key``, ``plan`` (every job key of the full plan, in plan order) and
``shard_jobs`` (this shard's keys, in the order of its journeys). It has no gate verdict: the
gate, baseline and history belong to the merged run.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any, Sequence

from ..errors import ConfigError
from ..model import Journey
from .plan import Job

SHARD_SCHEME = "sorted(path::scenario::device)[i-1::n]"
_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
SHARD_OPTION_KEYS = ("shard", "shard_key", "plan", "plan_id", "shard_jobs")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/3"`` → ``(2, 3)``; anything else is a ConfigError (exit 2) that says what is expected."""
    m = _SPEC.fullmatch(text or "")
    if not m:
        raise ConfigError(f"expected I/N (shard I of N, e.g. 1/2), found {text!r}", key="--shard")
    i, n = int(m.group(1)), int(m.group(2))
    if n < 1:
        raise ConfigError(f"shard {i}/{n} does not exist: N (the number of shards) must be at least 1", key="--shard")
    if not 1 <= i <= n:
        raise ConfigError(f"shard {i}/{n} does not exist: I must be between 1 and {n} (shards are numbered from 1)",
                          key="--shard")
    return i, n


def job_key(path: str, scenario: str, device: str) -> str:
    return f"{str(path).replace(chr(92), '/')}::{scenario}::{device}"


def key_of(job: Job) -> str:
    return job_key(job.scenario.path, job.scenario.name, job.device.name)


def journey_key(j: Journey) -> str:
    return job_key(j.scenario_path, j.scenario, j.device.name)


def plan_id(keys: Sequence[str]) -> str:
    """Names the set of jobs, not their order: two shells may expand ``scenarios/*.yaml`` differently."""
    return hashlib.sha1("\n".join(sorted(keys)).encode("utf-8")).hexdigest()[:12]


def shard_keys(keys: Sequence[str], i: int, n: int) -> list[str]:
    """The keys shard ``i`` of ``n`` walks, in plan order."""
    mine = set(sorted(keys)[i - 1::n])
    return [k for k in keys if k in mine]


def take_shard(jobs: Sequence[Job], spec: tuple[int, int]) -> tuple[list[Job], dict[str, Any]]:
    """This shard's jobs (plan order) and the ``run.options`` entries that describe the cut."""
    i, n = spec
    keys = [key_of(j) for j in jobs]
    dupes = sorted(k for k, count in Counter(keys).items() if count > 1)
    if dupes:
        raise ConfigError(f"the plan lists the same job twice ({', '.join(dupes)}): a shard could not tell "
                          "them apart; give each scenario once", key="--shard")
    mine = shard_keys(keys, i, n)
    wanted = set(mine)
    chosen = [j for j, k in zip(jobs, keys) if k in wanted]
    return chosen, {"shard": f"{i}/{n}", "shard_key": SHARD_SCHEME, "plan": keys, "plan_id": plan_id(keys),
                    "shard_jobs": mine}
