"""Budgets: hard limits a release must stay within, written in the policy::

    budgets:
      - {metric: lcp_ms, max: 2.5s, device: mobile, stages: [product, cart, checkout]}
      - {metric: checkout_fields, max: 12}
      - {check: surprise-fees, max_findings: 0}
      - {check: forced-account, max_findings: 0, severity: critical}

This module reads them into ``Budget``s (with the file and line each came from); gate/budgets.py
judges them against a run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..gate.measure import fmt
from ..model import SEVERITIES
from .yamlsrc import Node, Source, join

# metric → what it measures (the source of the table in docs/policy.md)
METRICS = {
    "ttfb_ms": "time to first byte of the stage's page, ms",
    "fcp_ms": "first contentful paint, ms",
    "lcp_ms": "largest contentful paint, ms",
    "dcl_ms": "DOMContentLoaded, ms",
    "load_ms": "load event, ms",
    "cls": "cumulative layout shift (unitless)",
    "step_ms": "response time of a step that changes the page without loading a document, ms",
    "soft_load_ms": "load time of a step that changes the page without loading a document (action → settled), ms",
    "checkout_fields": "text fields a new guest is shown from the cart to the order review (the long-form count)",
    "checkout_elements": "form elements (fields, selects, checkboxes, radio groups) from the cart to the review",
}
KEYS = {"metric": "", "check": "", "max": "", "max_findings": "", "device": "", "stages": "", "severity": "",
        "name": ""}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*\Z")


@dataclass(frozen=True, slots=True)
class Budget:
    metric: str = ""  # a METRICS name; "" for a check budget
    check: str = ""  # a check id; "" for a metric budget
    max: float | None = None  # metric budgets: the largest allowed value
    max_findings: int | None = None  # check budgets: the most findings allowed
    device: str = ""  # "" any; a device name; "mobile" / "desktop" also match any device of that kind
    stages: tuple[str, ...] = ()  # stage ids or kinds; () every stage
    severity: str = "info"  # check budgets count findings at or above this severity
    name: str = ""
    path: str = ""
    line: int = 0
    key: str = ""  # "budgets[2]"

    @property
    def ident(self) -> tuple:
        """A higher policy layer's budget on the same target replaces this one."""
        return (self.metric, self.check, self.device, self.stages, self.severity if self.check else "")

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.metric:
            text = f"{self.metric} ≤ {fmt(self.metric, self.max)}"
        else:
            sev = f" at {self.severity} or worse" if self.severity != "info" else ""
            text = f"{self.check}: at most {self.max_findings} finding{'s' if self.max_findings != 1 else ''}{sev}"
        if self.device:
            text += f" on {self.device}"
        if self.stages:
            text += f" at {', '.join(self.stages)}"
        return text


# ---- parsing (called by policy.py with its yamlsrc.Source) ---------------------------------------

def parse_budgets(src: Source, node: Node, key: str) -> tuple[Budget, ...]:
    from ..checks.registry import check_ids  # deferred (start-up): tests/test_imports.py
    out = []
    for i, item in enumerate(src.sequence(node, key) or []):
        k = join(key, i)
        m = src.mapping(item, k, KEYS, hint="e.g. {metric: lcp_ms, max: 2500} or {check: surprise-fees, "
                                             "max_findings: 0}")
        if m is None:
            continue
        mark = src.checkpoint()
        metric = src.choice(m["metric"], join(k, "metric"), METRICS, "") if "metric" in m else ""
        check = src.choice(m["check"], join(k, "check"), check_ids(), "") if "check" in m else ""
        if ("metric" in m) == ("check" in m):
            src.fail(item, k, "a budget names either a metric or a check", "e.g. {metric: checkout_fields, max: 12}")
            continue
        wrong = ("max_findings", "severity") if "metric" in m else ("max",)
        for name in (n for n in wrong if n in m):
            src.fail(item.key_lines[name], join(k, name), f"{name!r} does not apply to a "
                     f"{'metric' if 'metric' in m else 'check'} budget",
                     "metric budgets take max; check budgets take max_findings and severity")
        need = "max" if "metric" in m else "max_findings"
        if need not in m:
            src.fail(item, k, f"missing required key {need!r}")
        stages = _stages(src, m.get("stages"), join(k, "stages"))
        budget = Budget(
            metric=metric or "", check=check or "", device=src.string(m.get("device"), join(k, "device"), "") or "",
            stages=stages, name=src.string(m.get("name"), join(k, "name"), "") or "",
            severity=src.choice(m["severity"], join(k, "severity"), SEVERITIES, "info") if "severity" in m else "info",
            max=_limit(src, m["max"], join(k, "max"), metric) if "max" in m and metric else None,
            max_findings=src.integer(m["max_findings"], join(k, "max_findings"), 0, minimum=0)
            if "max_findings" in m else None,
            path=src.path, line=item.line, key=k)
        if src.checkpoint() == mark:
            out.append(budget)
    return tuple(out)


def _stages(src, node, key) -> tuple[str, ...]:
    if node is None:
        return ()
    if node.kind == "scalar":
        one = src.string(node, key)
        return (one,) if one else ()
    return tuple(s for i, n in enumerate(src.sequence(node, key) or []) if (s := src.string(n, f"{key}[{i}]")))


def _limit(src, node, key, metric) -> float | None:
    """A number in the metric's unit; timings also as "2.5s" / "2500 ms"."""
    v = node.value
    if metric.endswith("_ms") and isinstance(v, str) and (m := _DURATION.match(v)):
        return float(m.group(1)) * (1000 if m.group(2) == "s" else 1)
    counts = metric.startswith("checkout_")
    ok = node.kind == "scalar" and isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
    if not ok or (counts and not isinstance(v, int)):
        unit = "a whole number ≥ 0" if counts else "a duration such as 2500 (ms) or 2.5s" \
            if metric.endswith("_ms") else "a number ≥ 0"
        src.fail(node, key, f"expected {unit}, found {node.describe()}")
        return None
    return float(v)
