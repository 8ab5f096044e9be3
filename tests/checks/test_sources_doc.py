from pathlib import Path

from auditor.checks.sources import cited_sources, markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "sources.md"


def test_every_check_cites_a_source():
    cited = {check for check, _ in cited_sources()}
    from auditor.checks.registry import check_ids
    assert cited == set(check_ids())


def test_doc_is_in_sync_with_the_code():
    assert DOC.read_text(encoding="utf-8") == markdown(), "run: python -m auditor.checks.sources docs/sources.md"
