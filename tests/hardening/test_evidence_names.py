"""No two journeys of a run write the same files (issue 18.4). "Checkout: A" and "Checkout A" both name their
files ``checkout-a``: walked together they shared ``screenshots/desktop/checkout-a/`` and one captures file, so
journey 1 was shown with journey 2's screenshot and ``auditor check`` found one journey.

Such a plan is refused (exit 2, naming both scenario files) instead of renamed with a suffix: a suffix would
depend on which other scenarios run alongside, so a journey's file names and captures would change from one
run to the next. Serial runs, ``--workers`` and every ``--shard`` refuse it alike, before a browser starts.
"""
from __future__ import annotations

import json
from pathlib import Path

from auditor.errors import ConfigError
from auditor.run.plan import shared_files

from .clirun import run_cli, scenario_text


def write(tmp_path: Path, file: str, name: str, base: str, page: str, devices: str = "[desktop]") -> str:
    steps = f"- stage: landing\n  actions:\n    - goto: /page/{page}\n"
    text = scenario_text(json.dumps(name), base, steps).replace("devices: [desktop]", f"devices: {devices}")
    (tmp_path / file).write_text(text, encoding="utf-8")
    return file


def run_dirs(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob("report.json"))


def test_names_that_share_files_are_refused_alike_serial_workers_and_shards(tmp_path, fault):
    a = write(tmp_path, "a.yaml", "Checkout: A", fault.url, "one")
    b = write(tmp_path, "b.yaml", "Checkout A", fault.url, "two")
    errors = set()
    for extra in ((), ("--workers", "2"), ("--shard", "1/2"), ("--shard", "2/2")):
        res = run_cli(["run", a, b, "--out", "reports", *extra], cwd=tmp_path, timeout=120)
        assert res.rc == 2, (extra, res.rc, res.stderr)
        line = res.stderr.strip()
        assert "\n" not in line and "'Checkout: A'" in line and "'Checkout A'" in line, line
        assert "a.yaml" in line and "b.yaml" in line and "captures/checkout-a--desktop.json" in line, line
        errors.add(line)
    assert len(errors) == 1, errors  # every shard of the plan says the same
    assert not run_dirs(tmp_path), "refused before anything was walked"


def test_a_file_given_twice_and_devices_that_share_files_are_refused(tmp_path, fault):
    a = write(tmp_path, "a.yaml", "Shop", fault.url, "one")
    res = run_cli(["run", a, a, "--out", "reports"], cwd=tmp_path, timeout=120)
    assert res.rc == 2 and "a.yaml: is given twice" in res.stderr, res.stderr
    devices = "[{name: Small phone, width: 360, height: 640}, {name: small-phone, width: 320, height: 568}]"
    c = write(tmp_path, "c.yaml", "Shop", fault.url, "one", devices)
    res = run_cli(["run", c, "--out", "reports"], cwd=tmp_path, timeout=120)
    assert res.rc == 2 and "c.yaml: devices: devices 'Small phone' and 'small-phone'" in res.stderr, res.stderr
    assert not run_dirs(tmp_path)


def test_journeys_with_their_own_names_keep_their_own_evidence(tmp_path, fault):
    """The other way round: names that stay apart as file names are walked, each with its own files, and
    ``auditor check`` finds every journey again."""
    a = write(tmp_path, "a.yaml", "Checkout: A", fault.url, "one")
    b = write(tmp_path, "b.yaml", "Checkout: B", fault.url, "two")
    res = run_cli(["run", a, b, "--out", "reports"], cwd=tmp_path, timeout=180)
    assert res.rc in (0, 1), res.stderr
    (run_dir,) = run_dirs(tmp_path)
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    ids = [j["id"] for j in report["journeys"]]
    assert ids == ["checkout-a--desktop", "checkout-b--desktop"]
    shots = [s["screenshot"] for j in report["journeys"] for s in j["stages"]]
    assert len(set(shots)) == 2 and all((run_dir / s).is_file() for s in shots), shots
    titles = [json.loads((run_dir / "captures" / f"{i}.json").read_text(encoding="utf-8"))["journey"]["stages"][0]
              ["title"] for i in ids]
    assert titles == ["Fault shop · one", "Fault shop · two"], titles
    res = run_cli(["check", str(run_dir)], cwd=tmp_path, timeout=120)
    assert res.rc in (0, 1) and res.stdout.count("stages,") == 2, res.stdout


def test_shared_files_names_both_scenarios():
    assert shared_files([("Checkout A", "a.yaml", "desktop"), ("Checkout B", "b.yaml", "desktop"),
                         ("Checkout A", "a.yaml", "mobile")]) is None
    err = shared_files([("Checkout A", "a.yaml", "desktop"), ("checkout-a", "b.yaml", "desktop")])
    assert isinstance(err, ConfigError) and err.path == "b.yaml" and "(a.yaml)" in str(err), err
    long = "x" * 70
    assert shared_files([(long + "1", "a.yaml", "desktop"), (long + "2", "b.yaml", "desktop")]) is not None
