"""Synthetic annual reports with known cells, in every format a portal publishes.

``generate(seed, **options)`` builds one report: an organ, a statistics year, the template that
year uses, prose sections 一…六 and the three tables in the template's real merged layout, with
numbers that obey the template's checks (勾稽关系). ``Report.truth()`` is the JSON object
(docs/schema.md) a parser must return for it. The renderers turn a report into the bytes of a file:

    to_text, to_html, to_docx, to_xlsx                     built here
    to_pdf, to_doc, to_xls                                 LibreOffice headless
    to_scanned_pdf, to_png                                 page images of the PDF, no text layer
    to_layout_text                                         a PDF as pdftotext -layout prints it

Printing variations a real report shows (and the ground truth that goes with them) are options
of ``generate``; left unset, the seed picks them. ``generate(seed, varied=True)`` lets the seed
also pick how the title is worded and where it stands, a signature, blank rows, dated file
properties and more kinds of organ (``Report.expected_dates(fmt)`` says which dates a parser
must find); without it a seed's report is the same as it always was. ``not_a_report(seed, kind)``
makes files a crawler meets that are not reports: a blank form, a notice, a 解读, a list page.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

# --- the template, as printed ------------------------------------------------------------------

APPLICANT_COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other"]
REQUEST_COLS = APPLICANT_COLS + ["total"]
APPEAL_ROWS = ["review", "suit_direct", "suit_after_review"]
APPEAL_COLS = ["upheld", "corrected", "other", "pending", "total"]
APPEAL_COL_TEXT = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

# (key, printed label, numbered item) of the result rows; groups print their heading once.
RESULT_GROUPS = [
    ("denied", "不予公开", [
        ("denied.state_secret", "属于国家秘密"),
        ("denied.law_forbids", "其他法律行政法规禁止公开"),
        ("denied.security", "危及“三安全一稳定”"),
        ("denied.third_party", "保护第三方合法权益"),
        ("denied.internal", "属于三类内部事务信息"),
        ("denied.process", "属于四类过程性信息"),
        ("denied.enforcement", "属于行政执法案卷"),
        ("denied.query", "属于行政查询事项"),
    ]),
    ("unable", "无法提供", [
        ("unable.not_held", "本机关不掌握相关政府信息"),
        ("unable.needs_creation", "没有现成信息需要另行制作"),
        ("unable.unclear", "补正后申请内容仍不明确"),
    ]),
    ("rejected", "不予处理", [
        ("rejected.petition", "信访举报投诉类申请"),
        ("rejected.repeat", "重复申请"),
        ("rejected.publication", "要求提供公开出版物"),
        ("rejected.excessive", "无正当理由大量反复申请"),
        ("rejected.confirm", "要求行政机关确认或重新出具已获取信息"),
    ]),
    ("other", "其他处理", [
        ("other.no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("other.no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other.other", "其他"),
    ]),
]
CN_NUM = "一二三四五六七八九"

# The active table: (section, header columns, rows); a column is (key, label).
ACTIVE_2021 = [
    ("（一）", [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")],
     ["regulation", "normative_doc"]),
    ("（五）", [("decisions", "本年处理决定数量")], ["license"]),
    ("（六）", [("decisions", "本年处理决定数量")], ["penalty", "coercion"]),
    ("（八）", [("fee_amount", "本年收费金额（单位：万元）")], ["fee"]),
]
ACTIVE_2019 = [
    ("（一）", [("made", "本年新制作数量"), ("published", "本年新公开数量"),
               ("total_published", "对外公开总数量")], ["regulation", "normative_doc"]),
    ("（五）", [("prev_items", "上一年项目数量"), ("delta", "本年增/减"), ("decisions", "处理决定数量")],
     ["license", "other_service"]),
    ("（六）", [("prev_items", "上一年项目数量"), ("delta", "本年增/减"), ("decisions", "处理决定数量")],
     ["penalty", "coercion"]),
    ("（八）", [("prev_items", "上一年项目数量"), ("delta", "本年增/减")], ["fee"]),
    ("（九）", [("proc_items", "采购项目数量"), ("proc_amount", "采购总金额")], ["procurement"]),
]
ACTIVE_ROW_TEXT = {
    "regulation": "规章", "normative_doc": "行政规范性文件", "license": "行政许可",
    "other_service": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
    "fee": "行政事业性收费", "procurement": "政府集中采购",
}
MONEY_COLS = {"fee_amount", "proc_amount"}

# --- organs ------------------------------------------------------------------------------------

CITIES = ["灵宝市", "淮北市", "固原市", "淮安市", "宿州市", "常德市", "绵阳市", "吴忠市", "三门峡市", "驻马店市"]
COUNTIES = ["盐池县", "彭阳县", "桃源县", "濉溪县", "泗县", "西峡县", "同心县", "汝南县"]
DISTRICTS = ["相山区", "洪泽区", "埇桥区", "涪城区", "清江浦区", "湖滨区"]
TOWNS = ["尹庄", "渠沟", "下冶", "花马池", "小岔", "高良涧", "符离", "青义", "大水坑", "岔河", "蒋坝"]
DEPARTMENTS = ["教育局", "财政局", "自然资源和规划局", "生态环境局", "交通运输局", "卫生健康委员会",
               "市场监督管理局", "住房和城乡建设局", "人力资源和社会保障局", "退役军人事务局", "农业农村局"]


def _organ(rng: random.Random) -> tuple[str, str, str]:
    """(name as printed, name the parser must report, short name used in prose)."""
    town = rng.choice(TOWNS)
    kind = rng.randrange(8)
    if kind == 0:
        name = f"{town}镇人民政府"
        return name, name, "我镇"
    if kind == 1:
        name = f"{town}乡人民政府"
        return name, name, "我乡"
    if kind == 2:
        # The project names a township without its county (see the seed truths).
        return f"{rng.choice(COUNTIES)}{town}镇人民政府", f"{town}镇人民政府", "我镇"
    if kind == 3:
        name = f"{town}街道办事处"
        return name, name, "我街道"
    if kind == 4:
        name = f"{rng.choice(CITIES)}{rng.choice(DEPARTMENTS)}"
        return name, name, "我局" if name.endswith("局") else "我委"
    if kind == 5:
        name = f"{rng.choice(COUNTIES)}{rng.choice(DEPARTMENTS)}"
        return name, name, "我局" if name.endswith("局") else "我委"
    if kind == 6:
        name = f"{rng.choice(CITIES)}{rng.choice(DISTRICTS)}人民政府"
        return name, name, "我区"
    name = f"{rng.choice(COUNTIES)}人民政府"
    return name, name, "我县"


# --- printing numbers --------------------------------------------------------------------------

FULLWIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@dataclass
class Options:
    year: int | None = None
    total_only: bool | None = None         # 2019: requests rows print only the total column
    social_label: str | None = None        # 社会公益组织 / 社会组织
    normative_label: str | None = None     # 行政规范性文件 / 规范性文件
    law_label: str | None = None           # 其他法律行政法规禁止公开 / 其他法律法规禁止公开
    placeholders: int | None = None        # how many cells print "—" or "/" instead of a number
    thousands: bool | None = None          # 1,234
    fullwidth: bool | None = None          # １２３
    broken_headers: bool | None = None     # "商业\n企业"
    other_one_row: bool | None = None      # 2021: 三(六) 其他处理 printed as one row
    big: bool | None = None                # a city-sized organ: numbers in the thousands
    active_split: bool | None = None       # table 二 as one table per 第二十条 item
    title_lines: int | None = None         # the title on one line or broken after the organ
    cn_year: bool | None = None            # 二〇二一年 in the title
    # Left unset, the variations below print as above (a classic report): generate(varied=True)
    # lets the seed pick them too.
    title_form: str | None = None          # how the title is worded: a key of TITLE_FORMS
    before_title: str | None = None        # what stands before the title: BEFORE_TITLE
    title_in_cell: bool | None = None      # the title in a table cell of its own
    signature: bool | None = None          # 落款 at the end: the organ, the date
    sign_cn_date: bool | None = None       # the signature's date as 二〇二四年一月十五日
    blank_rows: int | None = None          # table rows left wholly blank (absent from the truth)
    dated: str | None = None               # file properties dated: "" no, "info", "xmp" (PDF)


def _pick(value, default):
    return default if value is None else value


# How a title is worded: (the title, its lines when broken in two). {o} organ, {y} year.
TITLE_FORMS = {
    "organ_year": ("{o}{y}年政府信息公开工作年度报告", ("{o}", "{y}年政府信息公开工作年度报告")),
    "organ_niandu": ("{o}{y}年度政府信息公开工作年度报告", ("{o}", "{y}年度政府信息公开工作年度报告")),
    "year_organ": ("{y}年{o}政府信息公开工作年度报告", ("{y}年{o}", "政府信息公开工作年度报告")),
    "year_niandu": ("{y}年度{o}政府信息公开工作年度报告", ("{y}年度{o}政府信息公开", "工作年度报告")),
    "organ_guanyu": ("{o}关于{y}年政府信息公开工作年度报告", ("{o}关于", "{y}年政府信息公开工作年度报告")),
    "organ_bracket": ("{o}政府信息公开工作年度报告（{y}年度）", ("{o}政府信息公开工作年度报告", "（{y}年度）")),
    "organ_middle": ("{o}政府信息公开工作{y}年度报告", ("{o}", "政府信息公开工作{y}年度报告")),
}
# What may stand before the title: nothing, a 索引号 table, a 目录, a cover page.
BEFORE_TITLE = ("", "index", "toc", "cover")
# What a file that is not a report may be (not_a_report()).
NOT_REPORTS = ("form", "notice", "interpretation", "list", "other")


@dataclass
class Report:
    seed: int
    organ_printed: str
    organ: str
    short: str
    year: int
    template: str
    opts: Options
    values: dict = field(default_factory=dict)    # (table, row, col) -> number (the truth)
    printed: dict = field(default_factory=dict)   # (table, row, col) -> text in the document
    prose: dict = field(default_factory=dict)     # section number -> list of paragraphs
    expected_failures: list = field(default_factory=list)  # checks the report is made to fail
    sign_date: dt.date | None = None      # the date under the signature (opts.signature)
    created: dt.datetime | None = None    # the file's properties (opts.dated)
    modified: dt.datetime | None = None
    blank: list = field(default_factory=list)  # (table, row) printed wholly blank
    # A file that is not a report (not_a_report()): its own blocks, its title; kind of file.
    custom_blocks: list | None = None
    custom_title: str | None = None
    not_a_report: str | None = None

    # --- ground truth --------------------------------------------------------------------------
    def truth(self) -> dict:
        if self.not_a_report:
            return {"kind": "not_a_report", "organ": None, "year": None, "template": None,
                    "cells": []}
        cells = [{"table": t, "row": r, "col": c, "value": v}
                 for (t, r, c), v in self.values.items()]
        return {"organ": self.organ, "year": self.year, "template": self.template, "cells": cells}

    def expected_dates(self, fmt: str) -> list[dict] | None:
        """The dates a parser must find in this report rendered as ``fmt`` (a renderer's name:
        text, html, docx, xlsx, pdf, doc, xls, layout, scan), signature first; None when the file
        carries dates the generator does not set (a PDF's conversion time)."""
        out = []
        if self.sign_date and fmt not in ("scan", "png"):
            out.append({"date": self.sign_date.isoformat(), "source": "signature"})
        prefix = {"docx": "docx", "xlsx": "xlsx", "pdf": "pdf"}.get(fmt)
        if prefix and not self.opts.dated:
            return None  # python-docx's template, openpyxl and LibreOffice write dates of their own
        if prefix and self.opts.dated and self.created:
            out.append({"date": self.created.date().isoformat(), "source": f"{prefix}_created"})
            out.append({"date": self.modified.date().isoformat(), "source": f"{prefix}_modified"})
        return out

    def placeholder_cells(self) -> list[tuple[str, str, str]]:
        return [k for k, text in self.printed.items() if text in ("—", "/", "／")]

    @property
    def title(self) -> str:
        if self.custom_title is not None:
            return self.custom_title
        year = _cn_year(self.year) if self.opts.cn_year else str(self.year)
        return TITLE_FORMS[self.opts.title_form or "organ_year"][0].format(o=self.organ_printed,
                                                                           y=year)

    def title_lines(self) -> list[str]:
        if self.opts.title_lines == 2 and self.custom_title is None:
            form = self.opts.title_form or "organ_year"
            year = _cn_year(self.year) if self.opts.cn_year else (
                f"{self.year} " if form == "organ_year" else str(self.year))
            return [line.format(o=self.organ_printed, y=year) for line in TITLE_FORMS[form][1]]
        return [self.title]

    def cell_text(self, table: str, row: str, col: str) -> str:
        return self.printed.get((table, row, col), "")


def _cn_year(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))


