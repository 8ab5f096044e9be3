"""What a ``--workers`` process and the parent say to each other over their pipe: typed, picklable
messages instead of tuples of text. The parent prints what a worker reports and keeps the last
``StepStarted`` of each worker, so a walk lost in a crash still says where it was.

    parent → worker:  WalkJob(index, job) … None (no more jobs: close the browser and exit)
    worker → parent:  Started → (Said | StepStarted)* → Walked, once per job
                      or Fatal (no browser could be opened)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .plan import Job


@dataclass(frozen=True, slots=True)
class WalkJob:
    index: int  # into the plan: journeys come back in plan order
    job: Job


@dataclass(frozen=True, slots=True)
class Started:
    pid: int
    browser: str  # "browser" | "remote browser"

    def text(self) -> str:
        return f"started (pid {self.pid}, one {self.browser})"


@dataclass(frozen=True, slots=True)
class Said:
    """A progress line of the walk or the worker, printed as it is."""

    text: str


@dataclass(frozen=True, slots=True)
class StepStarted:
    """The walk began a step: where the journey was if the worker dies now."""

    step: int  # index into the scenario's steps
    stage: str


@dataclass(frozen=True, slots=True)
class Walked:
    index: int
    journey: dict[str, Any]  # model.to_dict(Journey): plain data across the process boundary


@dataclass(frozen=True, slots=True)
class Fatal:
    """The worker could not open a browser at all; it exits after saying so."""

    message: str


WorkerEvent = Started | Said | StepStarted | Walked | Fatal
