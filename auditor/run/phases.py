"""Wall time per pipeline phase, for the benchmark (bench/run.py) and ``--debug`` curiosity.

    with phase("capture"):
        ...
    snapshot()  →  {"capture": {"seconds": 1.84, "count": 14}, "walk": {...}, ...}
    reset()

Times are exclusive: a phase opened inside another is subtracted from the outer one, so the
phases of one run add up to the time spent inside any of them. Always on: two perf_counter calls
and a few list operations per phase (well under a microsecond next to calls into a browser that
take milliseconds). Per process and per thread of use: the walk runs on one thread, and each
``--workers`` process keeps its own totals.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

_seconds: dict[str, float] = {}
_counts: dict[str, int] = {}
_open: list[list] = []  # [name, start, seconds spent in nested phases]


@contextmanager
def phase(name: str) -> Iterator[None]:
    frame = [name, time.perf_counter(), 0.0]
    _open.append(frame)
    try:
        yield
    finally:
        elapsed = time.perf_counter() - frame[1]
        if _open and _open[-1] is frame:
            _open.pop()
        elif frame in _open:  # a generator closed out of order: never let one phase corrupt the rest
            _open.remove(frame)
        _seconds[name] = _seconds.get(name, 0.0) + elapsed - frame[2]
        _counts[name] = _counts.get(name, 0) + 1
        if _open:
            _open[-1][2] += elapsed


def reset() -> None:
    _seconds.clear()
    _counts.clear()


def snapshot() -> dict[str, dict[str, float]]:
    """Totals since the last reset: name → {"seconds": exclusive wall time, "count": times entered}."""
    return {name: {"seconds": _seconds[name], "count": _counts[name]} for name in _seconds}
