"""What the parser says about a file besides its cells: which organ, which year, from where; the
document's own dates; whether it is a report at all."""

import re

import pytest

from conftest import CORPUS, needs_corpus
from crawler.demo import generator as gen
from parsers import parse_bytes
from parsers.titles import read_title

BODY = ("一、总体情况\n本年度依法公开政府信息。\n二、主动公开政府信息情况\n见下表。\n"
        "三、收到和处理政府信息公开申请情况\n见下表。\n四、政府信息公开行政复议、行政诉讼情况\n无。\n"
        "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n")


def text_report(head: str, tail: str = "") -> bytes:
    return (head + "\n" + BODY + tail).encode("utf-8")


@pytest.mark.parametrize("title,organ,year", [
    ("2023年某某乡人民政府政府信息公开工作年度报告", "某某乡人民政府", 2023),
    ("2024年宿州市财政局政府信息公开工作年度报告", "宿州市财政局", 2024),
    ("尹庄镇人民政府2021年政府信息公开工作年度报告", "尹庄镇人民政府", 2021),
    ("盐池县人民政府2022年度政府信息公开工作年度报告", "盐池县人民政府", 2022),
    ("2023年度彭阳县小岔乡人民政府政府信息公开工作年度报告", "小岔乡人民政府", 2023),
    ("淮安市人民政府关于2023年政府信息公开工作年度报告", "淮安市人民政府", 2023),
    ("相山区人民政府政府信息公开工作年度报告（2024年度）", "相山区人民政府", 2024),
    ("濉溪县教育局政府信息公开工作2023年度报告", "濉溪县教育局", 2023),
    ("二〇二二年同心县人民政府政府信息公开工作年度报告", "同心县人民政府", 2022),
    ("相山区渠沟镇政府2021年政府信息公开工作年度报告", "渠沟镇", 2021),
    ("盐池县2023年政府信息公开年报（公开版）", "盐池县", 2023),
])
def test_title_in_any_order(title, organ, year):
    report = parse_bytes(text_report(title))
    assert (report.organ, report.year) == (organ, year)
    assert (report.organ_source, report.year_source) == ("title", "title")
    assert report.kind == "report"


@pytest.mark.parametrize("text", ["政府信息公开工作年度报告格式模板", "XX县（市、区）人民政府XXXX年政府信息公开工作年度报告",
                                  "当前位置：首页>政务公开>政府信息公开年报", "P020240114347384729.pdf"])
def test_no_title_is_read_into_what_is_not_one(text):
    parts = read_title(text)
    assert parts is None or (parts.organ is None and parts.year is None)


def test_title_broken_over_lines_below_a_cover_and_a_contents():
    head = ("索引号\t640323/2024-00012\t分类\t政务公开\n发布机构\t某部门\t发文日期\t2024-01-15\n"
            "目  录\n一、总体情况……1\n二、主动公开政府信息情况……2\n"
            "彭阳县人民政府\n政府信息公开工作年度报告\n（2023年度）")
    report = parse_bytes(text_report(head))
    assert (report.organ, report.year, report.organ_source) == ("彭阳县人民政府", 2023, "title")


def test_signature_names_the_organ_and_dates_the_report():
    head = "2023年政府信息公开工作年度报告"
    report = parse_bytes(text_report(head, "\n小岔镇人民政府\n二〇二四年一月十五日\n-5-\n"))
    assert (report.organ, report.organ_source) == ("小岔镇人民政府", "signature")
    assert (report.year, report.year_source) == (2023, "title")
    assert report.dates == [{"date": "2024-01-15", "source": "signature"}]
    assert report.to_json()["dates"] == report.dates


def test_signature_date_that_is_no_date_is_said_and_ignored():
    report = parse_bytes(text_report("盐池县2023年政府信息公开工作年度报告",
                                     "\n盐池县人民政府\n2024年2月30日\n"))
    assert report.dates == []
    assert any(w.startswith("signature: '2024年2月30日' is not a date") for w in report.warnings)


def test_hints_come_after_the_document_and_disagreements_are_said():
    untitled = text_report("")
    hints = {"link_text": "盐池县2023年政府信息公开工作年度报告", "publisher": "来源：盐池县人民政府办公室",
             "file_name": "P020240114347384729.pdf"}
    report = parse_bytes(untitled, hints=hints)
    assert (report.organ, report.organ_source, report.year, report.year_source) == (
        "盐池县", "link_text", 2023, "link_text")
    assert report.warnings == [w for w in report.warnings if not w.startswith(("organ", "year"))]

    titled = text_report("彭阳县人民政府2022年政府信息公开工作年度报告")
    report = parse_bytes(titled, hints={"title": "盐池县2023年政府信息公开工作年度报告"})
    assert (report.organ, report.year, report.organ_source) == ("彭阳县人民政府", 2022, "title")
    assert ("organ: the title says 彭阳县人民政府 but the page's title says 盐池县; 彭阳县人民政府 "
            "was kept") in report.warnings
    assert "year: the title says 2022 but the page's title says 2023; 2022 was kept" in report.warnings

    by_name = parse_bytes(untitled, hints={"file_name": "/x/同心县2021年度政府信息公开工作年度报告.docx"})
    assert (by_name.organ, by_name.year, by_name.organ_source) == ("同心县", 2021, "file_name")
    organless = text_report("2023年政府信息公开工作年度报告")
    by_publisher = parse_bytes(organless, hints={"publisher": "同心县教育局"})
    assert (by_publisher.organ, by_publisher.organ_source, by_publisher.year) == (
        "同心县教育局", "publisher", 2023)
    # A publisher alone does not make a report of a text that names none.
    assert parse_bytes(untitled, hints={"publisher": "同心县教育局"}).kind == "not_a_report"


