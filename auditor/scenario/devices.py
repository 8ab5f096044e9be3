"""Which screens a scenario is walked on: ``desktop``/``mobile``, Playwright's named devices, or
a mapping written in the scenario. Playwright is imported only when a scenario names one of its
devices, so loading a scenario stays fast and needs no browser."""
from __future__ import annotations

import difflib
from typing import Any, Mapping

from ..config.yamlsrc import Node, Source, join, short
from ..model import Device
from . import schema
from .types import BUILTIN_DEVICES, DEFAULT_DEVICES

__all__ = ["playwright_devices", "resolve_devices"]


def playwright_devices() -> Mapping[str, Mapping[str, Any]]:
    """Playwright's device descriptors ("Pixel 7", "iPhone 15"…), read by walk/ only when a scenario
    names one."""
    from ..walk.devices import device_descriptors  # deferred (start-up): tests/test_imports.py

    return device_descriptors()


def resolve_devices(src: Source, node: Node | None) -> tuple[Device, ...]:
    """The ``devices`` list: built-in names, Playwright names and mappings; default desktop + mobile."""
    if node is None:
        return tuple(BUILTIN_DEVICES[n] for n in DEFAULT_DEVICES)
    out: list[Device] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(src.sequence(node, "devices", allow_empty=False) or ()):
        key = join("devices", i)
        if item.kind == "map":
            device = _custom_device(src, item, key)
        elif isinstance(item.value, str):
            device = _named_device(src, item, key)
        else:
            src.fail(item, key, "expected a device name or a mapping {name, width, height}, "
                     f"found {item.describe()}")
            continue
        if device is None:
            continue
        if device.name in seen:
            src.fail(item, key, f"device {short(device.name)!r} is listed twice "
                     f"(first at line {seen[device.name]})")
            continue
        seen[device.name] = item.line
        out.append(device)
    return tuple(out)


def _named_device(src: Source, item: Node, key: str) -> Device | None:
    name = item.value
    if name in BUILTIN_DEVICES:
        return BUILTIN_DEVICES[name]
    if not name.strip():
        src.fail(item, key, "expected a device name, found an empty string")
        return None
    fallback = 'use "desktop", "mobile", a Playwright device name or a mapping {name, width, height}'
    try:
        known = playwright_devices()
    except Exception as e:  # no driver, no Node.js…: the scenario can still name its own devices
        reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
        src.fail(item, key, f"cannot look up device {short(name)!r}: Playwright's device list "
                 f"is unavailable ({short(reason, 120)})", fallback)
        return None
    d = known.get(name)
    if d is None:
        close = difflib.get_close_matches(name, [*BUILTIN_DEVICES, *known], n=1, cutoff=0.6)
        src.fail(item, key, f"unknown device {short(name)!r}",
                 f"did you mean {close[0]!r}?" if close else fallback)
        return None
    viewport = d.get("viewport") or {}
    return Device(name, int(viewport.get("width", 0)), int(viewport.get("height", 0)),
                  float(d.get("device_scale_factor") or 1.0), bool(d.get("is_mobile")),
                  bool(d.get("has_touch")), d.get("user_agent"))


def _custom_device(src: Source, item: Node, key: str) -> Device | None:
    m = src.mapping(item, key, schema.DEVICE, required=("name", "width", "height")) or {}
    name = src.string(m.get("name"), join(key, "name"))
    width = src.integer(m.get("width"), join(key, "width"), None, minimum=1, maximum=10_000)
    height = src.integer(m.get("height"), join(key, "height"), None, minimum=1, maximum=10_000)
    scale = src.number(m.get("scale"), join(key, "scale"), 1.0, maximum=10)
    mobile = src.boolean(m.get("mobile"), join(key, "mobile"), False)
    touch = src.boolean(m.get("touch"), join(key, "touch"), False)
    user_agent = src.string(m.get("user_agent"), join(key, "user_agent"))
    if name is None or width is None or height is None:
        return None
    return Device(name, width, height, scale, mobile, touch, user_agent)
