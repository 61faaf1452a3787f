"""The report template: tables, row and column keys, and the labels that name them.

Keys follow ``SCHEMA.md`` (the data contract shared with the archive). Each key carries the
Chinese label a researcher sees, and the label patterns the mapper recognises in documents.
"""

from __future__ import annotations

import re

TEMPLATES = ("2019", "2021", "pre2019")

TABLE_LABELS = {
    "active": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "appeals": "政府信息公开行政复议、行政诉讼情况",
}

# --- active (表二) -------------------------------------------------------------------------

ACTIVE_ROWS = {
    "regulation": "规章",
    "normative_doc": "行政规范性文件",
    "license": "行政许可",
    "other_service": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fee": "行政事业性收费",
    "procurement": "政府集中采购",
}

# Order matters: the first pattern that matches a cell's text wins.
ACTIVE_ROW_PATTERNS = [
    ("other_service", re.compile(r"对外管理服务")),
    ("normative_doc", re.compile(r"规范性文件")),
    ("regulation", re.compile(r"规章")),
    ("license", re.compile(r"行政许可")),
    ("penalty", re.compile(r"行政处罚")),
    ("coercion", re.compile(r"行政强制")),
    ("fee", re.compile(r"事业性收费")),
    ("procurement", re.compile(r"集中采购")),
]

ACTIVE_COLS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "fee_amount": "本年收费金额（单位：万元）",
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_items": "上一年项目数量",
    "delta": "本年增/减",
    "proc_items": "采购项目数量",
    "proc_amount": "采购总金额",
}

ACTIVE_COL_PATTERNS = [
    ("issued", re.compile(r"制发")),
    ("repealed", re.compile(r"废止")),
    ("in_force", re.compile(r"现行有效")),
    ("decisions", re.compile(r"处理决定")),
    ("fee_amount", re.compile(r"收费金额")),
    ("made", re.compile(r"新制作")),
    ("total_published", re.compile(r"公开总数")),
    ("published", re.compile(r"新公开")),
    ("prev_items", re.compile(r"上一?年.{0,2}项目")),
    ("delta", re.compile(r"增\s*[/／、]?\s*减")),
    ("proc_items", re.compile(r"采购项目")),
    ("proc_amount", re.compile(r"采购.{0,2}金额")),
]

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

APPLICANT_COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other"]
REQUEST_COLS = APPLICANT_COLS + ["total"]

REQUEST_COL_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_service": "法律服务机构",
    "other": "其他",
    "total": "总计",
}

REQUEST_COL_PATTERNS = [
    ("natural_person", re.compile(r"^自然人$")),
    ("commercial", re.compile(r"^商业企业$")),
    ("research", re.compile(r"^科研机构$")),
    ("social_org", re.compile(r"^社会(公益)?组织$")),
    ("legal_service", re.compile(r"^法律服务机构$")),
    ("other", re.compile(r"^其他$")),
    ("total", re.compile(r"^总计$")),
]

REQUEST_ROWS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开",
    "denied.state_secret": "（三）1.属于国家秘密",
    "denied.law_forbids": "（三）2.其他法律行政法规禁止公开",
    "denied.security": "（三）3.危及“三安全一稳定”",
    "denied.third_party": "（三）4.保护第三方合法权益",
    "denied.internal": "（三）5.属于三类内部事务信息",
    "denied.process": "（三）6.属于四类过程性信息",
    "denied.enforcement": "（三）7.属于行政执法案卷",
    "denied.query": "（三）8.属于行政查询事项",
    "unable.not_held": "（四）1.本机关不掌握相关政府信息",
    "unable.needs_creation": "（四）2.没有现成信息需要另行制作",
    "unable.unclear": "（四）3.补正后申请内容仍不明确",
    "rejected.petition": "（五）1.信访举报投诉类申请",
    "rejected.repeat": "（五）2.重复申请",
    "rejected.publication": "（五）3.要求提供公开出版物",
    "rejected.excessive": "（五）4.无正当理由大量反复申请",
    "rejected.confirm": "（五）5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other.no_correction": "（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.no_fee": "（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "（六）3.其他",
    "result_total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}

