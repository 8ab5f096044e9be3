"""SIGINT and SIGTERM during a run (issue 18.8): stop walking, report what was captured, exit 130.

A cancelled CI job sends SIGTERM, a terminal Ctrl-C sends SIGINT; both mean the same, with workers or
without. While the journeys are walked, the first signal raises KeyboardInterrupt where the walk is:
the walker turns it into ``WalkInterrupted`` carrying the journey so far (walk/walker.py), the serial
loop or the worker pool (workers.py) collects what was walked into ``RunInterrupted``, and the pipeline
checks, reports and records that partial run with ``run.options["interrupted"]``, which makes its
verdict exit 130 (gate/verdict.py). After the walk, a first signal waits for the report being written
(the run ends with its own verdict); a second signal, at any time, stops at once (exit 130, no report).

Handlers are installed on the main thread only; a walk on another thread (tests, the pytest plugin)
keeps the process's own handling.
"""
from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from ..model import Journey
from .shard import journey_key

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class RunInterrupted(KeyboardInterrupt):
    """The walk stopped on a signal. ``journeys``: the walked ones in plan order, the last ones partial."""

    def __init__(self, journeys: Sequence[Journey]):
        super().__init__("interrupted")
        self.journeys = list(journeys)


@dataclass
class Signals:
    """What the run's handler has seen. ``walking``: signals raise (the walk stops); else the first waits."""

    say: Callable[[str], None] = field(default=lambda _text: None)
    walking: bool = True
    received: list[str] = field(default_factory=list)

    @property
    def first(self) -> str | None:
        return self.received[0] if self.received else None

    def handle(self, signum: int, frame: FrameType | None) -> None:  # noqa: ARG002 - signal handler signature
        self.received.append(signal.Signals(signum).name)
        if len(self.received) > 1 or self.walking:
            raise KeyboardInterrupt(self.received[-1])
        self.say(f"{self.received[-1]}: the walk is over, finishing its report (again to stop at once)")


@contextmanager
def signals(say: Callable[[str], None] | None = None) -> Iterator[Signals]:
    state = Signals(say or _stderr)
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    previous = {s: signal.signal(s, state.handle) for s in SIGNALS}
    try:
        yield state
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stderr(text: str) -> None:
    print(f"auditor: {text}", file=sys.stderr, flush=True)


def interrupted_options(state: Signals, planned: Sequence[str], walked: Sequence[Journey]) -> dict[str, Any]:
    """``run.options["interrupted"]``: which signal, and which planned jobs were not walked at all."""
    done = {journey_key(j) for j in walked}
    return {"interrupted": {"signal": state.first or "SIGINT", "planned": len(planned), "walked": len(walked),
                            "partial": sum(1 for j in walked if any(f.kind == "interrupted" for f in j.failures)),
                            "not_walked": [k for k in planned if k not in done]}}
