"""The verdict table of docs/accuracy.md (corpus/accuracy.py): cells from a report both ways, rows put in place
of their own, the rest kept, and nothing written unless asked. Fast: no browser."""
from __future__ import annotations

import pytest

from corpus import accuracy
from corpus.test_corpus_server import _late, _report, _truth

DOC = f"""# Accuracy

Intro.

{accuracy.BEGIN}
{accuracy.HEADER}
| alpha | clean | silent | silent | silent | silent | silent | 5/5 | 2026-01-01 |
| test | friction | silent | silent | silent | silent | **silent** ≠ major | 4/5 | 2026-01-01 |
{accuracy.END}

## Known limits
{accuracy.GAPS_BEGIN}
- old
{accuracy.GAPS_END}
"""


def test_an_agreeing_report_gives_the_truths_verdicts(tmp_path):
    row = accuracy.row("test", "friction", _truth(tmp_path), _report([_late("desktop"), _late("mobile")]), "2026-02-02")
    assert row == "| test | friction | silent | silent | silent | silent | major | 5/5 | 2026-02-02 |"


def test_a_disagreement_shows_what_was_reported_and_the_truth_per_device(tmp_path):
    report = _report([_late("desktop", "critical"), ("mobile", "long-form", "major", "checkout", "15 fields")])
    cells = accuracy.row("test", "clean", _truth(tmp_path), report, "d").split(" | ")
    # long-form's truth is silent on desktop, major on mobile: both agree; surprise-fees does not on desktop.
    assert cells[3] == "D silent · M major"
    assert cells[6] == "D **critical** ≠ silent · M silent"
    assert cells[7] == "4/5"


def test_a_walk_that_stops_says_so_in_every_cell_of_that_device(tmp_path):
    report = _report([_late("desktop")], stages=("landing", "cart"))
    cells = accuracy.row("test", "friction", _truth(tmp_path), report, "d").split(" | ")
    assert cells[6] == "**walk stopped** ≠ major" and cells[7] == "0/5"


def test_update_replaces_its_own_row_keeps_the_others_and_adds_new_families_in_order(tmp_path):
    new = accuracy.row("test", "friction", _truth(tmp_path), _report([_late("desktop"), _late("mobile")]), "d")
    extra = "| beta | clean | silent | silent | silent | silent | silent | 5/5 | d |"
    text = accuracy.update(DOC, [new, extra])
    rows = accuracy.rows_of(text)
    assert list(rows) == [("alpha", "clean"), ("beta", "clean"), ("test", "friction")]
    assert rows[("test", "friction")][4] == "major" and rows[("alpha", "clean")][6] == "2026-01-01"
    assert "15 of 15 verdicts (variant × check) agree" in text
    assert "9 of 10 verdicts (variant × check) agree" in accuracy.update(DOC, [])
    assert text.startswith("# Accuracy\n\nIntro.") and text.endswith(f"- old\n{accuracy.GAPS_END}\n")
    with pytest.raises(ValueError, match="markers"):
        accuracy.update("# no table here\n", [new])


def test_record_writes_only_when_asked_and_lists_the_gaps_as_they_stand(tmp_path, monkeypatch):
    doc = tmp_path / "accuracy.md"
    doc.write_text(DOC, encoding="utf-8")
    gaps = tmp_path / "known_gaps.yaml"
    gaps.write_text("gaps:\n  - {family: test, variant: clean, check: long-form, device: mobile,\n"
                    "     reason: \"counts <input\n      name=email> in the footer\"}\n", encoding="utf-8")
    report = _report([_late("desktop"), _late("mobile")])
    monkeypatch.delenv(accuracy.ENV, raising=False)
    accuracy.record("test", "friction", _truth(tmp_path), report, doc, (gaps,))
    assert doc.read_text(encoding="utf-8") == DOC
    monkeypatch.setenv(accuracy.ENV, "1")
    accuracy.record("test", "friction", _truth(tmp_path), report, doc, (gaps,))
    text = doc.read_text(encoding="utf-8")
    assert accuracy.rows_of(text)[("test", "friction")][4] == "major"
    assert "- **test / clean (mobile) · long-form**: counts &lt;input name=email&gt; in the footer\n" in text
    assert "- old" not in text


def test_the_doc_has_a_row_for_every_corpus_variant():
    """docs/accuracy.md's table covers the corpus as it stands (regenerate it when a family is added)."""
    from corpus.test_corpus_walk import CASES
    from realshop.test_realshop import TRUTH as OSCAR
    rows = accuracy.rows_of(accuracy.DOC.read_text(encoding="utf-8"))
    want = {(f.name, v) for f, v in CASES} | {("django-oscar", v) for v in OSCAR.variants}
    assert want <= set(rows), sorted(want - set(rows))
