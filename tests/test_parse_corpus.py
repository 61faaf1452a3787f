"""The five seed reports and the three real PDFs give exactly their known cells."""

from pathlib import Path

import pytest

from conftest import (REAL_NAMES, SEEDS, cell_map, corpus_params, load_truth, real_pdf,
                      real_truth, seed)
from parsers import parse_file


@pytest.mark.parametrize("path", corpus_params(SEEDS), ids=lambda p: p.stem)
def test_seed_cells_exact(path: Path):
    truth = load_truth(path.with_suffix(".truth.json"))
    report = parse_file(path).to_json()
    assert (report["organ"], report["year"], report["template"]) == (
        truth["organ"], truth["year"], truth["template"])
    assert cell_map(report) == cell_map(truth)


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_pdf_cells_exact(name: str):
    truth = real_truth(name)
    report = parse_file(real_pdf(name)).to_json()
    assert (report["organ"], report["year"], report["template"]) == (
        truth["organ"], truth["year"], truth["template"])
    assert cell_map(report) == cell_map(truth)
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert failed == truth["failed_checks"]


def test_real_pdf_review_total_disagrees_with_parts():
    """hzq2023 prints 行政复议 as 10 upheld + 1 corrected but a total of 0: the check says so."""
    report = parse_file(real_pdf("hzq2023_working")).to_json()
    review = [c for c in report["checks"] if c["check"] == "appeals.row_sum" and c["row"] == "review"]
    assert review == [{"check": "appeals.row_sum", "row": "review", "status": "fail",
                       "detail": "10+1+0+0 = 11 ≠ 0"}]


def test_2019_seed_extra_number_is_a_warning():
    report = parse_file(seed("003_e6abb03ef6048be4")).to_json()
    assert "appeals: 16 numbers where the template has 15; the last was dropped" in report["warnings"]


def test_checks_cover_every_column_and_row():
    report = parse_file(seed("002_c0fcd34045a5b8a6")).to_json()
    balance = [c["col"] for c in report["checks"] if c["check"] == "requests.balance"]
    assert balance == ["natural_person", "commercial", "research", "social_org", "legal_service",
                       "other", "total"]
    rows = [c["row"] for c in report["checks"] if c["check"] == "requests.row_sum"]
    assert len(rows) == 25 and rows[0] == "new" and rows[-1] == "carried_out"
    assert all(c["status"] == "pass" for c in report["checks"])


def test_2019_total_only_rows_skip_row_sums():
    report = parse_file(seed("003_e6abb03ef6048be4")).to_json()
    row_sums = [c for c in report["checks"] if c["check"] == "requests.row_sum"]
    assert row_sums and all(c["status"] == "skipped" for c in row_sums)
    balance_total = [c for c in report["checks"]
                     if c["check"] == "requests.balance" and c["col"] == "total"]
    assert balance_total[0]["status"] == "pass"
