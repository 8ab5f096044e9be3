"""The one place a check is registered: add its module here, in report order."""
from __future__ import annotations

from types import ModuleType

from . import forced_account, form_length, load_timing, surprise_fees, trust_signals

ALL_CHECKS: tuple[ModuleType, ...] = (load_timing, form_length, forced_account, trust_signals, surprise_fees)


def check_ids() -> tuple[str, ...]:
    return tuple(m.META.id for m in ALL_CHECKS)


def by_id(check_id: str) -> ModuleType | None:
    for m in ALL_CHECKS:
        if m.META.id == check_id:
            return m
    return None
