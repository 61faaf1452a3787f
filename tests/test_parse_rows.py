"""Cells are placed by their row's label, never by position alone: a row left wholly blank keeps
nothing, the numbers after it stay in their own row, and a row whose label cannot be matched
keeps its numbers absent, with a warning that names them. Seen in DOCX, PDF and XLSX alike."""

import io

import pytest

from conftest import cell_map
from crawler.demo import generator as gen
from parsers import parse_bytes

BLANK = ("requests", "denied.state_secret")
NEXT_LABEL = "2．其他法律行政法规禁止公开"
DAMAGED = "禁止情形另计"  # a label no template row has, and no item number


def blank_report(seed: int = 21) -> gen.Report:
    rep = gen.generate(seed, year=2023, law_label="其他法律行政法规禁止公开")
    for key in [k for k in list(rep.values) + list(rep.printed) if k[:2] == BLANK]:
        rep.values.pop(key, None)
        rep.printed.pop(key, None)
    return rep


def replace_in_docx(data: bytes, old: str, new: str) -> bytes:
    def change(part: bytes) -> bytes:
        assert old.encode() in part
        return part.replace(old.encode(), new.encode())

    return gen.rewrite_part(data, "word/document.xml", change)


def replace_in_xlsx(data: bytes, old: str, new: str) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == old]
    assert cells
    for c in cells:
        c.value = new
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(rep: gen.Report, fmt: str) -> bytes:
    if fmt in ("pdf", "layout"):
        if gen.SOFFICE is None:
            pytest.skip("LibreOffice (soffice) is not installed")
        pdf = gen.to_pdf(rep)
        return gen.to_layout_text(pdf) if fmt == "layout" else pdf
    return {"text": gen.to_text, "html": gen.to_html, "docx": gen.to_docx,
            "xlsx": gen.to_xlsx}[fmt](rep)


@pytest.mark.parametrize("fmt", ["text", "html", "docx", "xlsx", "pdf", "layout"])
def test_a_blank_row_keeps_nothing_and_moves_nothing(fmt):
    rep = blank_report()
    report = parse_bytes(render(rep, fmt)).to_json()
    assert cell_map(report) == cell_map(rep.truth())
    assert not [c for c in report["cells"] if (c["table"], c["row"]) == BLANK]


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_after_a_blank_row_an_unmatched_label_keeps_its_numbers_absent(fmt):
    rep = blank_report()
    if fmt == "xlsx":
        data = replace_in_xlsx(gen.to_xlsx(rep), NEXT_LABEL, DAMAGED)
    else:
        data = replace_in_docx(gen.to_docx(rep), NEXT_LABEL, DAMAGED)
    if fmt == "pdf":
        if gen.SOFFICE is None:
            pytest.skip("LibreOffice (soffice) is not installed")
        data = gen.convert(data, "docx", "pdf")
    report = parse_bytes(data).to_json()
    expected = {k: v for k, v in cell_map(rep.truth()).items()
                if k[:2] != ("requests", "denied.law_forbids")}
    assert cell_map(report) == expected
    numbers = " ".join(rep.printed[("requests", "denied.law_forbids", c)] for c in gen.REQUEST_COLS)
    assert (f"requests: row label '{DAMAGED}' not recognised; its numbers {numbers} were not "
            f"placed") in report["warnings"], report["warnings"]


def test_a_row_with_fewer_numbers_than_columns_is_not_guessed():
    """A text row with three numbers for seven columns: which columns cannot be told."""
    rep = gen.generate(3, year=2022)
    lines = gen.to_text(rep).decode("utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("二、上年结转"))
    lines[i] = "二、上年结转政府信息公开申请数量 1 2 3"
    report = parse_bytes("\n".join(lines).encode("utf-8")).to_json()
    assert not [c for c in report["cells"] if c["row"] == "carried_in"]
    assert ("requests/carried_in: 3 numbers (1 2 3) for 7 columns; their places cannot be "
            "told, not placed") in report["warnings"]


@pytest.mark.parametrize("extra,placed", [("0 0 0 0 0 0 0 0", True), ("1 0 0 0 0 0 1 5", False)])
def test_more_numbers_than_columns_are_placed_only_if_every_reading_agrees(extra, placed):
    rep = gen.generate(3, year=2022)
    lines = gen.to_text(rep).decode("utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("二、上年结转"))
    lines[i] = f"二、上年结转政府信息公开申请数量 {extra}"
    report = parse_bytes("\n".join(lines).encode("utf-8")).to_json()
    got = {c["col"]: c["value"] for c in report["cells"] if c["row"] == "carried_in"}
    assert (got == dict.fromkeys(gen.REQUEST_COLS, 0)) if placed else got == {}