def _fmt_number(value, rng: random.Random, opts: Options, money: bool) -> str:
    if money:
        decimals = max(len(repr(value).split(".")[1]) if "." in repr(value) else 0,
                       rng.choice([0, 2, 4]))
        text = f"{value:,.{decimals}f}" if opts.thousands else f"{value:.{decimals}f}"
    else:
        text = f"{value:,}" if opts.thousands else str(value)
    return text.translate(FULLWIDTH) if opts.fullwidth else text


# --- numbers that obey the checks --------------------------------------------------------------

def _count(rng: random.Random, scale: int) -> int:
    """Mostly zeros and small counts, as in most reports; sometimes a large one."""
    r = rng.random()
    if r < 0.45:
        return 0
    if r < 0.85:
        return rng.randint(1, 9)
    return rng.randint(10, scale)


def _request_rows(template: str, split_other: bool) -> list[str]:
    rows = ["granted", "partial"]
    for name, _, items in RESULT_GROUPS:
        if name == "other" and not split_other:
            rows.append("other")
        else:
            rows.extend(k for k, _ in items)
    return rows


def generate(seed: int, varied: bool = False, **options) -> Report:
    """The report of ``seed``. ``varied``: the variations that print the first and last lines
    and the file differently (TITLE_FORMS, BEFORE_TITLE, signature, blank rows, dates, the
    organ's kind) are picked by the seed too, from a generator of their own, so the classic
    report of a seed stays the same."""
    rng = random.Random(seed)
    opts = Options(**options)
    year = _pick(opts.year, rng.choice([2019, 2020, 2021, 2022, 2023, 2024]))
    template = "2019" if year < 2021 else "2021"
    opts.year = year
    opts.total_only = _pick(opts.total_only, template == "2019" and rng.random() < 0.4)
    opts.social_label = _pick(opts.social_label, rng.choice(["社会公益组织", "社会组织"]))
    opts.normative_label = _pick(opts.normative_label,
                                 "规范性文件" if template == "2019" and rng.random() < 0.7
                                 else rng.choice(["行政规范性文件", "行政规范性文件", "规范性文件"]))
    opts.law_label = _pick(opts.law_label, rng.choice(["其他法律行政法规禁止公开"] * 3 + ["其他法律法规禁止公开"]))
    opts.placeholders = _pick(opts.placeholders, rng.choice([0, 0, 0, 2]))
    opts.big = _pick(opts.big, rng.random() < 0.3)
    opts.thousands = _pick(opts.thousands, opts.big and rng.random() < 0.6)
    opts.fullwidth = _pick(opts.fullwidth, rng.random() < 0.15)
    opts.broken_headers = _pick(opts.broken_headers, rng.random() < 0.4)
    opts.other_one_row = _pick(opts.other_one_row, template == "2021" and rng.random() < 0.15)
    opts.active_split = _pick(opts.active_split, rng.random() < 0.3)
    opts.title_lines = _pick(opts.title_lines, rng.choice([1, 1, 2]))
    opts.cn_year = _pick(opts.cn_year, rng.random() < 0.1)
    if opts.total_only and template != "2019":
        raise ValueError("total-only request rows are a 2019-template habit")
    if opts.other_one_row and template != "2021":
        raise ValueError("2019 reports always print 三(六) as one row")

    printed, organ, short = _organ(rng)
    rep = Report(seed, printed, organ, short, year, template, opts)
    scale = 3000 if opts.big else 40
    _fill_active(rep, rng, scale)
    _fill_requests(rep, rng, scale)
    _fill_appeals(rep, rng)
    _placeholders(rep, rng)
    _print_numbers(rep, rng)
    rep.prose = _prose(rep, rng)
    _vary(rep, random.Random(f"varied-{seed}"), varied)
    return rep


