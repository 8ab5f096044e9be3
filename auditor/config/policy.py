"""Policy: which checks run with which options, the budgets, and what fails the gate.

Layers, highest first (docs/policy.md)::

    CLI flags (--fail-on, --keep-runs, --notify)
    > --policy FILE > ./auditor.yaml > ``policy:`` inside the scenario > built-in defaults

Each layer is validated on its own, like a scenario (``file:line: key.path: message (did you mean…)``,
through ``yamlsrc``), then the layers are merged: a value overrides the one below it, mappings merge
key by key (``checks: slow-load: lcp_ms: {good: 3000}`` keeps the default ``poor``), and a budget
replaces a lower layer's budget on the same target; other budgets add up. Check defaults come from
each check's ``META.defaults`` (thresholds from ../shared/heuristics.md with their sources).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from dataclasses import fields as fields_of
from typing import Any, Iterable, Mapping, Sequence

from ..errors import ConfigError, PolicyError
from ..model import SEVERITIES, Timing
from ..scenario.types import Scenario
from .budgets import Budget, parse_budgets
from .options import parse_checks
from .yamlsrc import Node, Source, join

FAIL_ON_LEVELS = SEVERITIES + ("never",)
TIMING_METRICS = Timing.METRICS
# What regressions are judged on by default: server time and the Core Web Vitals of each page, and the
# response time of steps that load no new page (SPA). FCP mostly repeats LCP; load_ms follows third parties.
REGRESSION_METRICS = ("ttfb_ms", "lcp_ms", "cls", "step_ms")
NOTIFY_EVENTS = ("failed", "regression")

# Top-level keys, each with the one-line doc that docs/policy.md repeats.
KEYS = {
    "fail_on": "lowest finding severity that fails the gate: info | minor | major | critical | never",
    "fail_on_regression": "whether regressions (vs the baseline or the history) fail the gate (default true)",
    "checks": "per check: enabled: true/false and any option of its META.defaults",
    "budgets": "list of limits on a metric or on a check's findings",
    "tolerance": "noise allowed before a timing counts: timing_pct, timing_ms, cls, min_samples",
    "regressions": "history comparison: window (runs), min_runs, metrics",
    "retention": "report directories to keep: keep_runs, keep_days (history rows are kept)",
    "notify": "Slack-compatible webhook: url (or \"${ENV_NAME}\"), on: [failed, regression], report_url",
}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}\Z")


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Noise allowed before a timing counts, and how many loads make a median worth gating on.

    Lab timings on a shared CI runner spread by a couple of hundred ms from run to run (on the demo
    shop, two audits sharing 2 cores moved medians of 3 loads by up to ~220 ms): a smaller change
    cannot be told from noise, so the defaults do not call it a regression. Tighten them on a
    dedicated machine with more loads (--repeat 5)."""

    timing_pct: float = 20.0
    timing_ms: float = 250.0
    cls: float = 0.02
    min_samples: int = 3

    def margin(self, metric: str, reference: float) -> float:
        if metric == "cls":
            return self.cls
        return max(abs(reference) * self.timing_pct / 100.0, self.timing_ms)

    def describe(self, metric: str) -> str:
        return f"{self.cls:g}" if metric == "cls" else f"{self.timing_pct:g} % or {self.timing_ms:g} ms"


@dataclass(frozen=True, slots=True)
class Regressions:
    window: int = 5  # a timing is compared with the median of the last `window` runs
    min_runs: int = 3  # …once that many earlier runs measured it
    metrics: tuple[str, ...] = REGRESSION_METRICS


@dataclass(frozen=True, slots=True)
class Retention:
    keep_runs: int | None = None  # per series of runs (the same scenarios); None: no limit
    keep_days: float | None = None


@dataclass(frozen=True, slots=True)
class Notify:
    url: str = ""  # as written; "${NAME}" is read from the environment when sending. Never printed.
    on: tuple[str, ...] = NOTIFY_EVENTS
    report_url: str = ""  # where readers find the report, "{run_id}" filled in; default: the local path

    def resolve_url(self) -> tuple[str, str]:
        """(url, why not) — the URL to post to, or "" and the reason."""
        m = _ENV_REF.match(self.url.strip())
        if m:
            value = os.environ.get(m.group(1), "").strip()
            return (value, "") if value else ("", f"${m.group(1)} is not set")
        return self.url.strip(), "" if self.url.strip() else "no URL"


