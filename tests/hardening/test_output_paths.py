"""Where a run writes is checked before it starts (issue 18.7): an ``--out`` that is a file, lies below a file
or cannot be written, and an unwritable ``--history``, are exit 2 with the reason, before any browser starts and
before a run directory exists (they were exit 70 "internal error", or found only after the walk). ``--out ""``
is an error, not the current directory.

The suite runs as root, who passes every permission bit, so "cannot be written" is made honestly with what
the kernel refuses even to root: a path below a regular file (ENOTDIR), a directory of /proc (no file can be
created in procfs) and a new directory in /sys (sysfs refuses it). Without root, a directory with its write
bit removed is tested as well.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from .clirun import run_cli, scenario_text

STEPS = """
- stage: landing
  actions:
    - goto: /ok
"""


def run(tmp_path: Path, fault, *args: str):
    (tmp_path / "scenario.yaml").write_text(scenario_text("paths", fault.url, STEPS), encoding="utf-8")
    return run_cli(["run", "scenario.yaml", *args], cwd=tmp_path, timeout=120)


def refused(res, *fragments: str, usage: bool = False) -> str:
    """Exit 2 and one line naming the setting; an argparse error is preceded by the usage, as for any flag."""
    assert res.rc == 2, (res.rc, res.stderr)
    lines = res.stderr.strip().splitlines()[-1:] if usage else res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert all(f in lines[0] for f in fragments), lines[0]
    return lines[0]


def run_dirs(root: Path) -> list[Path]:
    return [p.parent for p in root.rglob("report.json")]


def unwritable_cases(tmp_path: Path) -> list[tuple[str, str]]:
    """(--out value, what the message says) for places this process cannot write to, as root too."""
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    cases = [(str(tmp_path / "a-file"), "is a file, not a directory"),
             (str(tmp_path / "a-file" / "reports"), "is a file, not a directory")]
    if Path("/proc/self").is_dir():
        cases.append(("/proc/self", "cannot write in '/proc/self'"))
    if Path("/sys/kernel").is_dir():
        cases.append(("/sys/auditor-test-reports", "cannot create the directory '/sys/auditor-test-reports'"))
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
        cases.append((str(locked), "permission denied"))
    return cases


@pytest.mark.skipif(sys.platform != "linux", reason="the unwritable places are Linux ones (/proc, /sys)")
def test_unusable_out_is_exit_2_before_the_walk(tmp_path, fault):
    cases = unwritable_cases(tmp_path)
    assert len(cases) >= 4 or os.geteuid() != 0, cases
    for out, why in cases:
        line = refused(run(tmp_path, fault, "--out", out), "--out: ", why, "(choose a directory")
        assert "internal error" not in line
    assert not run_dirs(tmp_path), "nothing was walked or written"


def test_empty_out_is_an_error_not_the_current_directory(tmp_path, fault):
    refused(run(tmp_path, fault, "--out", ""), "argument --out: ", "empty", usage=True)
    assert not run_dirs(tmp_path)


@pytest.mark.skipif(sys.platform != "linux", reason="the unwritable places are Linux ones (/proc, /sys)")
def test_unusable_history_is_exit_2_before_the_walk(tmp_path, fault):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "a-dir").mkdir()
    cases = [(tmp_path / "a-file" / "history.sqlite", "a-file' is a file, not a directory"),
             (tmp_path / "a-dir", "is a directory, not a history file"),
             (Path("/proc/self/history.sqlite"), "cannot write in '/proc/self'")]
    for history, why in cases:
        refused(run(tmp_path, fault, "--out", str(tmp_path / "reports"), "--history", str(history)),
                "--history: ", why)
    assert not run_dirs(tmp_path), "the walk did not start"


def test_usable_paths_are_created_and_the_run_goes_on(tmp_path, fault):
    out, history = tmp_path / "new" / "reports", tmp_path / "elsewhere" / "runs.sqlite"
    res = run(tmp_path, fault, "--out", str(out), "--history", str(history))
    assert res.rc in (0, 1), res.stderr
    assert len(run_dirs(out)) == 1
    assert not [p for p in out.iterdir() if p.name.startswith(".auditor-write-test")], "the probe is removed"
    with sqlite3.connect(history) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1


def test_a_refused_run_leaves_no_directory_behind(tmp_path, fault):
    """The check creates a new --out to find out whether it can, and removes it again: a run refused for
    another reason after it (here a history below a file) leaves nothing."""
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    res = run(tmp_path, fault, "--out", str(tmp_path / "new" / "reports"), "--history", str(tmp_path / "a-file" / "h"))
    refused(res, "--history: ")
    assert not (tmp_path / "new").exists()
