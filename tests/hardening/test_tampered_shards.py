"""Merging shard directories that were edited (issue 18.11): shard runs are CI artifacts, downloaded from
elsewhere. A screenshot path in one that leads outside it (``../../…``, an absolute path) was not copied, but
the merged report.json still pointed at it. Such a path is now dropped from the merged run, with a note on the
journey saying so, and the untouched screenshots are merged as before.
"""
from __future__ import annotations

import json
from pathlib import Path

from .clirun import run_cli, scenario_text

STEPS = """
- stage: landing
  actions:
    - goto: /page/{page}
- stage: product
  actions:
    - goto: /page/{page}-2
"""
ESCAPES = ["../../../../etc/hostname", "/etc/hostname", "screenshots/../../outside.jpg", "screenshots/none-such.jpg"]


def path_values(data: object, keys=("screenshot", "annotated", "crop", "capture")) -> list[str]:
    if isinstance(data, dict):
        return [v for k, v in data.items() if k in keys and isinstance(v, str)] + [
            p for v in data.values() for p in path_values(v, keys)]
    if isinstance(data, list):
        return [p for v in data for p in path_values(v, keys)]
    return []


def only(root: Path) -> Path:
    (found,) = [p.parent for p in root.glob("*/report.json")]
    return found


def test_screenshot_paths_outside_a_shard_are_dropped_with_a_note(tmp_path, fault):
    for name, page in (("Shop one", "one"), ("Shop two", "two")):
        text = scenario_text(json.dumps(name), fault.url, STEPS.format(page=page))
        (tmp_path / f"{page}.yaml").write_text(text, encoding="utf-8")
    shards = []
    for i in (1, 2):
        res = run_cli(["run", "one.yaml", "two.yaml", "--shard", f"{i}/2", "--out", f"shard{i}"], cwd=tmp_path,
                      timeout=180)
        assert res.rc == 0, res.stderr
        shards.append(only(tmp_path / f"shard{i}"))
    (outside := tmp_path / "outside.jpg").write_bytes(b"not evidence")

    # Shard 1 is edited: its two stages (and a failure that never was) point elsewhere.
    (capture,) = (shards[0] / "captures").glob("*.json")
    data = json.loads(capture.read_text(encoding="utf-8"))
    stages = data["journey"]["stages"]
    assert len(stages) == 2 and all(s["screenshot"] for s in stages)
    stages[0]["screenshot"], stages[1]["screenshot"] = ESCAPES[0], ESCAPES[1]
    data["journey"]["failures"] = [{"step": 1, "stage": "product", "action": "", "kind": "timeout", "message": "x",
                                    "screenshot": ESCAPES[2]}]
    capture.write_text(json.dumps(data), encoding="utf-8")

    res = run_cli(["merge", *map(str, shards), "--out", "merged", "--no-history"], cwd=tmp_path, timeout=180)
    assert res.rc in (0, 1, 3), res.stderr
    merged = only(tmp_path / "merged")
    report = json.loads((merged / "report.json").read_text(encoding="utf-8"))
    paths = [s.get("screenshot") for j in report["journeys"] for s in j["stages"]] + [
        f.get("screenshot") for j in report["journeys"] for f in j["failures"]]
    kept = [p for p in paths if p]
    assert len(kept) == 2, paths  # shard 2's two stages
    for rel in kept:
        full = (merged / rel).resolve()
        assert merged.resolve() in full.parents and full.is_file(), rel
    for rel in path_values(report):  # every file report.json names is inside the merged run
        assert (merged / rel).resolve().is_relative_to(merged.resolve()), rel
    edited = next(j for j in report["journeys"] if not any(s.get("screenshot") for s in j["stages"]))
    notes = [n for n in edited["notes"] if n.startswith("merge: the screenshot")]
    assert len(notes) == 3 and all("leads outside the shard directory" in n for n in notes), edited["notes"]
    assert outside.read_bytes() == b"not evidence" and not (merged / "screenshots" / ".." / "outside.jpg").exists()
    html = (merged / "index.html").read_text(encoding="utf-8")
    assert "etc/hostname" not in html.replace("&#39;", "'").split("merge: the screenshot")[0]


def test_a_screenshot_named_but_missing_from_the_shard_is_dropped_too(tmp_path, fault):
    text = scenario_text('"Shop one"', fault.url, STEPS.format(page="one"))
    (tmp_path / "one.yaml").write_text(text, encoding="utf-8")
    res = run_cli(["run", "one.yaml", "--shard", "1/1", "--out", "shard"], cwd=tmp_path, timeout=180)
    assert res.rc == 0, res.stderr
    shard = only(tmp_path / "shard")
    (capture,) = (shard / "captures").glob("*.json")
    data = json.loads(capture.read_text(encoding="utf-8"))
    data["journey"]["stages"][1]["screenshot"] = ESCAPES[3]
    capture.write_text(json.dumps(data), encoding="utf-8")
    res = run_cli(["merge", str(shard), "--out", "merged", "--no-history"], cwd=tmp_path, timeout=180)
    assert res.rc in (0, 1), res.stderr
    (journey,) = json.loads((only(tmp_path / "merged") / "report.json").read_text(encoding="utf-8"))["journeys"]
    assert journey["stages"][0]["screenshot"] and journey["stages"][1]["screenshot"] is None
    assert any("names no file in the shard" in n for n in journey["notes"]), journey["notes"]
