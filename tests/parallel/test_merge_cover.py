"""Which shard sets `auditor merge` accepts: checked on the recorded plans alone, no browser."""
from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import ConfigError
from auditor.run.merge import Shard, check_cover
from auditor.model import AuditRun
from auditor.run.shard import SHARD_SCHEME, shard_keys

PLAN = ["a.yaml::A::desktop", "a.yaml::A::mobile", "b.yaml::B::desktop", "b.yaml::B::mobile", "c.yaml::C::desktop"]


def shard(i: int, n: int, plan=PLAN, jobs=None) -> Shard:
    options = {"shard": f"{i}/{n}", "shard_key": SHARD_SCHEME, "plan": list(plan),
               "shard_jobs": shard_keys(plan, i, n) if jobs is None else jobs}
    return Shard(Path(f"shard-{i}"), AuditRun(run_id=f"r{i}", created_at="", journeys=(), options=options), (), i, n)


def test_a_complete_set_merges_in_the_plan_order_of_the_first_shard():
    assert check_cover([shard(2, 3), shard(3, 3), shard(1, 3)]) == PLAN


def test_plans_listing_the_same_jobs_in_another_order_still_merge():
    # Two CI machines may expand `scenarios/*.yaml` differently: the cut is the same (keys are sorted).
    assert check_cover([shard(2, 2, plan=PLAN[::-1]), shard(1, 2)]) == PLAN


@pytest.mark.parametrize("shards, says", [
    (lambda: [shard(1, 3), shard(3, 3)], "shard 2/3 is missing"),
    (lambda: [shard(1, 2), shard(1, 2), shard(2, 2)], "shard 1/2 is given 2 times"),
    (lambda: [shard(1, 2), shard(2, 3)], "one of 3 shards"),
    (lambda: [shard(1, 2), shard(2, 2, plan=PLAN[:-1] + ["d.yaml::D::desktop"])], "d.yaml::D::desktop"),
    (lambda: [shard(1, 2), shard(2, 2, jobs=[PLAN[0]])], "walked by more than one shard"),
])
def test_anything_else_is_refused_naming_the_problem(shards, says):
    with pytest.raises(ConfigError) as err:
        check_cover(shards())
    assert says in str(err.value) and err.value.exit_code == 2


def test_the_missing_jobs_are_named():
    with pytest.raises(ConfigError) as err:
        check_cover([shard(1, 2)])
    assert all(k in str(err.value) for k in shard_keys(PLAN, 2, 2))
