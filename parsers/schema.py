"""The report template: tables, row and column keys, and the labels that name them.

Keys follow ``docs/schema.md`` (the data contract shared with the archive). Each key carries the
Chinese label a researcher sees, and the label patterns the mapper recognises in documents.
"""

from __future__ import annotations

import re
from typing import NamedTuple

TEMPLATES = ("2019", "2021", "pre2019")

TABLE_LABELS = {
    "active": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "appeals": "政府信息公开行政复议、行政诉讼情况",
}

# Wording only one template prints: a document's template is told by it before its year.
TEMPLATE_WORDS = {
    "2021": re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年收费金额|逾期不补正|缴纳费用"),
    "2019": re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|其他对外管理服务事项|"
                       r"政府集中采购"),
}


class Keys(NamedTuple):
    """The row or column keys of a table in document order, their labels, and the patterns
    that recognise them in a document's text."""

    labels: dict[str, str]
    patterns: list[tuple[str, re.Pattern]]


def _keys(table: str) -> Keys:
    """Keys from a table of lines ``key  pattern  label`` (pattern ``-``: the key is never
    recognised by its label). Where the patterns of several keys match a cell's text, the
    mapper takes the one that starts last (a group heading and its first item share a row)."""
    labels: dict[str, str] = {}
    patterns: list[tuple[str, re.Pattern]] = []
    for line in table.strip().splitlines():
        key, pattern, label = line.split()
        labels[key] = label
        if pattern != "-":
            patterns.append((key, re.compile(pattern)))
    return Keys(labels, patterns)


# --- active (表二) -------------------------------------------------------------------------

ACTIVE_ROWS, ACTIVE_ROW_PATTERNS = _keys(r"""
    regulation     规章          规章
    normative_doc  规范性文件    行政规范性文件
    license        行政许可      行政许可
    other_service  对外管理服务  其他对外管理服务事项
    penalty        行政处罚      行政处罚
    coercion       行政强制      行政强制
    fee            事业性收费    行政事业性收费
    procurement    集中采购      政府集中采购
""")

ACTIVE_COLS, ACTIVE_COL_PATTERNS = _keys(r"""
    issued           制发                本年制发件数
    repealed         废止                本年废止件数
    in_force         现行有效            现行有效件数
    decisions        处理决定            本年处理决定数量
    fee_amount       收费金额            本年收费金额（单位：万元）
    made             新制作              本年新制作数量
    published        新公开              本年新公开数量
    total_published  公开总数            对外公开总数量
    prev_items       上一?年.{0,2}项目   上一年项目数量
    delta            增\s*[/／、]?\s*减  本年增/减
    proc_items       采购项目            采购项目数量
    proc_amount      采购.{0,2}金额      采购总金额
""")

# Columns of each active row when the document's own header cannot be read.
ACTIVE_DEFAULT_COLS = {
    "2021": {
        "regulation": ["issued", "repealed", "in_force"],
        "normative_doc": ["issued", "repealed", "in_force"],
        "license": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "fee": ["fee_amount"],
    },
    "2019": {
        "regulation": ["made", "published", "total_published"],
        "normative_doc": ["made", "published", "total_published"],
        "license": ["prev_items", "delta", "decisions"],
        "other_service": ["prev_items", "delta", "decisions"],
        "penalty": ["prev_items", "delta", "decisions"],
        "coercion": ["prev_items", "delta", "decisions"],
        "fee": ["prev_items", "delta"],
        "procurement": ["proc_items", "proc_amount"],
    },
}

# Columns that hold money (万元) and may carry decimals; every other cell is a count.
MONEY_COLS = {"fee_amount", "proc_amount"}

# --- requests (表三) -----------------------------------------------------------------------

# Column labels match a header cell whole.
REQUEST_COL_LABELS, REQUEST_COL_PATTERNS = _keys(r"""
    natural_person  ^自然人$           自然人
    commercial      ^商业企业$         商业企业
    research        ^科研机构$         科研机构
    social_org      ^社会(公益)?组织$  社会公益组织
    legal_service   ^法律服务机构$     法律服务机构
    other           ^其他$             其他
    total           ^总计$             总计
""")
REQUEST_COLS = list(REQUEST_COL_LABELS)
APPLICANT_COLS = [c for c in REQUEST_COLS if c != "total"]