def _vary(rep: Report, rng: random.Random, varied: bool) -> None:
    """The variations of the first and last lines and of the file; each unset one is left as a
    classic report prints it, or (``varied``) picked by ``rng``."""
    opts = rep.opts

    def pick(name, choices):
        if getattr(opts, name) is None and varied:
            setattr(opts, name, rng.choice(choices))

    if varied and rng.random() < 0.3:
        rep.organ_printed, rep.organ, rep.short = _organ_varied(rng)
        rep.prose = _prose(rep, random.Random(rep.seed * 7 + 1))
    pick("title_form", list(TITLE_FORMS) + ["organ_year", "year_organ", "year_organ"])
    pick("before_title", list(BEFORE_TITLE) + ["", ""])
    pick("title_in_cell", [False] * 6 + [True])
    pick("signature", [True, True, True, False])
    pick("sign_cn_date", [False, False, True])
    pick("blank_rows", [0, 0, 1, 2])
    pick("dated", ["", "info", "info", "xmp"])
    if opts.before_title == "cover":
        opts.title_in_cell = False
    if opts.signature or opts.dated:
        rep.sign_date = dt.date(rep.year + 1, rng.randint(1, 3), rng.randint(1, 28))
    if opts.dated:
        rep.created = dt.datetime.combine(rep.sign_date - dt.timedelta(days=rng.randint(0, 6)),
                                          dt.time(rng.randint(8, 17), rng.randint(0, 59)))
        rep.modified = rep.created + dt.timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 5))
    if not opts.signature:
        rep.sign_date = None
    if opts.blank_rows:
        _blank_rows(rep, rng, opts.blank_rows)


def _organ_varied(rng: random.Random) -> tuple[str, str, str]:
    """More kinds of organ: (name as printed, name the parser must report, short name)."""
    kind = rng.randrange(4)
    if kind == 0:
        town = rng.choice(TOWNS)
        return (f"{rng.choice(CITIES)}{rng.choice(DISTRICTS)}{town}街道办事处", f"{town}街道办事处",
                "我街道")
    if kind == 1:
        town = rng.choice(TOWNS)
        return f"{rng.choice(COUNTIES)}{town}乡人民政府", f"{town}乡人民政府", "我乡"
    if kind == 2:
        name = f"{rng.choice(CITIES)}人民政府办公室"
        return name, name, "我办"
    name = f"{rng.choice(CITIES)}{rng.choice(DISTRICTS)}{rng.choice(DEPARTMENTS)}"
    return name, name, "我局" if name.endswith("局") else "我委"


def _blank_rows(rep: Report, rng: random.Random, n: int) -> None:
    """Leave ``n`` table rows wholly blank, as reports do for a row with nothing to say: their
    cells are absent from the truth (a request row most often, at times an active one)."""
    rows = sorted({(t, r) for t, r, _ in rep.values if t in ("requests", "active")})
    requests = [k for k in rows if k[0] == "requests"]
    chosen = set(rng.sample(requests, min(n, len(requests))))
    if rng.random() < 0.3:
        chosen.add(rng.choice([k for k in rows if k[0] == "active"]))
    for table, row in sorted(chosen):
        for key in [k for k in list(rep.values) + list(rep.printed) if k[:2] == (table, row)]:
            rep.values.pop(key, None)
            rep.printed.pop(key, None)
        rep.blank.append((table, row))


def _fill_active(rep: Report, rng: random.Random, scale: int) -> None:
    layout = ACTIVE_2021 if rep.template == "2021" else ACTIVE_2019
    for _, cols, rows in layout:
        for row in rows:
            for col, _ in cols:
                if col in MONEY_COLS:
                    v = rng.choice([0, round(rng.uniform(0, 60), rng.choice([1, 2, 4]))])
                    if rep.opts.big and v:
                        v = round(v * 100, 2)
                elif col == "delta":
                    v = rng.choice([0, 0, 1, 2, -1, -3])
                elif col in ("in_force", "total_published", "prev_items"):
                    v = _count(rng, scale) + rng.randint(0, 20)
                else:
                    v = _count(rng, scale)
                rep.values[("active", row, col)] = v


