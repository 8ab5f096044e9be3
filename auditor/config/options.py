"""The ``checks:`` part of a policy: each check's options validated against the shape and type of its
``META.defaults`` (a number where the default is a number, a whole number where it is one, a severity
where it is a severity, ``{good, poor}`` bands with good ≤ poor), with "did you mean" for near misses.
Device overrides (``slow-load: {mobile: {lcp_ms: …}}``) are accepted where the check reads them."""
from __future__ import annotations

from typing import Any, Mapping

from ..model import SEVERITIES
from .yamlsrc import join, suggest

# Checks that read ``options[<device name>]`` as per-device overrides (load_timing.limits()).
DEVICE_SCOPED = ("slow-load",)


def parse_checks(src, node, key) -> dict:
    from ..checks.registry import ALL_CHECKS  # deferred (start-up): tests/test_imports.py
    metas = {m.META.id: m.META for m in ALL_CHECKS}
    out = {}
    for cid, value in (src.mapping(node, key, metas) or {}).items():
        k = join(key, cid)
        if value.kind == "scalar" and isinstance(value.value, bool):  # `long-form: false`
            out[cid] = {"enabled": value.value}
            continue
        fields = src.mapping(value, k)
        if fields is not None:
            out[cid] = _check_options(src, fields, value, metas[cid], k)
    return out


def _check_options(src, fields, node, meta, key) -> dict:
    out: dict[str, Any] = {}
    names = ["enabled", *meta.defaults]
    for name, v in fields.items():
        k = join(key, name)
        if name == "enabled":
            out[name] = src.boolean(v, k, True)
        elif name in meta.defaults:
            out[name] = _option(src, v, k, meta.defaults[name], name)
        elif meta.id in DEVICE_SCOPED and v.kind == "map" and "did you mean" not in suggest(name, list(meta.defaults)):
            out[name] = _device_override(src, v, k, meta)  # a map is never meant as `enabled`
        else:
            hint = suggest(name, names, "options")
            if meta.id in DEVICE_SCOPED and "did you mean" not in hint:
                hint += "; or a device name with metric overrides, e.g. mobile: {lcp_ms: {good: 3000}}"
            src.fail(node.key_lines[name], k, f"unknown option {name!r} for check {meta.id}", hint)
    return out


def _device_override(src, node, key, meta) -> dict:
    metrics = [n for n, d in meta.defaults.items() if d is None or _is_bands(d)]
    out = {}
    for name, v in node.value.items():
        if name not in metrics:
            src.fail(node.key_lines[name], join(key, name), f"unknown metric {name!r} in a device override",
                     suggest(name, metrics, "metrics"))
            continue
        out[name] = _option(src, v, join(key, name), meta.defaults[name], name)
    return out


def _is_bands(default) -> bool:
    return isinstance(default, Mapping) and set(default) == {"good", "poor"}


def _option(src, node, key, default, name):
    """A value checked against the shape and type of its default."""
    if default is None or _is_bands(default):
        return _bands(src, node, key, default)
    if isinstance(default, bool):
        return src.boolean(node, key, default)
    if isinstance(default, (int, float)):
        v = src.read_number(node, key, integer=isinstance(default, int))
        return default if v is None else v
    if isinstance(default, str):
        if default in SEVERITIES:
            return src.choice(node, key, SEVERITIES, default)
        return src.string(node, key, default)
    if isinstance(default, Mapping):
        fields = src.mapping(node, key, default) or {}
        return {n: _option(src, v, join(key, n), default[n], n) for n, v in fields.items()}
    if isinstance(default, (list, tuple)):
        items = src.sequence(node, key)
        return default if items is None else [v.plain() for v in items]
    return node.plain()


def _bands(src, node, key, default):
    """{good, poor} (either may be left to the default) or [good, poor]; null switches off a metric
    whose default is off (load_ms)."""
    if node.kind == "scalar" and node.value is None and default is None:
        return None
    if node.kind == "seq":
        vals = [src.read_number(n, join(key, i)) for i, n in enumerate(node.value)]
        if len(vals) != 2:
            src.fail(node, key, f"expected [good, poor], found a list of {len(vals)}")
            return default
        good, poor = vals
        out = {"good": good, "poor": poor}
    else:
        fields = src.mapping(node, key, {"good": "", "poor": ""},
                             required=("good", "poor") if default is None else (),
                             hint="write {good: N, poor: M}")
        if fields is None:
            return default
        out = {n: src.read_number(v, join(key, n)) for n, v in fields.items()}
    merged = {**(default or {}), **{k: v for k, v in out.items() if v is not None}}
    if None not in merged.values() and len(merged) == 2 and merged["good"] > merged["poor"]:
        src.fail(node, key, f"good ({merged['good']:g}) must not be above poor ({merged['poor']:g})")
    return out
