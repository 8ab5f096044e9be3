"""--shard I/N parsing and slicing: no browser needed."""
from __future__ import annotations

import random

import pytest

from auditor.cli import main
from auditor.errors import ConfigError
from auditor.run.shard import parse_shard, shard_keys, take_shard


@pytest.mark.parametrize("text, expected", [("1/2", (1, 2)), ("2/2", (2, 2)), (" 3 / 5 ", (3, 5)), ("1/1", (1, 1))])
def test_parse_shard_accepts_i_of_n(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text, says", [("3/2", "between 1 and 2"), ("0/2", "between 1 and 2"),
                                        ("x", "expected I/N"), ("1/0", "at least 1"), ("", "expected I/N"),
                                        ("1/2/3", "expected I/N"), ("-1/2", "expected I/N"), ("1.5/2", "expected I/N")])
def test_parse_shard_rejects_the_rest_with_a_reason(text, says):
    with pytest.raises(ConfigError) as err:
        parse_shard(text)
    assert says in str(err.value) and "--shard" in str(err.value)


@pytest.mark.parametrize("spec", ["3/2", "0/2", "x"])
def test_bad_shard_spec_exits_2_before_anything_runs(spec, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(tmp_path / "never-read.yaml"), "--shard", spec, "--out", str(tmp_path)])
    assert exit_.value.code == 2
    assert "--shard" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("jobs, n", [(1, 1), (4, 2), (5, 2), (7, 3), (3, 4), (12, 5)])
def test_shards_partition_the_plan_evenly_whatever_the_input_order(jobs, n):
    keys = [f"s{k % 3}.yaml::scenario {k}::{'desktop' if k % 2 else 'mobile'}" for k in range(jobs)]
    slices = [shard_keys(keys, i, n) for i in range(1, n + 1)]
    assert sorted(k for s in slices for k in s) == sorted(keys)  # every job exactly once
    assert max(map(len, slices)) - min(map(len, slices)) <= 1
    for s in slices:  # plan order is kept inside a shard
        assert s == [k for k in keys if k in s]
    shuffled = keys[:]
    random.Random(jobs * 31 + n).shuffle(shuffled)
    assert [set(shard_keys(shuffled, i, n)) for i in range(1, n + 1)] == [set(s) for s in slices]


class _Job:
    def __init__(self, path, name, device):
        self.scenario = type("S", (), {"path": path, "name": name})()
        self.device = type("D", (), {"name": device})()


def test_take_shard_records_the_cut_and_refuses_a_repeated_job():
    jobs = [_Job("a.yaml", "A", "desktop"), _Job("a.yaml", "A", "mobile"), _Job("b.yaml", "B", "desktop")]
    mine, info = take_shard(jobs, (2, 2))
    assert [j.device.name for j in mine] == ["mobile"]
    assert info["shard"] == "2/2" and info["plan"] == ["a.yaml::A::desktop", "a.yaml::A::mobile", "b.yaml::B::desktop"]
    assert info["shard_jobs"] == ["a.yaml::A::mobile"] and info["shard_key"] and info["plan_id"]
    with pytest.raises(ConfigError, match="twice"):
        take_shard(jobs + [_Job("a.yaml", "A", "desktop")], (1, 2))
