"""Capture a page that someone else drives: a pytest-playwright test's ``page`` (auditor/pytest_plugin.py).

The walker's capture of one stage (capture.py: the element table, the DOM and a masked screenshot),
without the walker's steps, navigation guard or interruption handling: the test owns the page, so
its dialogs, pop-ups and downloads stay the test's to handle. Only the recording listeners are
attached (console errors, failed requests, the document's status), and nothing is injected into
the page's own world.

    live = LivePage(page, device="desktop", run_dir=Path("report"))
    cap = live.capture("cart", kind="cart", index=0, label="Cart")
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from ..model import StageCapture, slug
from .capture import CaptureSpec, Masker, capture_stage
from .events import Listeners

CAPTURE_TIMEOUT_MS = 30_000.0  # each in-page read and the screenshot, as the walker's default step timeout


class LivePage:
    """One page, captured stage by stage. ``secrets``: values to mask wherever the page shows them
    (fields of type password and card fields are painted over in every screenshot regardless)."""

    def __init__(self, page: Any, *, device: str, run_dir: Path, secrets: Iterable[str] = (),
                 first_party: tuple[str, ...] = ()):
        self.page, self.device, self.run_dir = page, device, Path(run_dir)
        self.mask = Masker(secrets)
        self.listeners = Listeners(self.mask, first_party)
        self.listeners.record(page)
        self._doc: str | None = None  # the last capture's document token: a new one means a navigation

    def capture(self, stage: str, *, kind: str, index: int, label: str = "",
                timeout_ms: float = CAPTURE_TIMEOUT_MS) -> StageCapture:
        """The page as it is now, as stage ``stage`` (unique in its journey) of kind ``kind``."""
        spec = CaptureSpec(stage=stage, kind=kind, index=index, step=index, label=label or stage, device=self.device,
                           run_dir=self.run_dir,
                           screenshot_rel=f"screenshots/{slug(self.device)}/{index:02d}-{slug(stage)}.jpg",
                           timeout_ms=timeout_ms)
        cap, self._doc = capture_stage(self.page, spec, mask=self.mask, events=self.listeners.events, step_ms=None,
                                       prev_doc=self._doc)
        return replace(cap, status=self.listeners.doc_status)