def _fill_requests(rep: Report, rng: random.Random, scale: int) -> None:
    split = rep.template == "2021" and not rep.opts.other_one_row
    results = _request_rows(rep.template, split)
    grid: dict[str, dict[str, int]] = {}
    for row in results:
        grid[row] = {c: (_count(rng, scale) if c in ("natural_person", "commercial") or
                         rng.random() < 0.3 else 0) for c in APPLICANT_COLS}
    grid["result_total"] = {c: sum(grid[r][c] for r in results) for c in APPLICANT_COLS}
    grid["carried_out"] = {c: rng.choice([0, 0, rng.randint(0, 5)]) for c in APPLICANT_COLS}
    grid["carried_in"] = {}
    grid["new"] = {}
    for c in APPLICANT_COLS:
        owed = grid["result_total"][c] + grid["carried_out"][c]
        grid["carried_in"][c] = rng.randint(0, min(owed, 4))
        grid["new"][c] = owed - grid["carried_in"][c]
    order = ["new", "carried_in"] + results + ["result_total", "carried_out"]
    for row in order:
        total = sum(grid[row].values())
        if not rep.opts.total_only:
            for c in APPLICANT_COLS:
                rep.values[("requests", row, c)] = grid[row][c]
        rep.values[("requests", row, "total")] = total


def _fill_appeals(rep: Report, rng: random.Random) -> None:
    for row in APPEAL_ROWS:
        parts = [rng.choice([0, 0, 0, rng.randint(1, 6)]) for _ in range(4)]
        for col, v in zip(APPEAL_COLS, parts + [sum(parts)]):
            rep.values[("appeals", row, col)] = v


def _placeholders(rep: Report, rng: random.Random) -> None:
    """Cells printed as a dash or slash: absent from the truth."""
    keys = sorted(rep.values)
    for key in rng.sample(keys, rep.opts.placeholders):
        del rep.values[key]
        rep.printed[key] = rng.choice(["—", "/"])


def _break(rep: Report, which: str) -> None:
    """Make one printed total disagree with its parts, as a careless report does."""
    if which == "requests":
        key = ("requests", "result_total", "total")
        rep.expected_failures = [("requests.balance", "col", "total"),
                                 ("requests.result_sum", "col", "total"),
                                 ("requests.row_sum", "row", "result_total")]
    elif which == "appeals":
        key = ("appeals", "review", "total")
        rep.expected_failures = [("appeals.row_sum", "row", "review")]
    else:
        raise ValueError(which)
    rep.values[key] += 1


def _print_numbers(rep: Report, rng: random.Random) -> None:
    for key, v in rep.values.items():
        rep.printed[key] = _fmt_number(v, rng, rep.opts, key[2] in MONEY_COLS)


# --- prose -------------------------------------------------------------------------------------

def _prose(rep: Report, rng: random.Random) -> dict[int, list[str]]:
    y, me = rep.year, rep.short
    new_total = rep.values.get(("requests", "new", "total"), 0)
    published = rng.randint(40, 2500)
    return {
        1: [
            f"{y}年，{me}深入贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，"
            f"坚持以公开为常态、不公开为例外，进一步加强组织领导，明确责任分工，细化分解任务，"
            f"加大督导力度，依法保障人民群众的知情权、参与权、表达权和监督权。",
            "（一）主动公开",
            f"{y}年，{me}通过政府门户网站主动公开政府信息{published}条，其中政策文件{rng.randint(1, 60)}件、"
            f"政策解读{rng.randint(1, 30)}篇；通过政务新媒体发布信息{rng.randint(10, 900)}条，"
            f"公开栏公示{rng.randint(5, 120)}期。",
            "（二）依申请公开",
            f"全年共收到政府信息公开申请{new_total}件，均在法定期限内予以答复，未发生因依申请公开引发的"
            f"行政复议和行政诉讼案件。" if new_total else f"{y}年度{me}未收到政府信息公开申请。",
            "（三）政府信息管理",
            f"严格落实公开前保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年审查信息"
            f"{rng.randint(50, 3000)}条，动态调整主动公开基本目录{rng.randint(1, 4)}次。",
            "（四）平台建设",
            f"持续加强政府网站信息公开专栏建设，更新完善公开指南、公开目录等内容，"
            f"政务服务大厅设置政府信息查阅点{rng.randint(1, 5)}个。",
            "（五）监督保障",
            f"将政务公开工作纳入年度目标考核，组织开展业务培训{rng.randint(1, 9)}次，"
            f"培训{rng.randint(20, 400)}人次，{y}年未发生政务公开责任追究情况。",
        ],
        5: [
            f"{y}年，{me}政府信息公开工作取得了一定成效，但也存在一些不足：一是公开内容的深度和广度还需拓展；"
            f"二是政策解读形式较为单一；三是工作人员业务水平有待提高。",
            f"{y + 1}年，{me}将进一步加强政策解读，拓宽公开渠道，组织业务培训不少于{rng.randint(2, 6)}次，"
            f"不断提升政府信息公开工作水平。",
        ],
        6: [
            f"依据《政府信息公开信息处理费管理办法》，{y}年度{me}未收取信息处理费。",
            f"{me}{y}年度政务公开工作要点落实情况：已按要求完成{rng.randint(10, 40)}项重点任务。",
        ],
    }


SECTION_TITLES = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}


# --- table layouts -----------------------------------------------------------------------------

@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


Table = list[list[Cell]]  # origin cells only, row by row, as HTML writes them


def _hdr(rep: Report, text: str) -> str:
    """A header label, broken over two lines if the report does so."""
    if rep.opts.broken_headers and len(text) == 4:
        return text[:2] + "\n" + text[2:]
    return text


def active_tables(rep: Report) -> list[Table]:
    """Table 二, one table (4 columns) or one per 第二十条 item."""
    layout = ACTIVE_2021 if rep.template == "2021" else ACTIVE_2019
    tables: list[Table] = []
    for item, cols, rows in layout:
        t: Table = [[Cell(f"第二十条第{item}项", colspan=4, header=True)]]
        head = [Cell("信息内容", header=True)]
        widths = [1] * len(cols)
        widths[-1] = 4 - len(cols)  # the last column spans what the row leaves
        for (_, label), w in zip(cols, widths):
            head.append(Cell(label, colspan=w, header=True))
        t.append(head)
        for row in rows:
            label = rep.opts.normative_label if row == "normative_doc" else ACTIVE_ROW_TEXT[row]
            line = [Cell(label)]
            for (col, _), w in zip(cols, widths):
                line.append(Cell(rep.cell_text("active", row, col), colspan=w))
            t.append(line)
        tables.append(t)
    if rep.opts.active_split:
        return tables
    return [[r for t in tables for r in t]]