def test_a_compiling_office_is_no_disagreement():
    report = parse_bytes(text_report("洪泽区人民政府2023年政府信息公开工作年度报告",
                                     "\n淮安市洪泽区人民政府办公室\n2024年1月20日\n"))
    assert report.organ == "洪泽区人民政府"
    assert not [w for w in report.warnings if w.startswith("organ")]


@pytest.mark.parametrize("hints", [{"url": "x"}, {"title": 3}, ["title"]])
def test_bad_hints_are_the_callers_mistake(hints):
    with pytest.raises(TypeError):
        parse_bytes(text_report(""), hints=hints)


# --- dates -----------------------------------------------------------------------------------

def test_docx_and_xlsx_core_properties_date_the_file():
    rep = gen.generate(7, varied=True, dated="info", signature=True)
    for fmt, data in (("docx", gen.to_docx(rep)), ("xlsx", gen.to_xlsx(rep))):
        report = parse_bytes(data)
        assert report.dates == rep.expected_dates(fmt), fmt
        assert [d["source"] for d in report.dates] == ["signature", f"{fmt}_created", f"{fmt}_modified"]


def test_a_property_that_is_no_date_is_said_and_ignored():
    data = gen.to_docx(gen.generate(7, varied=True, dated="info", signature=False))
    data = gen.rewrite_part(data, "docProps/core.xml", lambda part: re.sub(
        rb"(<dcterms:created[^>]*>)[^<]*", rb"\1yesterday", part))
    report = parse_bytes(data)
    assert [d["source"] for d in report.dates] == ["docx_modified"]
    assert "dates: docx_created 'yesterday' is not a date; ignored" in report.warnings


@pytest.mark.parametrize("where", ["info", "xmp"])
def test_pdf_dates_from_info_or_xmp(where):
    if gen.SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    rep = gen.generate(11, varied=True, dated=where, signature=True)
    report = parse_bytes(gen.to_pdf(rep))
    assert report.dates == rep.expected_dates("pdf")
    assert [d["source"] for d in report.dates] == ["signature", "pdf_created", "pdf_modified"]


# --- what is not a report --------------------------------------------------------------------

@pytest.mark.parametrize("kind", gen.NOT_REPORTS)
@pytest.mark.parametrize("fmt", ["text", "html", "docx"])
def test_a_file_that_is_not_a_report_says_so(kind, fmt):
    rep = gen.not_a_report(3, kind)
    data = {"text": gen.to_text, "html": gen.to_html, "docx": gen.to_docx}[fmt](rep)
    report = parse_bytes(data).to_json()
    assert report["kind"] == "not_a_report"
    assert report["status"].startswith("not a report: ")
    assert (report["template"], report["cells"], report["checks"], report["organ"],
            report["year"]) == (None, [], [], None, None)


def test_a_blank_form_is_not_a_report_but_its_year_filled_in_is():
    form = gen.not_a_report(4, "form")
    assert parse_bytes(gen.to_xlsx(form)).kind == "not_a_report"
    assert "blank form" in parse_bytes(gen.to_docx(form)).status
    # The same empty tables under a report's own title: a report whose tables hold nothing.
    form.custom_title = "盐池县人民政府2023年政府信息公开工作年度报告"
    report = parse_bytes(gen.to_docx(form))
    assert (report.kind, report.organ, report.year, report.cells) == (
        "report", "盐池县人民政府", 2023, [])


@needs_corpus
def test_the_real_blank_form_is_not_a_report():
    report = parse_bytes((CORPUS / "real" / "zxj6827111-blip__govnianbao" / "001.docx").read_bytes())
    assert report.kind == "not_a_report" and report.template is None and report.cells == []
    assert "blank form" in report.status


def test_a_report_without_tables_is_a_report_still():
    """A free-form report from before 2019, and a report whose tables are pictures."""
    report = parse_bytes(text_report("同心县人民政府2017年政府信息公开工作年度报告"))
    assert (report.kind, report.template) == ("report", "pre2019")
    report = parse_bytes(text_report("同心县人民政府2023年政府信息公开工作年度报告"))
    assert (report.kind, report.template, report.cells) == ("report", "2021", [])
