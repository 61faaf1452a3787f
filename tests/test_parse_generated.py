"""Generated reports, rendered into every format, parse to exactly their known cells.

Each case is a report built by ``crawler/demo/generator.py`` with known cells (``Report.truth()``):
both templates and the printing variations a real report shows. Each case is rendered into
every format a portal publishes, and the parser's output on those bytes must give the truth's
organ, year, template and cells, and check statuses (勾稽关系) that follow from the truth's
numbers.

Rendering through LibreOffice and making scans is slow, so the bytes are cached in pytest's
cache directory (``.pytest_cache/d/xxgk_generated``), keyed by the case, the format and the
generator's source: a change to the generator renders again. Parsing is never cached.
Clear the cache with ``pytest --cache-clear``.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from crawler.demo import generator as gen
from conftest import cell_map
from parsers import parse_bytes
from parsers.formats import available_ocr

GENERATOR_SOURCE = Path(gen.__file__).read_bytes()

# name -> (seed, options for generate, total printed wrong: None / "requests" / "appeals").
# The options pin what each case is there to cover (the seed picks the rest).
CASES = {
    # 2021: two cells printed "—" or "/", four-character headers broken over two lines.
    "2021-placeholders": (0, dict(year=2022, placeholders=2, broken_headers=True), None),
    # 2019: request rows print their total only; a city-sized organ, 1,234 separators;
    # table 二 printed as one table per item; the title broken after the organ.
    "2019-total-only": (4, dict(year=2020, total_only=True, big=True, thousands=True,
                                active_split=True, title_lines=2), None),
    # 2021: 三(六) 其他处理 on one row; full-width digits; 二〇二三年 in the title; the
    # result total printed one too many, so three checks fail.
    "2021-one-row-broken": (5, dict(year=2023, other_one_row=True, fullwidth=True,
                                    cn_year=True, active_split=True), "requests"),
    # 2019: every applicant column; 社会公益组织 / 规范性文件 / 其他法律法规禁止公开; a
    # 行政复议 total that disagrees with its parts.
    "2019-labels-broken": (1, dict(year=2020, total_only=False, social_label="社会公益组织",
                                   normative_label="规范性文件", law_label="其他法律法规禁止公开"),
                           "appeals"),
    # 2021, varied: the title year first below a 索引号 table, a township's department; two
    # request rows left wholly blank; a signature in Chinese numerals; dated properties.
    "2021-varied-blank-rows": (31, dict(year=2023, varied=True, title_form="year_organ",
                                        before_title="index", blank_rows=2, signature=True,
                                        sign_cn_date=True, dated="info", big=True,
                                        fullwidth=False), None),
    # 2019, varied: a cover page carries the title; totals only, in thousands (numbers cut over
    # two lines in a narrow cell); a blank row; the dates in XMP only.
    "2019-varied-cover": (32, dict(year=2020, varied=True, before_title="cover", total_only=True,
                                   big=True, thousands=True, blank_rows=1, signature=True,
                                   dated="xmp"), None),
}

FAST = ["text", "text-cells", "html", "html-gbk", "html-gbk-nometa", "docx", "xlsx",
        "xlsx-sheets"]
OFFICE = ["pdf", "pdf-html", "doc", "xls",  # rendered by LibreOffice headless
          "layout", "layout-html"]  # its PDFs as pdftotext -layout prints them
OCR = ["scan", "png"]  # page images without a text layer
# The slow formats on fewer cases (both templates still appear in each).
OFFICE_CASES = list(CASES)
OCR_CASES = ["2021-placeholders", "2019-total-only", "2021-one-row-broken"]
VARIED = [name for name, (_, options, _) in CASES.items() if options.get("varied")]
# The renderer whose file properties each format carries (Report.expected_dates).
DATES_OF = {"text-cells": "text", "html-gbk": "html", "html-gbk-nometa": "html",
            "xlsx-sheets": "xlsx", "pdf-html": "pdf", "layout-html": "layout"}

DOUBTED = re.compile(r"^(\S+): read from a number cut over lines, and every check it is in fails")

PARAMS = ([(c, f) for c in CASES for f in FAST] + [(c, f) for c in OFFICE_CASES for f in OFFICE]
          + [(c, f) for c in OCR_CASES for f in OCR])


def _build(name: str) -> gen.Report:
    seed, options, broken = CASES[name]
    rep = gen.generate(seed, **options)
    return gen.broken(rep, broken) if broken else rep


def _needs_soffice() -> None:
    if gen.SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")


def _needs_ocr() -> None:
    if available_ocr() is None:
        pytest.skip("OCR (rapidocr, onnxruntime, OpenCV) is not installed")


RENDERERS = {
    "text": lambda rep, render: gen.to_text(rep),
    "text-cells": lambda rep, render: gen.to_text(rep, style="cells"),
    "html": lambda rep, render: gen.to_html(rep),
    "html-gbk": lambda rep, render: gen.to_html(rep, encoding="gb18030"),
    "html-gbk-nometa": lambda rep, render: gen.to_html(rep, encoding="gb18030", meta=False),
    "docx": lambda rep, render: gen.to_docx(rep),
    "xlsx": lambda rep, render: gen.to_xlsx(rep),
    "xlsx-sheets": lambda rep, render: gen.to_xlsx(rep, one_sheet=False, numeric=False),
    "pdf": lambda rep, render: gen.to_pdf(rep),
    "pdf-html": lambda rep, render: gen.to_pdf(rep, source="html"),
    "doc": lambda rep, render: gen.to_doc(rep),
    "xls": lambda rep, render: gen.to_xls(rep),
    # A scan of the LibreOffice PDF with sensor noise and a slight skew.
    "scan": lambda rep, render: gen.to_scanned_pdf(render("pdf"), noise=10, rotate=0.5),
    "layout": lambda rep, render: gen.to_layout_text(render("pdf")),
    "layout-html": lambda rep, render: gen.to_layout_text(render("pdf-html")),
    "png": lambda rep, render: gen.to_png(rep),
}


@pytest.fixture(scope="module")
def cache_dir(request, tmp_path_factory) -> Path:
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    if cache is None:
        return tmp_path_factory.mktemp("xxgk_generated")
    return Path(cache.mkdir("xxgk_generated"))


@pytest.fixture(scope="module")
def reports() -> dict[str, gen.Report]:
    return {name: _build(name) for name in CASES}


@pytest.fixture(scope="module")
def rendered(cache_dir, reports):
    """rendered(case, fmt) -> the file's bytes, from the cache or rendered once."""

    def get(case: str, fmt: str) -> bytes:
        if fmt in OFFICE or fmt in OCR:
            _needs_soffice()
        if fmt.startswith("layout") and gen.PDFTOTEXT is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        seed, options, broken = CASES[case]
        key = hashlib.sha256(GENERATOR_SOURCE + repr((seed, sorted(options.items()), broken,
                                                      fmt)).encode()).hexdigest()[:16]
        path = cache_dir / f"{case}.{fmt}.{key}"
        if path.is_file():
            return path.read_bytes()
        data = RENDERERS[fmt](reports[case], lambda other: get(case, other))
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return data

    return get


