"""``auditor merge SHARD_DIR…``: shard runs → one run with one gate verdict and one report.

The shards must come from the same plan and cover it exactly once (else ConfigError, exit 2, naming
what is missing or duplicated). Their journeys are put back in plan order, their screenshots copied
into a new run directory, and the checks run again over the merged journeys — checks are pure, so
this is what a serial run would have computed. Shard directories are often CI artifacts downloaded
from elsewhere: every path read from them must stay inside them.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from ..errors import ConfigError
from ..gate.pipeline import record_and_compare
from ..model import AuditRun, Journey
from ..report import load_captures, load_report, write_report
from ..report.paths import inside
from ..scenario.load import load_scenario
from ..scenario.types import Scenario
from .pipeline import check_run
from .plan import AuditOptions, new_run_id, shared_files
from .shard import SHARD_OPTION_KEYS, journey_key, plan_id


@dataclass(frozen=True)
class Shard:
    dir: Path
    run: AuditRun
    journeys: tuple[Journey, ...]
    i: int
    n: int

    @property
    def label(self) -> str:
        return f"shard {self.i}/{self.n} ({self.dir})"


def load_shard(run_dir: Path) -> Shard:
    run_dir = Path(run_dir)
    if not (run_dir / "report.json").is_file():
        raise ConfigError("not a run directory: report.json is missing", path=str(run_dir))
    run = load_report(run_dir / "report.json")
    opts = run.options
    spec = str(opts.get("shard") or "")
    if "/" not in spec or not isinstance(opts.get("plan"), list) or not isinstance(opts.get("shard_jobs"), list):
        raise ConfigError("not a shard run (made without --shard I/N): nothing to merge", path=str(run_dir))
    stopped = opts.get("interrupted")
    if stopped:  # its journeys are partial: a merged verdict over them would pass off a stopped run as audited
        raise ConfigError(f"this shard run was interrupted by {stopped.get('signal', 'a signal')} and is incomplete: "
                          "walk the shard again", path=str(run_dir))
    i, _, n = spec.partition("/")
    journeys = load_captures(run_dir) or run.journeys
    keys = [journey_key(j) for j in journeys]
    if keys != list(opts["shard_jobs"]):
        raise ConfigError(f"its journeys ({len(keys)}) are not the jobs it was cut for ({len(opts['shard_jobs'])}): "
                          "the directory is incomplete or was edited", path=str(run_dir))
    return Shard(run_dir, run, tuple(journeys), int(i), int(n))


def check_cover(shards: Sequence[Shard]) -> list[str]:
    """The common plan (job keys in plan order), or ConfigError naming every problem at once."""
    first = min(shards, key=lambda s: s.i)  # its plan order is the report's order
    plan = list(first.run.options["plan"])
    problems = []
    for s in shards:
        other = list(s.run.options["plan"])
        if sorted(other) != sorted(plan) or s.run.options.get("shard_key") != first.run.options.get("shard_key"):
            diff = sorted(set(plan) ^ set(other))[:4]
            problems.append(f"{s.label} was cut from another plan than {first.label} (plan {plan_id(other)} vs "
                            f"{plan_id(plan)}{'; differing jobs: ' + ', '.join(diff) if diff else ', other cut'})")
        elif s.n != first.n:
            problems.append(f"{s.label} is one of {s.n} shards, {first.label} one of {first.n}")
    if problems:
        raise ConfigError("cannot merge: " + "; ".join(problems))
    given = Counter(s.i for s in shards)
    for i, count in sorted(given.items()):
        if count > 1:
            dirs = ", ".join(str(s.dir) for s in shards if s.i == i)
            problems.append(f"shard {i}/{first.n} is given {count} times ({dirs})")
    missing_shards = [f"{i}/{first.n}" for i in range(1, first.n + 1) if i not in given]
    if missing_shards:
        problems.append(f"shard {', '.join(missing_shards)} {'is' if len(missing_shards) == 1 else 'are'} missing")
    one_each = {s.i: s for s in reversed(shards)}.values()  # a repeated shard is reported above, once
    walked = Counter(k for s in one_each for k in s.run.options["shard_jobs"])
    missing = [k for k in plan if k not in walked]
    if missing:
        problems.append(f"{len(missing)} job(s) of the plan not walked: {', '.join(missing[:6])}"
                        f"{' …' if len(missing) > 6 else ''}")
    dupes = sorted(k for k, c in walked.items() if c > 1)
    if dupes:
        problems.append(f"job(s) walked by more than one shard: {', '.join(dupes[:6])}")
    extra = sorted(set(walked) - set(plan))
    if extra:
        problems.append(f"job(s) not in the plan: {', '.join(extra[:6])}")
    if problems:
        raise ConfigError("cannot merge: " + "; ".join(problems))
    return plan


def _take_screenshots(shard: Shard, out_dir: Path) -> tuple[list[Journey], int]:
    """Copy each screenshot its journeys name into ``out_dir``; a path that leads outside the shard (an
    edited or hostile artifact) or to no file is dropped from the journey, with a note that says so, so
    report.json never points outside the merged run. Returns the journeys as merged and the count copied."""
    out: list[Journey] = []
    copied: list[str] = []
    for j in shard.journeys:
        notes: list[str] = []
        stages = tuple(replace(s, screenshot=_take(shard, out_dir, s.screenshot, f"stage {s.stage}", notes, copied))
                       for s in j.stages)
        failures = tuple(replace(f, screenshot=_take(shard, out_dir, f.screenshot, f"the failure at {f.stage}",
                                                     notes, copied)) for f in j.failures)
        out.append(replace(j, stages=stages, failures=failures, notes=j.notes + tuple(notes)) if notes else j)
    return out, len(copied)


def _take(shard: Shard, out_dir: Path, rel: str | None, what: str, notes: list[str], copied: list[str]) -> str | None:
    if not rel:
        return None
    src, dst = inside(shard.dir, rel), inside(out_dir, rel)
    if src is None or dst is None or not src.is_file():
        why = "leads outside the shard directory" if src is None or dst is None else "names no file in the shard"
        notes.append(f"merge: the screenshot of {what} was dropped: its path {rel[:120]!r} {why} ({shard.label})")
        return None
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    copied.append(rel)
    return rel


def merged_options(shards: Sequence[Shard], plan: list[str], opts: AuditOptions) -> dict[str, Any]:
    base = {k: v for k, v in shards[0].run.options.items() if k not in SHARD_OPTION_KEYS}
    walk = [float(s.run.options.get("walk_seconds") or 0) for s in shards]
    return base | {
        "policy": opts.policy.path or "(defaults)", "fail_on": opts.policy.fail_on,
        "plan": plan, "plan_id": plan_id(plan),
        "walk_seconds": round(max(walk), 2),  # the shards ran side by side: the slowest one is the wall time
        "merged_from": [{"shard": f"{s.i}/{s.n}", "run_id": s.run.run_id, "dir": s.dir.name,
                         "walk_seconds": s.run.options.get("walk_seconds"), "workers": s.run.options.get("workers")}
                        for s in sorted(shards, key=lambda s: s.i)],
    }


def merge_shards(dirs: Sequence[Path], opts: AuditOptions, *, run_id: str | None = None) -> tuple[AuditRun, Path]:
    """Load, verify, copy screenshots, re-check, gate and write one report. Returns the run and its dir."""
    if not dirs:
        raise ConfigError("no shard directories given", key="merge")
    shards = [load_shard(Path(d)) for d in dirs]
    plan = check_cover(shards)
    planned = {journey_key(j): j for s in shards for j in s.journeys}
    problem = shared_files([(j.scenario, j.scenario_path, j.device.name) for j in (planned[k] for k in plan)])
    if problem:  # what the plan refuses (shards made before it did, or edited): captures/ are named by id
        raise problem
    run_id = run_id or new_run_id("merged")
    run_dir = Path(opts.out_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    copied = 0
    for s in shards:
        taken, n = _take_screenshots(s, run_dir)
        copied += n
        planned.update((journey_key(j), j) for j in taken)
    journeys = [planned[k] for k in plan]
    if opts.progress:
        opts.progress(f"merging {len(shards)} shards: {len(journeys)} journeys, {copied} screenshots → {run_dir}")
    run = check_run(journeys, opts, run_id, options=merged_options(shards, plan, opts))
    # baseline, ONE history entry, retention, notify
    run, trends = record_and_compare(run, run_dir, opts.policy, opts.gate, opts.progress)
    write_report(run, run_dir, trends=trends)
    return run, run_dir


def plan_scenarios(dirs: Sequence[Path]) -> tuple[list[Scenario], list[str]]:
    """The plan's scenario files, loaded again where they exist here, for what they add to the verdict:
    an inline ``policy:`` and the secret values a notification must not show. Returns the scenarios and
    a note for each one that could not be loaded (the merge goes on without it)."""
    try:
        data = json.loads((Path(dirs[0]) / "report.json").read_text(encoding="utf-8"))
        entries = list(data["run"]["options"].get("scenarios") or [])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return [], []  # load_shard says what is wrong with the directory
    scenarios, notes = [], []
    for e in entries:
        path = str(e.get("path", ""))
        if not Path(path).is_file():
            notes.append(f"scenario file {path} is not here: an inline policy in it is not applied")
            continue
        try:
            scenarios.append(load_scenario(Path(path), base_url=e.get("base_url") or None))
        except ConfigError as exc:
            notes.append(f"scenario file {path} could not be loaded ({exc}): an inline policy in it is not applied")
    return scenarios, notes
