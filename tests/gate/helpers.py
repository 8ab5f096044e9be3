"""Run the CLI the way CI runs it: a separate process (pytest-playwright may hold a sync Playwright in
this one), with its exit code, stdout and stderr as the contract under test."""
from __future__ import annotations

import json
import re
import statistics
import subprocess
from dataclasses import replace
from pathlib import Path

import clitools
from auditor.demo import PROFILES, SCENARIO

ROOT = Path(__file__).resolve().parents[2]
DEMO_SCENARIO = SCENARIO
# The friction profile's frictions without its server delays: the same findings, a faster walk.
FRICTION_NO_DELAY = replace(PROFILES["friction"], slow={})
TIMEOUT_S = 240
# Timing findings on a shared 2-core machine are noise for tests about findings: switch the check off.
NO_TIMING_POLICY = "checks:\n  slow-load: {enabled: false}\n"


def run_cli(*args, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return clitools.run_cli("-q", *args, timeout=TIMEOUT_S, cwd=cwd, env=env)


def start_cli(*args, cwd: Path | None = None) -> subprocess.Popen:
    return clitools.start_cli("-q", *args, cwd=cwd)


def run_dir_of(stdout: str) -> Path:
    """The run directory the summary names ("report: …/index.html")."""
    m = re.search(r"report: (.+)/index\.html", stdout)
    assert m, stdout
    return Path(m.group(1))


def report(run_dir: Path) -> dict:
    return json.loads((Path(run_dir) / "report.json").read_text(encoding="utf-8"))


def audit(url: str, out: Path, *extra, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess, Path | None]:
    """`auditor run <demo scenario> --base-url URL --device desktop --out OUT …`."""
    res = run_cli("run", DEMO_SCENARIO, "--base-url", url, "--device", "desktop", "--out", out, *extra, cwd=cwd)
    found = re.search(r"report: (.+)/index\.html", res.stdout)
    return res, Path(found.group(1)) if found else None


def with_lcp(run, stage_kind: str, samples: list[float]):
    """The run with that stage's LCP loads replaced (the walker keeps the median in the field and the
    loads in ``samples`` when there was more than one)."""
    journeys = []
    for j in run.journeys:
        stages = []
        for s in j.stages:
            if s.kind == stage_kind:
                t = s.timing
                raw = tuple({"ttfb_ms": t.ttfb_ms, "lcp_ms": v} for v in samples) if len(samples) > 1 else ()
                s = replace(s, timing=replace(t, lcp_ms=statistics.median(samples), samples=raw))
            stages.append(s)
        journeys.append(replace(j, stages=tuple(stages)))
    return replace(run, journeys=tuple(journeys))