# Specific row labels. When a label holds several (a group heading and its first item share a
# row), the one that starts last in the text is the row's own label.
REQUEST_ROW_PATTERNS = [
    ("new", re.compile(r"本年新收")),
    ("carried_in", re.compile(r"上年结转")),
    ("granted", re.compile(r"予以公开")),
    ("partial", re.compile(r"部分公开")),
    ("denied.state_secret", re.compile(r"国家秘密")),
    ("denied.law_forbids", re.compile(r"其他法律|禁止公开")),
    ("denied.security", re.compile(r"危及|三安全")),
    ("denied.third_party", re.compile(r"第三方")),
    ("denied.internal", re.compile(r"内部事务")),
    ("denied.process", re.compile(r"过程性")),
    ("denied.enforcement", re.compile(r"执法案卷")),
    ("denied.query", re.compile(r"查询事项")),
    ("unable.not_held", re.compile(r"不掌握")),
    ("unable.needs_creation", re.compile(r"另行制作|没有现成")),
    ("unable.unclear", re.compile(r"仍不明确|补正后申请")),
    ("rejected.petition", re.compile(r"信访|举报投诉")),
    ("rejected.repeat", re.compile(r"重复申请")),
    ("rejected.publication", re.compile(r"出版物")),
    ("rejected.excessive", re.compile(r"大量反复")),
    ("rejected.confirm", re.compile(r"重新出具|确认或")),
    ("other.no_correction", re.compile(r"不补正")),
    ("other.no_fee", re.compile(r"缴纳费用|收费通知")),
    ("other", re.compile(r"其他处理")),
    ("result_total", re.compile(r"[（(]七[)）]|总计")),
    ("carried_out", re.compile(r"结转下年")),
]

# Group headings of the result rows, and their numbered items (``1.`` … ``8.``).
REQUEST_GROUPS = [
    ("denied", re.compile(r"[（(]三[)）]|不予公开"),
     ["denied.state_secret", "denied.law_forbids", "denied.security", "denied.third_party",
      "denied.internal", "denied.process", "denied.enforcement", "denied.query"]),
    ("unable", re.compile(r"[（(]四[)）]|无法提供"),
     ["unable.not_held", "unable.needs_creation", "unable.unclear"]),
    ("rejected", re.compile(r"[（(]五[)）]|不予处理"),
     ["rejected.petition", "rejected.repeat", "rejected.publication", "rejected.excessive",
      "rejected.confirm"]),
    ("other", re.compile(r"[（(]六[)）]|其他处理"),
     ["other.no_correction", "other.no_fee", "other.other"]),
]

RESULT_ROWS_COMMON = [
    "granted", "partial",
    "denied.state_secret", "denied.law_forbids", "denied.security", "denied.third_party",
    "denied.internal", "denied.process", "denied.enforcement", "denied.query",
    "unable.not_held", "unable.needs_creation", "unable.unclear",
    "rejected.petition", "rejected.repeat", "rejected.publication", "rejected.excessive",
    "rejected.confirm",
]
OTHER_DETAIL_ROWS = ["other.no_correction", "other.no_fee", "other.other"]


def request_rows(template: str, split_other: bool) -> list[str]:
    """The requests rows of a template, in document order."""
    other = OTHER_DETAIL_ROWS if split_other else ["other"]
    return ["new", "carried_in"] + RESULT_ROWS_COMMON + other + ["result_total", "carried_out"]


# --- appeals (表四) ------------------------------------------------------------------------

APPEAL_ROWS = {
    "review": "行政复议",
    "suit_direct": "行政诉讼·未经复议直接起诉",
    "suit_after_review": "行政诉讼·复议后起诉",
}
APPEAL_COLS = ["upheld", "corrected", "other", "pending", "total"]
APPEAL_COL_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
APPEAL_ROW_PATTERNS = [
    ("suit_direct", re.compile(r"直接起诉")),
    ("suit_after_review", re.compile(r"复议后起诉")),
    ("review", re.compile(r"行政复议")),
]
APPEAL_COL_PATTERNS = [
    ("upheld", re.compile(r"维持")),
    ("corrected", re.compile(r"纠正")),
    ("other", re.compile(r"其他")),
    ("pending", re.compile(r"尚未|审结")),
    ("total", re.compile(r"总计")),
]


def label_of(table: str, row: str, col: str) -> tuple[str, str]:
    """The Chinese labels of a cell's row and column."""
    if table == "active":
        return ACTIVE_ROWS.get(row, row), ACTIVE_COLS.get(col, col)
    if table == "requests":
        return REQUEST_ROWS.get(row, row), REQUEST_COL_LABELS.get(col, col)
    return APPEAL_ROWS.get(row, row), APPEAL_COL_LABELS.get(col, col)
