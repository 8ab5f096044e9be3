"""Run `auditor run` the way a CI job does (a separate process) and read what it left behind.

A subprocess, not ``cli.main()`` in-process: the exit code, stdout and stderr are the contract
under test, and a walk that hangs must fail the test at ``TIMEOUT_S`` instead of hanging the suite.
"""
from __future__ import annotations

import json
import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import clitools

TIMEOUT_S = 150  # generous: the hang tests set small step timeouts, so a pass takes seconds

# Fast defaults for fault scenarios: one device, no retries unless a test asks for them.
HEADER = """\
name: {name}
base_url: {base}
devices: [desktop]
retry: {retry}
limits: {limits}
"""


def scenario_text(name: str, base: str, steps: str, *, retry: str = "{attempts: 1}",
                  limits: str = "{step_timeout_ms: 4000}", extra: str = "") -> str:
    head = HEADER.format(name=name, base=base, retry=retry, limits=limits)
    return head + textwrap.dedent(extra) + "steps:\n" + textwrap.indent(textwrap.dedent(steps).strip("\n"), "  ") + "\n"


def good_first_step(path: str = "/ok") -> str:
    return f"""
- stage: landing
  name: start
  actions:
    - goto: {path}
"""


@dataclass
class CliRun:
    rc: int
    stdout: str
    stderr: str
    out_dir: Path
    run_dir: Path | None = None
    report: dict = field(default_factory=dict)

    @property
    def journey(self) -> dict:
        assert len(self.report["journeys"]) == 1, self.report["journeys"]
        return self.report["journeys"][0]

    @property
    def failure(self) -> dict:
        fails = self.journey["failures"]
        assert fails, f"no step failure recorded; stderr:\n{self.stderr}"
        return fails[0]

    def capture(self) -> dict:
        rel = self.journey["capture"]
        return json.loads((self.run_dir / rel).read_text(encoding="utf-8"))["journey"]

    def text(self, name: str) -> str:
        return (self.run_dir / name).read_text(encoding="utf-8")


def run_cli(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = TIMEOUT_S) -> CliRun:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_BASE")}
    full_env.update(env or {})
    out_dir = cwd / "reports"
    proc = clitools.run_cli(*args, cwd=cwd, env=full_env, timeout=timeout)
    res = CliRun(proc.returncode, proc.stdout, proc.stderr, out_dir)
    runs = sorted(out_dir.glob("*/report.json")) if out_dir.is_dir() else []
    if runs:
        res.run_dir = runs[-1].parent
        res.report = json.loads(runs[-1].read_text(encoding="utf-8"))
    return res


def audit(tmp_path: Path, text: str, *, env: dict[str, str] | None = None, args: tuple[str, ...] = (),
          timeout: float = TIMEOUT_S) -> CliRun:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return run_cli(["run", str(path), "--out", str(tmp_path / "reports"), *args], cwd=tmp_path, env=env,
                   timeout=timeout)


def is_image(path: Path) -> bool:
    from PIL import Image

    try:
        with Image.open(path) as im:
            im.verify()
        return True
    except Exception:
        return False
