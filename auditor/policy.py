"""Policy: which checks run, their thresholds, budgets, and the severity that fails the gate.

Defaults come from each check's ``META.defaults`` (thresholds from ../shared/heuristics.md with
their sources); a policy file (``auditor.yaml``, ``--policy``, or ``policy:`` inside a scenario)
overrides them per check.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

FAIL_ON_LEVELS = ("info", "minor", "major", "critical", "never")


@dataclass(frozen=True, slots=True)
class Policy:
    fail_on: str = "major"  # findings at or above this severity fail the gate; "never" reports only
    checks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # check id → {enabled, options…}
    path: str = ""  # where it came from ("" = built-in defaults)

    def enabled(self, check_id: str) -> bool:
        return bool(self.checks.get(check_id, {}).get("enabled", True))

    def options_for(self, meta) -> dict[str, Any]:
        opts = dict(meta.defaults)
        opts.update({k: v for k, v in self.checks.get(meta.id, {}).items() if k != "enabled"})
        return opts


DEFAULT_POLICY = Policy()


def load_policy_file(path) -> Policy:
    """Load and validate a policy YAML file (see docs/policy.md)."""
    from .errors import PolicyError
    raise PolicyError("policy files are not supported yet", path=str(path))