def requests_table(rep: Report) -> Table:
    split = rep.template == "2021" and not rep.opts.other_one_row
    nums = lambda row: [Cell(rep.cell_text("requests", row, c)) for c in REQUEST_COLS]  # noqa: E731
    n_results = 2 + sum(len(items) if (name != "other" or split) else 1
                        for name, _, items in RESULT_GROUPS) + 1
    t: Table = [
        [Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3,
              header=True), Cell("申请人情况", colspan=7, header=True)],
        [Cell("自然人", rowspan=2, header=True), Cell("法人或其他组织", colspan=5, header=True),
         Cell("总计", rowspan=2, header=True)],
        [Cell(_hdr(rep, "商业企业"), header=True), Cell(_hdr(rep, "科研机构"), header=True),
         Cell(rep.opts.social_label, header=True), Cell("法律服务机构", header=True),
         Cell("其他", header=True)],
        [Cell("一、本年新收政府信息公开申请数量", colspan=3)] + nums("new"),
        [Cell("二、上年结转政府信息公开申请数量", colspan=3)] + nums("carried_in"),
        [Cell("三、本年度办理结果", rowspan=n_results), Cell("（一）予以公开", colspan=2)] + nums("granted"),
        [Cell("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2)] + nums("partial"),
    ]
    for g, (name, heading, items) in enumerate(RESULT_GROUPS):
        group = f"（{CN_NUM[g + 2]}）{heading}"
        if name == "other" and not split:
            t.append([Cell(group, colspan=2)] + nums("other"))
            continue
        for i, (key, label) in enumerate(items):
            if key == "denied.law_forbids":
                label = rep.opts.law_label
            line = [Cell(group, rowspan=len(items))] if i == 0 else []
            t.append(line + [Cell(f"{i + 1}．{label}")] + nums(key))
    t.append([Cell("（七）总计", colspan=2)] + nums("result_total"))
    t.append([Cell("四、结转下年度继续办理", colspan=3)] + nums("carried_out"))
    return t


def appeals_table(rep: Report) -> Table:
    subs = [Cell(_hdr(rep, text), header=True) for text in APPEAL_COL_TEXT]
    return [
        [Cell("行政复议", colspan=5, header=True), Cell("行政诉讼", colspan=10, header=True)],
        [Cell(_hdr(rep, text), rowspan=2, header=True) for text in APPEAL_COL_TEXT]
        + [Cell("未经复议直接起诉", colspan=5, header=True), Cell("复议后起诉", colspan=5, header=True)],
        subs + [Cell(c.text, header=True) for c in subs],
        [Cell(rep.cell_text("appeals", r, c)) for r in APPEAL_ROWS for c in APPEAL_COLS],
    ]


def layout(table: Table) -> tuple[list[tuple[int, int, Cell]], int, int]:
    """Grid positions (row, col, cell) of a table's origin cells, and its size."""
    taken: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    return placed, len(table), width


def blocks(rep: Report) -> list[tuple[str, object]]:
    """The report in reading order: ("title", text), ("h", text), ("p", text), ("table", Table),
    ("sign", text) a line of the signature, set to the right, ("break", None) a page break."""
    if rep.custom_blocks is not None:
        return rep.custom_blocks
    out = _before_title(rep)
    if rep.opts.before_title == "cover":
        pass  # the cover carries the title
    elif rep.opts.title_in_cell:
        out.append(("table", [[Cell(rep.title, header=True)]]))
    else:
        out.extend(("title", line) for line in rep.title_lines())
    for n in range(1, 7):
        out.append(("h", SECTION_TITLES[n]))
        if n == 2:
            out.extend(("table", t) for t in active_tables(rep))
        elif n == 3:
            out.append(("table", requests_table(rep)))
        elif n == 4:
            out.append(("table", appeals_table(rep)))
        else:
            out.extend(("p", p) for p in rep.prose[n])
    if rep.opts.signature:
        out += [("sign", rep.organ_printed), ("sign", _date_text(rep.sign_date, rep.opts.sign_cn_date))]
    return out


def _before_title(rep: Report) -> list[tuple[str, object]]:
    """What stands before the title (opts.before_title): a 索引号 table, a 目录, a cover page."""
    when = rep.sign_date or dt.date(rep.year + 1, 1, 10 + rep.seed % 18)
    if rep.opts.before_title == "index":
        return [("table", [
            [Cell("索引号", header=True), Cell(f"{640323 + rep.seed % 97}/{rep.year + 1}-{rep.seed % 900:05d}"),
             Cell("分类", header=True), Cell("政务公开")],
            [Cell("发布机构", header=True), Cell(rep.organ_printed), Cell("发文日期", header=True),
             Cell(when.isoformat())],
            [Cell("文号", header=True), Cell("无"), Cell("有效性", header=True), Cell("有效")]])]
    if rep.opts.before_title == "toc":
        return [("title", "目  录")] + [("p", f"{SECTION_TITLES[n]}……{n + (n > 2)}")
                                        for n in range(1, 7)] + [("break", None)]
    if rep.opts.before_title == "cover":
        year = _cn_year(rep.year) if rep.opts.cn_year else str(rep.year)
        return [("title", rep.organ_printed), ("title", "政府信息公开工作年度报告"),
                ("title", f"（{year}年度）"), ("p", f"{when.year}年{when.month}月"), ("break", None)]
    return []


def _date_text(date: dt.date, chinese: bool) -> str:
    if not chinese:
        return f"{date.year}年{date.month}月{date.day}日"
    digits = "〇一二三四五六七八九"

    def small(n: int) -> str:
        return digits[n] if n < 10 else ("十" if n // 10 == 1 else digits[n // 10] + "十") + (
            digits[n % 10] if n % 10 else "")

    return f"{''.join(digits[int(d)] for d in str(date.year))}年{small(date.month)}月{small(date.day)}日"


# --- renderers: text ---------------------------------------------------------------------------

def to_text(rep: Report, style: str = "tabs") -> bytes:
    """Plain text as extraction tools write it. ``tabs``: a table row per line, cells split on
    tabs, merged slots empty; ``cells``: a cell per line (docx2txt style), a blank line after
    each row."""
    lines: list[str] = []
    for kind, item in blocks(rep):
        if kind == "break":
            lines.append("")
            continue
        if kind != "table":
            lines.extend(["", item] if kind == "h" else [item])
            continue
        lines.append("")
        placed, n_rows, width = layout(item)
        by_row: dict[int, dict[int, Cell]] = {}
        for r, c, cell in placed:
            by_row.setdefault(r, {})[c] = cell
        covered = {(r + dr, c) for r, c, cell in placed for dr in range(1, cell.rowspan)}
        for r in range(n_rows):
            if style == "tabs":
                cells = [by_row[r][c].text.replace("\n", " ") if c in by_row.get(r, {}) else ""
                         for c in range(width)]
                lines.append("\t".join(cells))
            else:
                for c in range(width):
                    if c in by_row.get(r, {}):
                        lines.append("\t" + by_row[r][c].text)
                    elif (r, c) in covered:
                        lines.append("\t")
                lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- renderers: HTML ---------------------------------------------------------------------------

def _html_table(table: Table) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="640" '
           'style="border-collapse:collapse">']
    for row in table:
        out.append("<tr>")
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            text = "<br/>".join(escape(part) for part in cell.text.split("\n")) or "&nbsp;"
            out.append(f'<td{attrs} valign="middle"><p style="text-align:center">'
                       f'<span style="font-size:12px">{text}</span></p></td>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def html_body(rep: Report) -> str:
    parts = []
    for kind, item in blocks(rep):
        if kind == "title":
            if _title_in_body(rep):
                parts.append(f'<p style="text-align:center"><strong>{escape(item)}</strong></p>')
            continue
        if kind == "break":
            continue
        if kind == "sign":
            parts.append(f'<p style="text-align:right">{escape(item)}</p>')
        elif kind == "h":
            parts.append(f"<p><strong>{escape(item)}</strong></p>")
        elif kind == "p":
            parts.append(f'<p style="text-indent:2em">{escape(item)}</p>')
        else:
            parts.append(_html_table(item))
    return "\n".join(parts)


def _title_in_body(rep: Report) -> bool:
    """The title stands in the body (after what stands before it, or in a cell), not as <h1>."""
    return bool(rep.opts.before_title or rep.opts.title_in_cell or rep.custom_blocks is not None)


def to_html(rep: Report, encoding: str = "utf-8", meta: bool = True, chrome: bool = True,
            layout_table: bool = False) -> bytes:
    """A portal page: nav, breadcrumb, the article (title, tables with real spans), footer.
    ``encoding`` "gb18030" writes GBK bytes; ``meta`` declares the charset (gb2312 for GBK, as
    such portals do)."""
    charset = "gb2312" if encoding != "utf-8" else "utf-8"
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if meta else ""
    title = escape(rep.title)
    body = html_body(rep)
    h1 = "" if _title_in_body(rep) else (
        '<h1 class="title">' + "<br/>".join(escape(t) for t in rep.title_lines()) + "</h1>")
    article = (f'<div class="article">{h1}'
               f'<div class="info">发布时间：{rep.year + 1}-01-{10 + rep.seed % 18:02d} '
               f'来源：{escape(rep.organ_printed)} 浏览次数：{137 + rep.seed}</div>'
               f'<div class="TRS_Editor">{body}</div></div>')
    if chrome:
        site = escape(rep.organ_printed)
        article = (
            f'<div class="header"><div class="logo">{site}</div><ul class="nav">'
            '<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
            '<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>'
            '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
            ' &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>'
            + article +
            f'<div class="related"><h3>相关链接</h3><ul><li><a href="/ndbg/{rep.year - 1}.html">'
            f'{site}{rep.year - 1}年政府信息公开工作年度报告</a></li></ul></div>'
            f'<div class="footer"><p>主办单位：{site}　承办：{site}办公室</p>'
            f'<p>网站标识码：41{rep.seed:08d}　豫ICP备0{rep.seed % 9}012345号-1　'
            '公安机关备案号：41120202000123号</p><p>联系电话：0398-8861234</p></div>')
    if layout_table:
        article = f'<table width="1000" align="center"><tr><td>{article}</td></tr></table>'
    page = (f'<!DOCTYPE html>\n<html><head>{head}<title>{title}</title>'
            '<style>td{border:1px solid #000}</style></head>\n'
            f'<body>{article}</body></html>\n')
    return page.encode(encoding)


# --- renderers: DOCX ---------------------------------------------------------------------------

def to_docx(rep: Report, font_pt: float = 10.5, compact: bool = False,
            even_columns: bool = False) -> bytes:
    """A Word document with real merged cells (gridSpan / vMerge). ``compact`` gives a small
    font, narrow margins and the title and tables only, so they fit one page (for the PNG).
    ``even_columns`` leaves every column the same width (python-docx's default): the label
    columns of table 三 then wrap into tall rows that a page break can cut in two."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(font_pt)
    normal.font.name = "宋体"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    normal.paragraph_format.space_after = Pt(0)
    sec = doc.sections[0]
    margin = Cm(1.0 if compact else 2.2)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = margin
    for kind, item in blocks(rep):
        if compact and kind == "p":
            continue
        if kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(item)
            run.bold = True
            run.font.size = Pt(font_pt + 5)
        elif kind == "h":
            doc.add_paragraph().add_run(item).bold = True
        elif kind == "p":
            doc.add_paragraph(item).paragraph_format.first_line_indent = Pt(font_pt * 2)
        elif kind == "sign":
            doc.add_paragraph(item).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "break":
            doc.add_page_break()
        else:
            _docx_table(doc, item, font_pt, None if even_columns else
                        (sec.page_width - sec.left_margin - sec.right_margin))
    if rep.opts.dated and rep.created:
        doc.core_properties.created = rep.created
        doc.core_properties.modified = rep.modified
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# Relative column widths as the template's Word file sets them: wide label columns.
COLUMN_WEIGHTS = {4: [3, 2, 2, 2], 10: [1.3, 1.9, 3.4] + [1] * 7, 15: [1] * 15}


def _docx_table(doc, table: Table, font_pt: float, text_width) -> None:
    from docx.shared import Pt

    placed, n_rows, width = layout(table)
    t = doc.add_table(rows=n_rows, cols=width)
    t.style = "Table Grid"
    if text_width and width in COLUMN_WEIGHTS:
        weights = COLUMN_WEIGHTS[width]
        t.autofit = False
        for col, w in zip(t.columns, weights):
            col.width = int(text_width * w / sum(weights))
            for cell in col.cells:
                cell.width = col.width
    for r, c, cell in placed:
        target = t.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(t.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        lines = cell.text.split("\n")
        para = target.paragraphs[0]
        para.text = lines[0]
        for extra in lines[1:]:
            target.add_paragraph(extra)  # a header broken over two lines
        for p in target.paragraphs:
            for run in p.runs:
                run.font.size = Pt(font_pt - 1.5 if width > 8 else font_pt)


# --- renderers: XLSX ---------------------------------------------------------------------------

def to_xlsx(rep: Report, one_sheet: bool = True, numeric: bool = True) -> bytes:
    """A workbook: the title, then the three tables with merged ranges, in one sheet or one per
    sheet. ``numeric`` stores plain numbers as numbers (printed text otherwise)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "年度报告" if one_sheet else "表二"
    r0 = 1
    for kind, item in _before_title(rep):
        if kind == "table":
            r0 = _xlsx_table(ws, item, r0, numeric)
        elif kind != "break":
            ws.cell(row=r0, column=1, value=item)
            r0 += 1
    if rep.opts.before_title != "cover":
        ws.cell(row=r0, column=1, value=rep.title)
        ws.merge_cells(start_row=r0, start_column=1, end_row=r0, end_column=10)
        r0 += 2
    sections = [(SECTION_TITLES[2], active_tables(rep)), (SECTION_TITLES[3], [requests_table(rep)]),
                (SECTION_TITLES[4], [appeals_table(rep)])]
    for i, (heading, tables) in enumerate(sections):
        if not one_sheet and i:
            ws = wb.create_sheet(["表二", "表三", "表四"][i])
            r0 = 1
        ws.cell(row=r0, column=1, value=heading)
        r0 += 1
        for table in tables:
            r0 = _xlsx_table(ws, table, r0, numeric)
    if rep.opts.signature:
        ws.cell(row=r0 + 1, column=8, value=rep.organ_printed)
        ws.cell(row=r0 + 2, column=8, value=_date_text(rep.sign_date, rep.opts.sign_cn_date))
    if rep.opts.dated and rep.created:
        wb.properties.created = rep.created
    buf = io.BytesIO()
    wb.save(buf)
    if rep.opts.dated and rep.modified:
        return _core_modified(buf.getvalue(), rep.modified)  # openpyxl writes the time it saves
    return buf.getvalue()


def _core_modified(data: bytes, when: dt.datetime) -> bytes:
    """The OOXML package with dcterms:modified of docProps/core.xml set to ``when``."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return rewrite_part(data, "docProps/core.xml", lambda part: re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*", lambda m: m.group(1) + stamp, part))


def rewrite_part(data: bytes, name: str, change) -> bytes:
    """A zip package (DOCX, XLSX) with its part ``name`` replaced by ``change(part bytes)``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    if name not in src.namelist():
        raise KeyError(f"no part {name}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            dst.writestr(info, change(part) if info.filename == name else part)
    return out.getvalue()


def _xlsx_table(ws, table: Table, r0: int, numeric: bool) -> int:
    """Write a table from row ``r0``, merged ranges and all; the row after it and a blank one."""
    from openpyxl.styles import Alignment

    placed, n_rows, _ = layout(table)
    for r, c, cell in placed:
        value = _xlsx_value(cell.text) if numeric and not cell.header else cell.text
        xc = ws.cell(row=r0 + r, column=1 + c, value=value if value != "" else None)
        if "\n" in cell.text:
            xc.alignment = Alignment(wrap_text=True)
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=r0 + r, start_column=1 + c,
                           end_row=r0 + r + cell.rowspan - 1,
                           end_column=1 + c + cell.colspan - 1)
    return r0 + n_rows + 1


def _xlsx_value(text: str):
    """A number cell as a spreadsheet stores it: printed text only when it is not plain."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text) if text.replace(".", "", 1).isdigit() else text
    except ValueError:
        return text


# --- LibreOffice conversions -------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, src_ext: str, target: str, infilter: str | None = None,
            timeout: int = 180) -> bytes:
    """Convert with LibreOffice headless, a private profile per call (two runs sharing one
    profile fail), and a time limit."""
    if SOFFICE is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-gen-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / f"report.{src_ext}"
        src.write_bytes(data)
        profile = tmpdir / f"lo-{uuid.uuid4().hex}"
        cmd = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--nolockcheck"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", target, "--outdir", str(tmpdir / "out"), str(src)]
        res = subprocess.run(cmd, capture_output=True, timeout=timeout)
        outs = list((tmpdir / "out").glob("report.*")) if (tmpdir / "out").exists() else []
        if not outs:
            raise RuntimeError(f"soffice produced nothing (rc={res.returncode}): "
                               f"{res.stderr.decode(errors='replace')[-300:]}")
        return outs[0].read_bytes()


def to_pdf(rep: Report, source: str = "docx") -> bytes:
    """A PDF as LibreOffice prints it, from the DOCX or from the HTML article; dated as the
    report says (opts.dated: in the Info dictionary, or in XMP metadata only)."""
    if source == "docx":
        pdf = convert(to_docx(rep), "docx", "pdf")
    else:
        pdf = convert(to_html(rep, chrome=False), "html", "pdf:writer_pdf_Export",
                      infilter="HTML (StarWriter)")
    if rep.opts.dated and rep.created:
        pdf = stamp_pdf_dates(pdf, rep.created, rep.modified, xmp=rep.opts.dated == "xmp")
    return pdf


def stamp_pdf_dates(pdf: bytes, created: dt.datetime, modified: dt.datetime,
                    xmp: bool = False) -> bytes:
    """The PDF with an incremental update that dates it: a new Info dictionary with
    CreationDate and ModDate, or (``xmp``) one without dates and the dates in XMP metadata that
    a new catalog points to. LibreOffice writes a classic cross-reference table, as assumed."""
    prev = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    trailer = pdf[pdf.rindex(b"trailer"):]
    root = int(re.search(rb"/Root\s+(\d+)\s+0\s+R", trailer).group(1))
    size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets: dict[int, int] = {}

    def add(num: int, body: bytes) -> None:
        offsets[num] = len(out)
        out.extend(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    info, meta = size, size + 1
    if xmp:
        add(info, b"<< /Producer (LibreOffice 7.4) >>")
        stamp = lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+08:00")  # noqa: E731
        packet = (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
            'xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
            f"<xmp:CreateDate>{stamp(created)}</xmp:CreateDate>"
            f"<xmp:ModifyDate>{stamp(modified)}</xmp:ModifyDate>"
            '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode("utf-8")
        add(meta, b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(packet)
            + packet + b"\nendstream")
        start = pdf.rindex(b"%d 0 obj" % root)
        catalog = pdf[start:pdf.index(b"endobj", start)]
        body = catalog[catalog.index(b"<<"):catalog.rindex(b">>")] + b"/Metadata %d 0 R >>" % meta
        add(root, body)
    else:
        stamp = lambda d: d.strftime("D:%Y%m%d%H%M%S+08'00'").encode()  # noqa: E731
        add(info, b"<< /Producer (LibreOffice 7.4) /CreationDate (" + stamp(created)
            + b") /ModDate (" + stamp(modified) + b") >>")
    xref = len(out)
    out.extend(b"xref\n")
    for num in sorted(offsets):
        out.extend(b"%d 1\n%010d 00000 n \n" % (num, offsets[num]))
    new_size = max(offsets) + 1
    out.extend(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
               % (new_size, root, info, prev, xref))
    return bytes(out)


def to_pdf_pictures(rep: Report, dpi: int = 200) -> bytes:
    """A PDF whose text is typed but whose tables are pasted in as pictures (screenshots of
    the tables, as many reports are made): the text layer holds the title, the headings and
    the prose, never a table's words."""
    import numpy as np
    from docx import Document
    from docx.shared import Inches

    tables = [item for kind, item in blocks(rep) if kind == "table"]
    # One page per table, printed by LibreOffice, then cut to the table's ink.
    sheet = Document()
    for k, table in enumerate(tables):
        if k:
            sheet.add_page_break()
        sec = sheet.sections[0]
        _docx_table(sheet, table, 10.5, sec.page_width - sec.left_margin - sec.right_margin)
    buf = io.BytesIO()
    sheet.save(buf)
    pictures = []
    for img in page_images(convert(buf.getvalue(), "docx", "pdf"), dpi)[:len(tables)]:
        ink = np.argwhere(np.asarray(img) < 200)
        (y0, x0), (y1, x1) = ink.min(axis=0), ink.max(axis=0)
        pictures.append(img.crop((max(0, x0 - 8), max(0, y0 - 8), x1 + 9, y1 + 9)))
    doc = Document()
    sec = doc.sections[0]
    width = (sec.page_width - sec.left_margin - sec.right_margin) / 914400  # EMU -> inches
    tables_left = iter(pictures)
    for kind, item in blocks(rep):
        if kind == "title":
            doc.add_paragraph(item)
        elif kind in ("h", "p"):
            doc.add_paragraph(item)
        else:
            pic = next(tables_left)
            out = io.BytesIO()
            pic.save(out, "PNG")
            out.seek(0)
            doc.add_picture(out, width=Inches(min(width, pic.width / dpi)))
    buf = io.BytesIO()
    doc.save(buf)
    return convert(buf.getvalue(), "docx", "pdf")


def to_doc(rep: Report) -> bytes:
    """Word 97 binary; a Kingsoft .wps is these bytes under another name."""
    return convert(to_docx(rep), "docx", "doc:MS Word 97")


def to_xls(rep: Report, one_sheet: bool = True) -> bytes:
    return convert(to_xlsx(rep, one_sheet=one_sheet), "xlsx", "xls:MS Excel 97")


# --- scans -------------------------------------------------------------------------------------

def page_images(pdf: bytes, dpi: int = 200, noise: float = 0.0, rotate: float = 0.0,
                seed: int = 0) -> list:
    """Grey page images of a PDF, optionally with sensor noise and a slight skew."""
    import pypdfium2 as pdfium
    from PIL import Image

    if noise:
        import numpy as np   # from the OCR extra; the demo's scans are noiseless

    doc = pdfium.PdfDocument(pdf)
    images = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            if rotate:
                img = img.rotate(rotate, resample=Image.BICUBIC, expand=False, fillcolor=255)
            if noise:
                grain = np.random.default_rng(seed + i).normal(0, noise, (img.height, img.width))
                img = Image.fromarray(np.clip(np.asarray(img, float) + grain, 0, 255).astype("uint8"))
            images.append(img)
    finally:
        doc.close()
    return images


def to_scanned_pdf(pdf: bytes, dpi: int = 200, noise: float = 0.0, rotate: float = 0.0) -> bytes:
    """An image-only PDF of the pages, as a scanner makes: no text layer at all."""
    images = page_images(pdf, dpi, noise, rotate)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


def to_png(rep: Report, dpi: int = 200) -> bytes:
    """One page holding the title and the three tables, as a PNG."""
    import pypdfium2 as pdfium

    pdf = convert(to_docx(rep, font_pt=8, compact=True), "docx", "pdf")
    if len(pdfium.PdfDocument(pdf)) != 1:
        raise RuntimeError("the compact report does not fit one page")
    img = page_images(pdf, dpi)[0]
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def broken(rep: Report, which: str = "requests") -> Report:
    """A copy of the report with one total printed wrong (the truth follows the print)."""
    out = copy.deepcopy(rep)
    _break(out, which)
    key = ("requests", "result_total", "total") if which == "requests" else ("appeals", "review", "total")
    out.printed[key] = _fmt_number(out.values[key], random.Random(0), out.opts, False)
    return out


# --- layout text -------------------------------------------------------------------------------

PDFTOTEXT = shutil.which("pdftotext")


def to_layout_text(pdf: bytes, timeout: int = 60) -> bytes:
    """The PDF's text as ``pdftotext -layout`` prints it (poppler-utils): columns kept by runs of
    spaces, vertical headers a character or two a line, a page's tables line by line."""
    if PDFTOTEXT is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed")
    res = subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", "-", "-"], input=pdf,
                         capture_output=True, timeout=timeout, check=True)
    return res.stdout


