"""index.html: the journey-map report, one self-contained file next to its images.

Safety, because every string from an audited page is hostile:
- Jinja2 autoescapes everything and StrictUndefined turns a typo into an error, not a blank;
  nothing from the page is ever passed through ``|safe``.
- Page URLs become links only when they are plain http(s) (``paths.safe_link``), with
  rel="noopener noreferrer"; anything else is shown as text.
- A Content-Security-Policy in a <meta> allows only this file's own stylesheet and script, by
  hash, and images from the report folder: an injected tag could neither run nor load anything.
  The script attaches its listeners itself; there are no inline event handlers and no style=.
Works from file:// and from any static host: no fonts, scripts or styles from anywhere else.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined

from ..model import AuditRun
from .annotate import Annotations
from .draw import STYLES
from .catalog import (METRICS, SEVERITY_ORDER, Item, at_or_above, check_titles, counts, fail_on, format_metric,
                      format_value, rate, scenarios, verdicts)
from .compare import COMPARED_METRICS, Comparison, MetricDelta
from .paths import href_for, safe_link
from .trends import BAR_H, H, W, Trends
from .view import (filter_values, finding_cards, journey_problems, passed_groups, scenario_views, short_selector,
                   short_url)

_HERE = Path(__file__).parent


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def assets() -> tuple[str, str]:
    css = (_HERE / "static" / "report.css").read_text(encoding="utf-8")
    js = (_HERE / "static" / "report.js").read_text(encoding="utf-8")
    return css, js


def content_security_policy(css: str, js: str) -> str:
    # 'self' lets the page show the images beside it; data: is the empty favicon.
    return ("default-src 'none'; img-src 'self' data:; "
            f"style-src {_hash(css)}; script-src {_hash(js)}; base-uri 'none'; form-action 'none'")


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """A cache that cannot be written (full disk, directory removed) must not fail a report."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    try:
        return _QuietBytecodeCache()
    except (OSError, RuntimeError):  # no usable temporary directory: compile every time
        return None


@lru_cache(maxsize=1)
def environment() -> Environment:
    # The bytecode cache spares each run ~0.25 s of template compiling. Jinja keys it by template
    # and source checksum, keeps it in a per-user 0700 directory it checks the owner of, and
    # falls back to compiling when that directory cannot be used.
    env = Environment(loader=FileSystemLoader(str(_HERE / "templates")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      bytecode_cache=_bytecode_cache())
    env.filters.update(metric=format_metric, value=format_value, href=href_for, short_selector=short_selector,
                       short_url=short_url, first_upper=lambda s: s[:1].upper() + s[1:] if isinstance(s, str) else s)
    env.globals.update(rate=rate, safe_link=safe_link, check_titles=check_titles, severities=SEVERITY_ORDER,
                       styles=STYLES, metrics=METRICS)
    return env


@dataclass(frozen=True, slots=True)
class DeltaRow:
    stage: str
    device: str
    cells: dict[str, MetricDelta]

    @property
    def changed(self) -> bool:
        return any(d.direction in ("better", "worse") for d in self.cells.values())


def delta_rows(c: Comparison | None) -> list[DeltaRow]:
    rows: dict[tuple[str, str, str], DeltaRow] = {}
    for d in (c.metrics if c else ()):
        rows.setdefault((d.scenario, d.stage, d.device), DeltaRow(d.stage, d.device, {})).cells[d.metric] = d
    return list(rows.values())


def spark_rows(t: Trends | None) -> list[tuple[str, dict]]:
    rows: dict[str, dict] = {}
    for s in (t.sparks if t else ()):
        rows.setdefault(s.key, {})[s.metric] = s
    return list(rows.items())


def render_html(run: AuditRun, run_dir: Path, items: Sequence[Item], ann: Annotations,
                comparison: Comparison | None = None, trends: Trends | None = None) -> str:
    css, js = assets()
    problems = journey_problems(run, run_dir)
    names = scenarios(run) or ["(no journeys)"]
    level = fail_on(run)
    ctx = dict(
        run=run,
        heading=", ".join(names),
        gate=run.gate,
        contended=sum(1 for j in run.journeys for st in j.stages if st.timing.contended),
        workers=run.options.get("workers", 1) if isinstance(run.options, dict) else 1,
        items=items,
        counts=counts(items),
        verdicts=verdicts(run, items),
        scenarios=scenario_views(run, items, ann),
        problems=problems,
        passed=passed_groups(run),
        cards=finding_cards(run, items, ann, level),
        filters=filter_values(items, run),
        comparison=comparison,
        deltas=delta_rows(comparison),
        delta_metrics=COMPARED_METRICS,
        trends=trends,
        key_metrics=[spec for spec in METRICS if spec.key in ("lcp_ms", "ttfb_ms", "cls")],
        spark_rows=spark_rows(trends),
        spark=(W, H),
        bar_h=BAR_H,
        css=css,
        js=js,
        csp=content_security_policy(css, js),
        blocking=[it for it in items if at_or_above(it.finding.severity, level)],
    )
    return environment().get_template("report.html").render(**ctx)
