"""The one way to point at what a finding or a passed signal is about: a selector, a box and the text
read there, as ``model.Evidence``, which the HTML report and the annotator both draw."""
from __future__ import annotations

import re

from ..model import Element, Evidence, Rect, StageCapture


def collapse(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def evidence_of(element: Element | None, stage: StageCapture | str, text: str | None = None) -> Evidence:
    """The one way to point at an element: its selector, its box, and what was read there."""
    stage_id = stage if isinstance(stage, str) else stage.stage
    if element is None:
        return Evidence(stage=stage_id, text=collapse(text or ""))
    shown = text if text is not None else (element.text or element.name or element.attrs.get("placeholder", ""))
    return Evidence(stage=stage_id, selector=element.selector, box=element.box if element.visible else None,
                    text=collapse(shown))


def evidence_box(stage: StageCapture | str, box: Rect | None, selector: str | None = None, text: str = "") -> Evidence:
    stage_id = stage if isinstance(stage, str) else stage.stage
    return Evidence(stage=stage_id, selector=selector, box=box, text=collapse(text))
