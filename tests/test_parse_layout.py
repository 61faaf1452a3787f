"""Text as ``pdftotext -layout`` prints it: columns kept by runs of spaces, labels broken over the
lines around their numbers, numbers too wide for their cell cut over two lines, page numbers."""

import shutil
import subprocess

import pytest

from conftest import REAL_NAMES, cell_map, real_pdf, real_truth
from parsers import parse_bytes
from parsers.formats.layout import is_layout

PDFTOTEXT = shutil.which("pdftotext")
COLS = [28, 35, 42, 49, 56, 63, 70]  # where each of the seven columns' numbers start
HEAD = ["三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第   申请人情况",
        "三项加第四项之和）                   自然  法人或其他组织                 总计"]


def at(*pieces) -> str:
    """A line with each (column, text) piece starting at its column."""
    line = ""
    for col, text in pieces:
        line = line.ljust(col) + text
    return line


def row(label: str, *numbers, cols=COLS) -> str:
    return at((0, label), *zip(cols, map(str, numbers)))


def requests(lines: list[str]) -> dict:
    text = "\n".join(["某某县人民政府2023年政府信息公开工作年度报告", *HEAD, *lines, ""])
    assert is_layout(text)
    report = parse_bytes(text.encode("utf-8")).to_json()
    got = {}
    for (table, r, c), v in cell_map(report).items():
        if table == "requests":
            got.setdefault(r, {})[c] = v
    return got, report["warnings"]


def test_numbers_cut_by_a_narrow_cell_are_joined_again():
    got, _ = requests([
        row("一、本年新收政府信息公开申请数量", "9,06", 7385, 8, 2933, 23, "1,66", "21,0"),
        at((28, "6"), (63, "0"), (70, "75")),
        row("二、上年结转政府信息公开申请数量", 0, 1, 0, 0, 0, 0, 1),
    ])
    assert got["new"] == dict(zip(["natural_person", "commercial", "research", "social_org",
                                   "legal_service", "other", "total"],
                                  [9066, 7385, 8, 2933, 23, 1660, 21075]))
    assert got["carried_in"]["total"] == 1


def test_a_label_goes_on_below_its_numbers_and_so_does_a_cut_number():
    cols = [c + 8 for c in COLS]
    got, _ = requests([
        row("     （四）无法提  1．本机关不掌握相关政府", 16, "2,84", 0, 0, 0, 0, "2,85", cols=cols),
        at((8, "供"), (19, "信息"), (cols[1], "3"), (cols[6], "9")),
        row("                   2．没有现成信息需要另行", 0, 0, 0, 0, 0, 1, 1, cols=cols),
        at((19, "制作")),
    ])
    assert got["unable.not_held"]["commercial"] == 2843 and got["unable.not_held"]["total"] == 2859
    assert got["unable.needs_creation"]["total"] == 1


def test_a_label_of_the_column_before_between_a_cut_number_and_its_end():
    """（四）无法提供 printed beside its rows, one line of it between a number a narrow cell cut
    (253) and the line that goes on with the row's label and the number's last digit (作 … 0)."""
    total_only = [70]
    got, _ = requests([
        at((9, "（四）无")),
        row("                2．没有现成信息需要另行制", "２５３", cols=total_only),
        at((9, "法提供")),
        at((22, "作"), (71, "０")),
        "",
        row("                3．补正后申请内容仍不明确", "９５０", cols=total_only),
    ])
    assert got["unable.needs_creation"] == {"total": 2530}
    assert got["unable.unclear"] == {"total": 950}


def test_a_bare_number_under_a_label_of_the_column_before_is_not_taken_as_an_end():
    """A bare number on the line under such a label may be the next row's, set above its
    label: it does not go on the number of the row above."""
    total_only = [70]
    got, _ = requests([
        at((9, "（四）无")),
        row("                2．没有现成信息需要另行制作", "２５", cols=total_only),
        at((9, "法提供")),
        at((70, "３")),
        row("                3．补正后申请内容仍不明确", cols=total_only),
    ])
    assert got["unable.needs_creation"] == {"total": 25}


def test_numbers_set_in_the_middle_of_a_tall_row():
    """A cell centred in its row: the number's first part on the line above the row's line,
    the rest below; two rows cut in the same column are two numbers each."""
    total_only = [77]
    got, _ = requests([
        row("一、本年新收政府信息公开申请数量", 90, 138, 27, 114, 22, 65, "456"),
        "",
        at((49, "１１")),
        at((0, "二、上年结转政府信息公开申请数量"), (28, "3"), (35, "4"), (42, "1"), (56, "0"), (63, "1"),
           (70, "123")),
        at((49, "４")),
    ])
    assert got["new"]["total"] == 456
    assert got["carried_in"] == dict(zip(["natural_person", "commercial", "research", "social_org",
                                          "legal_service", "other", "total"],
                                         [3, 4, 1, 114, 0, 1, 123]))
    got, _ = requests([
        row("（三）不予公开 3．危及“三安全一稳定”", 20, cols=total_only),
        at((77, "１２４")),
        row("              4．保护第三方合法权益", cols=total_only),
        at((77, "８")),
    ])
    assert (got["denied.security"], got["denied.third_party"]) == ({"total": 20}, {"total": 1248})


def test_when_a_number_cut_in_two_cannot_be_read_for_sure_it_is_absent_and_said():
    got, warnings = requests([
        row("一、本年新收政府信息公开申请数量", 1, 2, 3, 4, 5, 6, 21),
        at(*zip(COLS, "1234567")),
        row("二、上年结转政府信息公开申请数量", 0, 1, 0, 0, 0, 0, 1),
    ])
    assert "new" not in got and got["carried_in"]["total"] == 1
    assert "requests/new/natural_person: the number is cut over two lines and cannot be read " \
           "for sure; left absent" in warnings


def test_page_numbers_between_rows_are_dropped():
    got, _ = requests([
        row("一、本年新收政府信息公开申请数量", 1, 0, 0, 0, 0, 0, 1),
        "",
        "                          -3-",
        "\f二、上年结转政府信息公开申请数量            0    0      0     0   0   0     0",
        "",
        "                                 4",
        "",
        row("（一）予以公开", 1, 0, 0, 0, 0, 0, 1),
    ])
    assert got["new"]["total"] == 1 and got["carried_in"]["total"] == 0
    assert got["granted"]["total"] == 1


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_reports_as_layout_text_give_their_cells(name):
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([PDFTOTEXT, "-layout", str(real_pdf(name)), "-"], capture_output=True,
                          check=True).stdout
    truth = real_truth(name)
    report = parse_bytes(text).to_json()
    assert (report["organ"], report["year"], report["template"]) == (
        truth["organ"], truth["year"], truth["template"])
    assert cell_map(report) == cell_map(truth)