# A numbered item (``2.``) whose label is damaged is still placed by its number in its group
# (REQUEST_GROUPS); other.other (其他) is known by its number, or by coming after (六)1 and 2.
REQUEST_ROWS, REQUEST_ROW_PATTERNS = _keys(r"""
    new                    本年新收             一、本年新收政府信息公开申请数量
    carried_in             上年结转             二、上年结转政府信息公开申请数量
    granted                予以公开             （一）予以公开
    partial                部分公开             （二）部分公开
    denied.state_secret    国家秘密             （三）1.属于国家秘密
    denied.law_forbids     其他法律|禁止公开    （三）2.其他法律行政法规禁止公开
    denied.security        危及|三安全          （三）3.危及“三安全一稳定”
    denied.third_party     第三方               （三）4.保护第三方合法权益
    denied.internal        内部事务             （三）5.属于三类内部事务信息
    denied.process         过程性               （三）6.属于四类过程性信息
    denied.enforcement     执法案卷             （三）7.属于行政执法案卷
    denied.query           查询事项             （三）8.属于行政查询事项
    unable.not_held        不掌握               （四）1.本机关不掌握相关政府信息
    unable.needs_creation  另行制作|没有现成    （四）2.没有现成信息需要另行制作
    unable.unclear         仍不明确|补正后申请  （四）3.补正后申请内容仍不明确
    rejected.petition      信访|举报投诉        （五）1.信访举报投诉类申请
    rejected.repeat        重复申请             （五）2.重复申请
    rejected.publication   出版物               （五）3.要求提供公开出版物
    rejected.excessive     大量反复             （五）4.无正当理由大量反复申请
    rejected.confirm       重新出具|确认或      （五）5.要求行政机关确认或重新出具已获取信息
    other                  其他处理             （六）其他处理
    other.no_correction    不补正               （六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请
    other.no_fee           缴纳费用|收费通知    （六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请
    other.other            -                    （六）3.其他
    result_total           [（(]七[)）]|总计    （七）总计
    carried_out            结转下年             四、结转下年度继续办理
""")


class Group(NamedTuple):
    """A group heading of the result rows, and its numbered items (``1.`` … ``8.``)."""

    name: str
    pattern: re.Pattern
    items: list[str]


REQUEST_GROUPS = [Group(name, re.compile(pattern), [k for k in REQUEST_ROWS
                                                   if k.startswith(name + ".")])
                  for name, pattern in [("denied", r"[（(]三[)）]|不予公开"),
                                        ("unable", r"[（(]四[)）]|无法提供"),
                                        ("rejected", r"[（(]五[)）]|不予处理"),
                                        ("other", r"[（(]六[)）]|其他处理")]]

# The result rows both templates share, (一) to (五); then (六) as one row or as its items.
RESULT_ROWS_COMMON = list(REQUEST_ROWS)[list(REQUEST_ROWS).index("granted"):
                                        list(REQUEST_ROWS).index("other")]
OTHER_DETAIL_ROWS = REQUEST_GROUPS[-1].items


def request_rows(template: str, split_other: bool) -> list[str]:
    """The requests rows of a template, in document order."""
    other = OTHER_DETAIL_ROWS if split_other else ["other"]
    return ["new", "carried_in"] + RESULT_ROWS_COMMON + other + ["result_total", "carried_out"]


# --- appeals (表四) ------------------------------------------------------------------------

APPEAL_ROWS, APPEAL_ROW_PATTERNS = _keys(r"""
    review             行政复议    行政复议
    suit_direct        直接起诉    行政诉讼·未经复议直接起诉
    suit_after_review  复议后起诉  行政诉讼·复议后起诉
""")
APPEAL_COL_LABELS, APPEAL_COL_PATTERNS = _keys(r"""
    upheld     维持       结果维持
    corrected  纠正       结果纠正
    other      其他       其他结果
    pending    尚未|审结  尚未审结
    total      总计       总计
""")
APPEAL_COLS = list(APPEAL_COL_LABELS)


def row_named(text: str) -> str | None:
    """The row of one of the tables whose label the text holds (the one named last), or None:
    行政规范性文件 → normative_doc, 1．属于国家秘密 → denied.state_secret, 行政复议 → review."""
    flat = re.sub(r"\s+", "", text)
    best, best_pos = None, -1
    for key, pat in ACTIVE_ROW_PATTERNS + REQUEST_ROW_PATTERNS + APPEAL_ROW_PATTERNS:
        for m in pat.finditer(flat):
            if m.start() >= best_pos:
                best, best_pos = key, m.start()
    return best


class Labels(NamedTuple):
    row: str
    col: str


def label_of(table: str, row: str, col: str) -> Labels:
    """The Chinese labels of a cell's row and column."""
    if table == "active":
        return Labels(ACTIVE_ROWS.get(row, row), ACTIVE_COLS.get(col, col))
    if table == "requests":
        return Labels(REQUEST_ROWS.get(row, row), REQUEST_COL_LABELS.get(col, col))
    return Labels(APPEAL_ROWS.get(row, row), APPEAL_COL_LABELS.get(col, col))
