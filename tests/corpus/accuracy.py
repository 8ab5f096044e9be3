"""The verdict table of docs/accuracy.md, written from corpus walks rather than copied by hand.

Each walk of a corpus family variant (test_corpus_walk.py) or of the real shop (tests/realshop) calls
``record(family, variant, truth, report)``; with ``AUDITOR_WRITE_ACCURACY=1`` in the environment it puts
that variant's row into the table between the markers in docs/accuracy.md and leaves every other row as
it was, so one family can be walked again without walking them all::

    AUDITOR_WRITE_ACCURACY=1 .venv/bin/python -m pytest tests/corpus tests/realshop -k woocommerce

A cell is the verdict per check at major and above: ``major`` where the report agrees with the truth,
``**silent** ≠ major`` where it does not (reported, then the truth), ``D … · M …`` where desktop and
mobile differ, ``walk stopped`` where that device did not reach the family's last stage.
"""
from __future__ import annotations

import html
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from .truth import CHECKS, DEVICES, WALK, Truth, compare, load_gaps, reported_verdicts

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[1] / "docs" / "accuracy.md"
GAP_FILES = (HERE / "known_gaps.yaml", HERE.parent / "realshop" / "known_gaps.yaml")
BEGIN, END = "<!-- verdict-table:begin -->", "<!-- verdict-table:end -->"
GAPS_BEGIN, GAPS_END = "<!-- known-gaps:begin -->", "<!-- known-gaps:end -->"
ENV = "AUDITOR_WRITE_ACCURACY"
HEADER = ("| family | variant | " + " | ".join(CHECKS) + " | agrees | walked |\n"
          "|---|---|" + "---|" * len(CHECKS) + "---|---|")


def _cell(per_device: dict[str, tuple[str, str]]) -> str:
    """``per_device``: device → (reported, truth)."""
    def one(reported: str, truth: str) -> str:
        return truth if reported == truth else f"**{reported}** ≠ {truth}"
    shown = {d: one(*rt) for d, rt in per_device.items()}
    if len(set(shown.values())) == 1:
        return next(iter(shown.values()))
    return " · ".join(f"{d[0].upper()} {v}" for d, v in shown.items())


def row(family: str, variant: str, truth: Truth, report: dict, day: str | None = None) -> str:
    """The table row of one walked variant."""
    stopped = {m.device for m in compare(truth, variant, report) if m.check == WALK}
    verdicts = {d: reported_verdicts(report, d)[0] for d in DEVICES}
    want = truth.variants[variant].verdict
    cells, agree = [], 0
    for check in CHECKS:
        per = {d: ("walk stopped" if d in stopped else verdicts[d][check].split(" (")[0], want[check][d])
               for d in DEVICES}
        agree += all(r == t for r, t in per.values())
        cells.append(_cell(per))
    day = day or datetime.now(timezone.utc).strftime("%Y-%m-%d")
    return f"| {family} | {variant} | " + " | ".join(cells) + f" | {agree}/{len(CHECKS)} | {day} |"


def _key(line: str) -> tuple[str, str]:
    parts = [p.strip() for p in line.strip().strip("|").split("|")]
    return parts[0], parts[1]


def update(doc_text: str, new_rows: list[str]) -> str:
    """``doc_text`` with ``new_rows`` put into the table between the markers (a row replaces the one of
    the same family and variant; the rest keep their place; new rows go in family order)."""
    if BEGIN not in doc_text or END not in doc_text:
        raise ValueError(f"the verdict table's markers {BEGIN} … {END} are missing")
    body = doc_text.split(BEGIN, 1)[1].split(END, 1)[0]
    rows = [ln for ln in body.strip().splitlines() if ln.startswith("| ") and not ln.startswith("| family |")]
    by_key = {_key(r): r for r in rows}
    for r in new_rows:
        by_key[_key(r)] = r
    order = [_key(r) for r in rows] + [k for k in map(_key, new_rows) if k not in {_key(r) for r in rows}]
    order = sorted(dict.fromkeys(order), key=lambda k: (k[0], order.index(k)))
    table = [by_key[k] for k in order]
    agree = sum(int(r.rsplit(" | ", 2)[-2].split("/")[0]) for r in table)
    total = (f"\n\n{agree} of {len(CHECKS) * len(table)} verdicts (variant × check) agree with the truth on both "
             "devices.")
    return _between(doc_text, BEGIN, END, "\n".join([HEADER] + table) + total)


def gaps_list(files: tuple[Path, ...] = GAP_FILES) -> str:
    """The known gaps of the corpus and the real shop as a Markdown list, one line each."""
    out = []
    for path in files:
        for g in load_gaps(path):
            where = f"{g.family} / {g.variant}" + (f" ({g.device})" if g.device else "")
            note = " — *intermittent*" if g.intermittent else ""
            reason = html.escape(" ".join(g.reason.split()), quote=False)  # "<input name=id>" is text here
            out.append(f"- **{where} · {g.check}**{note}: {reason}")
    return "\n".join(out) or "- none"


def _between(text: str, begin: str, end: str, body: str) -> str:
    head, rest = text.split(begin, 1)
    return f"{head}{begin}\n{body}\n{end}{rest.split(end, 1)[1]}"


def record(family: str, variant: str, truth: Truth, report: dict, doc: Path = DOC,
           gap_files: tuple[Path, ...] = GAP_FILES) -> None:
    """Write this variant's row, and the known gaps as they stand, into docs/accuracy.md when the
    environment asks for it."""
    if os.environ.get(ENV) != "1":
        return
    text = update(doc.read_text(encoding="utf-8"), [row(family, variant, truth, report)])
    if GAPS_BEGIN in text and GAPS_END in text:
        text = _between(text, GAPS_BEGIN, GAPS_END, gaps_list(gap_files))
    doc.write_text(text, encoding="utf-8")


def rows_of(doc_text: str) -> dict[tuple[str, str], list[str]]:
    """(family, variant) → its cells, read back from the table (for tests and tools)."""
    _, rest = doc_text.split(BEGIN, 1)
    body = rest.split(END, 1)[0]
    return {_key(ln): [c.strip() for c in ln.strip().strip("|").split("|")][2:]
            for ln in body.splitlines() if ln.startswith("| ") and not ln.startswith("| family |")
            and not re.match(r"\|\s*-", ln)}