# --- what the truth implies ----------------------------------------------------------------

def expected_checks(rep: gen.Report, absent=()) -> dict[tuple[str, str], str]:
    """(check, row or column) -> status, from the truth's numbers: "skipped" when a cell the
    check needs is absent (a placeholder, a total-only row, a cell in ``absent``), else "pass"
    or "fail"."""
    cells = {k: v for k, v in cell_map(rep.truth()).items() if k not in absent}
    split = rep.template == "2021" and not rep.opts.other_one_row
    results = gen._request_rows(rep.template, split)
    rows = ["new", "carried_in"] + results + ["result_total", "carried_out"]
    req = lambda row, col: cells.get(("requests", row, col))  # noqa: E731

    def status(parts, total) -> str:
        if total is None or any(p is None for p in parts):
            return "skipped"
        return "pass" if abs(sum(parts) - total) < 1e-6 else "fail"

    out = {}
    for col in gen.REQUEST_COLS:
        a, b, c, d = (req(r, col) for r in ("new", "carried_in", "result_total", "carried_out"))
        out[("requests.balance", col)] = (
            "skipped" if None in (a, b, c, d) else "pass" if a + b == c + d else "fail")
        out[("requests.result_sum", col)] = status([req(r, col) for r in results],
                                                   req("result_total", col))
    for row in rows:
        out[("requests.row_sum", row)] = status([req(row, c) for c in gen.APPLICANT_COLS],
                                                req(row, "total"))
    for row in gen.APPEAL_ROWS:
        parts = [cells.get(("appeals", row, c)) for c in gen.APPEAL_COLS[:4]]
        out[("appeals.row_sum", row)] = status(parts, cells.get(("appeals", row, "total")))
    return out


def f1(got: dict, exp: dict) -> float:
    ok = sum(1 for k, v in got.items() if k in exp and exp[k] == v)
    if not ok:
        return 0.0
    p, r = ok / len(got), ok / len(exp)
    return 2 * p * r / (p + r)