# --- files that are not reports ----------------------------------------------------------------

FORM_TITLES = ["政府信息公开工作年度报告格式模板", "XX县（市、区）人民政府XXXX年政府信息公开工作年度报告",
               "××单位××××年度政府信息公开工作年度报告（模板）", "（单位名称）政府信息公开工作年度报告"]


def not_a_report(seed: int, kind: str | None = None) -> Report:
    """A file a crawler meets that is not a report (NOT_REPORTS): a blank form of the template,
    a notice, the 解读 of a report, a page that lists reports, anything else. It renders as a
    report does (to_text, to_html, to_docx, to_pdf; a form to_xlsx too); its truth says
    ``kind: not_a_report``."""
    rng = random.Random(f"not-a-report-{seed}")
    kind = kind or rng.choice(NOT_REPORTS)
    if kind not in NOT_REPORTS:
        raise ValueError(f"unknown kind {kind!r}")
    rep = generate(seed)
    rep.not_a_report = kind
    organ, year = rep.organ_printed, rep.year
    if kind == "form":
        rep.values, rep.printed = {}, {}
        rep.custom_title = rng.choice(FORM_TITLES)
        rep.organ_printed = "XX县（市、区）人民政府"
        rep.prose = {n: ["（文字描述）"] for n in (1, 5, 6)}
        rep.prose[6] = ["（文字描述，收取信息处理费情况在此处报告。）"]
        return rep
    if kind == "notice":
        rep.custom_title = f"{organ}关于印发《{organ}{year + 1}年政务公开工作要点》的通知"
        rep.custom_blocks = [
            ("title", rep.custom_title), ("p", "各乡（镇）人民政府，县政府各部门，各有关单位："),
            ("p", f"现将《{organ}{year + 1}年政务公开工作要点》印发给你们，请结合实际，认真贯彻落实。"),
            ("h", "一、总体要求"), ("p", rep.prose[1][0]),
            ("h", "二、重点任务"), ("p", rep.prose[1][2]), ("p", rep.prose[1][6]),
            ("h", "三、保障措施"), ("p", rep.prose[1][10]),
            ("sign", organ), ("sign", f"{year + 1}年{rng.randint(1, 4)}月{rng.randint(1, 28)}日")]
    elif kind == "interpretation":
        rep.custom_title = rng.choice([f"图解：{rep.title}", f"{rep.title}解读",
                                       f"一图读懂{rep.title}"])
        rep.custom_blocks = [("title", rep.custom_title)]
        for n in (1, 2, 3, 4):
            rep.custom_blocks.append(("h", SECTION_TITLES[n]))
            rep.custom_blocks.append(("p", rep.prose[1][min(2 * n, 10)]))
    elif kind == "list":
        rep.custom_title = f"{organ}政府信息公开年报"
        rep.custom_blocks = [("title", rep.custom_title)] + [
            ("p", f"{organ}{y}年政府信息公开工作年度报告　{y + 1}-01-{10 + (seed + y) % 18:02d}")
            for y in range(year, year - 6, -1)]
    else:
        rep.custom_title = rng.choice([f"{organ}{year + 1}年政府工作报告", "localhost",
                                       f"{organ}{year}年度部门预算公开说明"])
        rep.custom_blocks = [("title", rep.custom_title)]
        if rep.custom_title != "localhost":
            rep.custom_blocks += [("h", f"一、{year}年工作回顾"), ("p", rep.prose[1][0]),
                                  ("h", f"二、{year + 1}年工作安排"), ("p", rep.prose[5][1])]
    return rep
