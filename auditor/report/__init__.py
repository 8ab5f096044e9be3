"""AuditRun → reports/<run-id>/: the files reviewers decide from.

    reports/<run-id>/
      report.json                    versioned schema (docs/report-schema.md)
      index.html                     the journey-map report (self-contained, strict CSP)
      summary.md                     PR comment / CI job summary
      junit.xml                      one testcase per check × stage × device
      screenshots/<device>/…jpg      raw masked screenshots from the walker (kept: re-annotation input)
      annotated/<device>/<NN-stage>.webp   every stage with its findings boxed and numbered
      annotated/<device>/f-<fingerprint>.webp   a close-up per finding
      captures/<journey-id>.json     full journeys (elements + DOM) for `auditor check`

The report reads only model objects (or report.json + captures/), never a browser.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from ..model import AuditRun
from ..run.phases import phase
from . import compare as _compare
from .annotate import annotate_run, clear_annotations
from .catalog import number_findings
from .html import render_html
from .json_report import load_captures, load_report, report_dict, save_captures, write_json
from .junit import render_junit
from .markdown import render_markdown
from .trends import trend_view

__all__ = ["ReportFiles", "write_report", "load_report", "save_captures", "load_captures"]


@dataclass(frozen=True, slots=True)
class ReportFiles:
    run_dir: Path
    report_json: Path
    index_html: Path
    summary_md: Path
    junit_xml: Path
    annotated: tuple[Path, ...]
    captures: tuple[Path, ...]

    @property
    def all(self) -> tuple[Path, ...]:
        return (self.report_json, self.index_html, self.summary_md, self.junit_xml) + self.annotated + self.captures


def write_report(run: AuditRun, run_dir: Path, *, previous: AuditRun | None = None,
                 trends: Sequence[Mapping] | None = None) -> ReportFiles:
    """Write every report file for ``run`` into ``run_dir`` (which holds the walker's screenshots/).

    ``previous``: an earlier run or baseline; findings are then marked new / unchanged and the
    fixed ones listed, with timing deltas per stage. Without it, a gate that compared against a
    baseline (``run.gate.new``/``fixed``) still marks findings. ``trends``: past runs, oldest first
    (see ``trends.py``), drawn as small charts."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    comparison = _compare.compare(run, previous) if previous is not None else _compare.from_gate(run)
    items = number_findings(run, comparison.status if comparison else None)
    captures = tuple(save_captures(run, run_dir))
    clear_annotations(run_dir)  # a re-check writes in place: no close-up of a finding that is gone
    with phase("annotate"):
        ann = annotate_run(run, run_dir, items)
    names = {"html": "index.html", "markdown": "summary.md", "junit": "junit.xml"}
    paths = ReportFiles(run_dir=run_dir, report_json=run_dir / "report.json", index_html=run_dir / names["html"],
                        summary_md=run_dir / names["markdown"], junit_xml=run_dir / names["junit"],
                        annotated=tuple(run_dir / rel for rel in ann.bytes), captures=captures)
    write_json(paths.report_json, report_dict(run, items, ann, _compare.to_json(comparison), names))
    html = render_html(run, run_dir, items, ann, comparison, trend_view(trends, run, items))
    paths.index_html.write_text(html, encoding="utf-8")
    paths.summary_md.write_text(render_markdown(run, items, comparison, names["html"]), encoding="utf-8")
    paths.junit_xml.write_bytes(render_junit(run, items))
    return paths