def _diff(got: dict, exp: dict) -> list:
    keys = sorted(set(got) | set(exp))
    return [(k, got.get(k, "absent"), exp.get(k, "absent")) for k in keys if got.get(k) != exp.get(k)]


# --- the tests -----------------------------------------------------------------------------

def test_cases_cover_both_templates_and_the_variations(reports):
    """The cases are what this file claims to cover (guards against a generator change)."""
    reps = list(reports.values())
    assert all(reports[name].blank for name in VARIED)
    assert {reports[name].opts.dated for name in VARIED} == {"info", "xmp"}
    assert {r.template for r in reps} == {"2019", "2021"}
    assert {r.template for n, r in reports.items() if n in OCR_CASES} == {"2019", "2021"}
    for flag in ("total_only", "other_one_row", "fullwidth", "thousands", "broken_headers",
                 "active_split", "cn_year"):
        assert any(getattr(r.opts, flag) for r in reps), flag
    assert any(r.opts.title_lines == 2 for r in reps)
    assert any(r.placeholder_cells() for r in reps)
    statuses = [set(expected_checks(r).values()) for r in reps]
    assert all("pass" in s for s in statuses)
    assert any("fail" in s for s in statuses) and any("skipped" in s for s in statuses)


@pytest.mark.parametrize("case", list(CASES))
def test_generator_failures_match_the_truth(reports, case):
    """The checks the generator says it broke are the ones the truth's numbers fail."""
    rep = reports[case]
    failing = {k for k, v in expected_checks(rep).items() if v == "fail"}
    assert failing == {(check, key) for check, _, key in rep.expected_failures}


@pytest.mark.parametrize("case,fmt", [pytest.param(c, f, id=f"{c}-{f}") for c, f in PARAMS])
def test_parse_generated(rendered, reports, case, fmt):
    if fmt in OCR:
        _needs_ocr()
    rep = reports[case]
    truth = rep.truth()
    data = rendered(case, fmt)
    report = parse_bytes(data).to_json()

    assert (report["organ"], report["year"], report["template"]) == (
        truth["organ"], truth["year"], truth["template"])

    got, exp = cell_map(report), cell_map(truth)
    # On a page laid out by spaces, a number pieced together from the lines it was cut over
    # whose every check fails cannot be told from one misprinted: it is absent, and said so.
    doubted = {tuple(m.group(1).split("/")) for w in report["warnings"]
               if (m := DOUBTED.match(w))}
    assert not doubted or (fmt.startswith("layout") and rep.expected_failures), doubted
    exp = {k: v for k, v in exp.items() if k not in doubted}
    if fmt in OCR:
        # OCR gives exactly the truth on these cases; the F1 floor first, for a readable
        # message should a change to the OCR make it worse.
        assert f1(got, exp) >= 0.95, _diff(got, exp)
    assert got == exp, _diff(got, exp)

    checks = {(c["check"], c.get("row", c.get("col"))): c["status"] for c in report["checks"]}
    assert checks == expected_checks(rep, doubted)

    # A placeholder ("—", "/") is absent from the cells, and said so.
    for table, row, col in rep.placeholder_cells():
        assert any(w.startswith(f"{table}/{row}/{col}: ") for w in report["warnings"]), (
            (table, row, col), report["warnings"])

    assert report["kind"] == "report"
    dates = rep.expected_dates(DATES_OF.get(fmt, fmt))
    if dates is not None and case in VARIED:
        assert report["dates"] == dates


# --- a sweep of varied reports, in the formats made without LibreOffice --------------------------

SWEEP = range(100, 112)
SWEEP_FORMATS = {"text": gen.to_text, "html": gen.to_html, "docx": gen.to_docx, "xlsx": gen.to_xlsx}


@pytest.mark.parametrize("fmt", list(SWEEP_FORMATS))
def test_varied_reports_give_organ_year_dates_and_every_cell(fmt):
    """Every title wording and place, townships and departments, signatures, blank rows, dated
    properties: organ, year and dates right, no cell wrong, no cell missing."""
    problems = []
    for seed in SWEEP:
        rep = gen.generate(seed, varied=True)
        truth = rep.truth()
        report = parse_bytes(SWEEP_FORMATS[fmt](rep)).to_json()
        got, exp = cell_map(report), cell_map(truth)
        if (report["kind"], report["organ"], report["year"], report["template"]) != (
                "report", truth["organ"], truth["year"], truth["template"]):
            problems.append((seed, report["kind"], report["organ"], report["year"]))
        if got != exp:
            problems.append((seed, _diff(got, exp)[:3]))
        dates = rep.expected_dates(fmt)
        if dates is not None and report["dates"] != dates:
            problems.append((seed, report["dates"], dates))
    assert problems == []