@dataclass(frozen=True, slots=True)
class Policy:
    fail_on: str = "major"  # findings at or above this severity fail the gate; "never" reports only
    checks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # check id → {enabled, options…}
    path: str = ""  # where it came from ("" = built-in defaults), e.g. "auditor.yaml + shop.yaml (inline)"
    budgets: tuple[Budget, ...] = ()
    tolerance: Tolerance = Tolerance()
    fail_on_regression: bool = True
    regressions: Regressions = Regressions()
    retention: Retention = Retention()
    notify: Notify = Notify()

    def enabled(self, check_id: str) -> bool:
        return bool(self.checks.get(check_id, {}).get("enabled", True))

    def options_for(self, meta) -> dict[str, Any]:
        """The check's defaults with this policy's options over them; nested mappings merge key by
        key, so ``lcp_ms: {good: 3000}`` keeps the default ``poor`` (a [good, poor] list replaces)."""
        return _deep(meta.defaults, {k: v for k, v in self.checks.get(meta.id, {}).items() if k != "enabled"})


DEFAULT_POLICY = Policy()


# ---- loading ------------------------------------------------------------------------------------

def load_policy_file(path) -> Policy:
    """Load and validate one policy YAML file over the defaults (see docs/policy.md)."""
    return load_policy([path])


def policy_from_text(text: str, path: str = "<string>") -> Policy:
    src = Source(path, PolicyError)
    layer = _layer(src, src.parse(text, empty_hint=EMPTY_HINT), "")
    return _build([layer], [path])


EMPTY_HINT = "a policy sets e.g. fail_on: major, checks:, budgets:; see docs/policy.md"


def load_policy(files: Sequence[str | os.PathLike[str]] = (), scenarios: Sequence[Scenario] = (), *,
                fail_on: str | None = None) -> Policy:
    """Merge the inline policies of ``scenarios`` (lowest), then ``files`` in order (later wins),
    then ``fail_on`` from the command line. Raises PolicyError (exit 2) on any problem."""
    layers, names = [], []
    inline = [s for s in scenarios if s.policy]
    if len({repr(s.policy) for s in inline}) > 1:
        a, b = inline[0], next(s for s in inline if repr(s.policy) != repr(inline[0].policy))
        raise PolicyError(f"scenarios {a.name!r} and {b.name!r} carry different inline policies and one run has one "
                          "policy", path=b.path, line=b.policy_line, key="policy",
                          hint="audit them in separate runs, or move the policy to auditor.yaml")
    if inline:
        sc = inline[0]
        src = Source(sc.path, PolicyError)
        layers.append(_layer(src, _inline_node(src, sc), "policy"))
        names.append(f"{os.path.basename(sc.path)} (inline)")
    seen = set()
    for f in files:
        real = os.path.realpath(os.fspath(f))
        if real in seen:
            continue
        seen.add(real)
        src = Source(f, PolicyError)
        layers.append(_layer(src, src.parse(src.read(), empty_hint=EMPTY_HINT), ""))
        names.append(os.fspath(f))
    if fail_on:
        layers.append({"fail_on": fail_on})
        names.append(f"--fail-on {fail_on}")
    return _build(layers, names) if layers else DEFAULT_POLICY


def _inline_node(src, scenario):
    """The ``policy:`` node with its real lines: the scenario file is read again; when it cannot be
    (a scenario built from text), every value points at the ``policy:`` line."""
    try:
        node = src.parse(src.read()).get("policy")
        src.problems.clear()  # problems of the scenario itself were reported by its loader
        if node is not None:
            return node
    except ConfigError:
        pass

    def tree(value):
        if isinstance(value, Mapping):
            return Node({str(k): tree(v) for k, v in value.items()}, scenario.policy_line, kind="map",
                        key_lines={str(k): scenario.policy_line for k in value})
        if isinstance(value, list):
            return Node([tree(v) for v in value], scenario.policy_line, kind="seq")
        return Node(value, scenario.policy_line, raw=str(value))
    return tree(scenario.policy)


def _layer(src, root, base: str) -> dict:
    """One file's (or inline policy's) settings, validated; only the keys it sets."""
    m = src.mapping(root, base, KEYS) or {}
    out: dict[str, Any] = {}
    if "fail_on" in m:
        out["fail_on"] = src.choice(m["fail_on"], join(base, "fail_on"), FAIL_ON_LEVELS, "major")
    if "fail_on_regression" in m:
        out["fail_on_regression"] = src.boolean(m["fail_on_regression"], join(base, "fail_on_regression"), True)
    if "checks" in m:
        out["checks"] = parse_checks(src, m["checks"], join(base, "checks"))
    if "budgets" in m:
        out["budgets"] = parse_budgets(src, m["budgets"], join(base, "budgets"))
    for name, cls, read in (("tolerance", Tolerance, _tolerance), ("regressions", Regressions, _regressions),
                            ("retention", Retention, _retention), ("notify", Notify, _notify)):
        if name in m:
            table = dict.fromkeys((f.name for f in fields_of(cls)), "")  # the keys are the dataclass's fields
            key = join(base, name)
            node = m[name]
            if name == "notify" and node.kind == "scalar" and isinstance(node.value, str):
                out[name] = {"url": _url(src, node, key)}  # notify: URL
                continue
            given = src.mapping(node, key, table)
            if given is not None:
                out[name] = read(src, given, key)
    src.check()
    return out


def _numbers(src, fields, key, spec) -> dict:
    out = {}
    for name, node in fields.items():
        integer, minimum, maximum, nullable = spec[name]
        v = src.read_number(node, join(key, name), integer=integer, minimum=minimum, maximum=maximum,
                            nullable=nullable)
        if v is not None or nullable:
            out[name] = v
    return out


def _tolerance(src, fields, key):
    return _numbers(src, fields, key, {"timing_pct": (False, 0, 1000, False), "timing_ms": (False, 0, None, False),
                                       "cls": (False, 0, 10, False), "min_samples": (True, 1, 100, False)})


def _retention(src, fields, key):
    return _numbers(src, fields, key, {"keep_runs": (True, 1, None, True), "keep_days": (False, 0.01, None, True)})


def _regressions(src, fields, key):
    out = _numbers(src, {k: v for k, v in fields.items() if k != "metrics"}, key,
                   {"window": (True, 1, 100, False), "min_runs": (True, 1, 100, False)})
    if "metrics" in fields:
        items = src.sequence(fields["metrics"], join(key, "metrics"), allow_empty=False) or []
        out["metrics"] = tuple(src.choice(n, join(join(key, "metrics"), i), TIMING_METRICS, "lcp_ms")
                               for i, n in enumerate(items))
    return out


def _url(src, node, key) -> str:
    url = src.string(node, key, "") or ""
    if url and not _ENV_REF.match(url.strip()) and not re.match(r"https?://[^\s/]+", url.strip()):
        src.fail(node, key, "expected an http(s) URL or \"${ENV_NAME}\"",
                 "keep webhook URLs in a secret, e.g. url: \"${SLACK_WEBHOOK_URL}\"")
        return ""
    return url


def _notify(src, fields, key):
    out: dict[str, Any] = {}
    if "url" in fields:
        out["url"] = _url(src, fields["url"], join(key, "url"))
    if "on" in fields:
        items = src.sequence(fields["on"], join(key, "on")) or []
        out["on"] = tuple(src.choice(n, join(join(key, "on"), i), NOTIFY_EVENTS, "failed") for i, n in enumerate(items))
    if "report_url" in fields:
        out["report_url"] = src.string(fields["report_url"], join(key, "report_url"), "") or ""
    return out


# ---- merging ------------------------------------------------------------------------------------

def _deep(lower: Mapping, higher: Mapping) -> dict:
    out = dict(lower)
    for k, v in higher.items():
        out[k] = _deep(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) else v
    return out


def _build(layers: Iterable[dict], names: Sequence[str]) -> Policy:
    merged: dict[str, Any] = {}
    for layer in layers:
        for k, v in layer.items():
            if k == "budgets":
                kept = [b for b in merged.get(k, ()) if b.ident not in {n.ident for n in v}]
                merged[k] = tuple(kept) + tuple(v)
            elif isinstance(v, Mapping):
                merged[k] = _deep(merged.get(k, {}), v)
            else:
                merged[k] = v
    policy = Policy(
        fail_on=merged.get("fail_on", "major"), checks=merged.get("checks", {}), path=" + ".join(names),
        budgets=merged.get("budgets", ()), fail_on_regression=merged.get("fail_on_regression", True),
        tolerance=Tolerance(**merged.get("tolerance", {})), regressions=Regressions(**merged.get("regressions", {})),
        retention=Retention(**merged.get("retention", {})), notify=Notify(**merged.get("notify", {})))
    _cross_check(policy)
    return policy


def _cross_check(policy: Policy) -> None:
    """What only the merged policy can tell: a budget on a check that no layer leaves enabled."""
    for b in policy.budgets:
        if b.check and not policy.enabled(b.check):
            raise PolicyError(f"budget on check {b.check!r}, which the policy disables: it could never be judged",
                              path=b.path, line=b.line, key=b.key, hint=f"enable {b.check} or remove the budget")
