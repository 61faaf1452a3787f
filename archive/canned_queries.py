"""Datasette's canned queries over the archive: each entry of :data:`CANNED_QUERIES` is one
page, ``/<database>/<name>`` (and ``.json``, ``.csv``, ``.atom`` where the columns allow). Add
a page by adding an entry."""

from __future__ import annotations

from .changes.model import KINDS
from .search import CANNED_SEARCH_SQL
from .views import MISSING_DEADLINE, TOTAL_LABELS

# One page per kind of change, with the columns that kind needs.
_CHANGE_PAGES = {
    f"changes_{k.row}": {
        "title": k.page_title,
        "description": f"{k.page_description} Open a change_id for its page.",
        "sql": (f"SELECT id AS change_id, portal, organ AS 机关, year AS 年度, url, "
                f"{k.page_columns} old_crawl, new_crawl, detected_at FROM changes "
                f"WHERE kind = '{k.row}' AND (:portal = '' OR portal = :portal) ORDER BY id DESC"),
        "params": ["portal"],
    }
    for k in KINDS
}
# The feed lists the kinds that are news (not page-frame changes), each with its word.
_NEWS_ROWS = ", ".join(f"'{k.row}'" for k in KINDS if k.news)
_FEED_WORD = ("CASE c.kind " + " ".join(f"WHEN '{k.row}' THEN '{k.short}'" for k in KINDS
                                       if k.news) + " END")
# Where a feed entry links: the report's page in the archive (its status, its numbers, its
# raw files), else the archived file; never only the portal's URL, which may be dead.
# {database} is the database's name (datasette_app fills it in).
ARCHIVED_LINK = ("coalesce('/{database}/reports/' || c.report_id, '/-/raw/' || "
                 "coalesce(c.new_sha256, c.old_sha256), c.url)")
# What a feed entry says: the report's status now and its headline numbers.
_FEED_NUMBERS = ("requests_new", "granted", "results_total", "reviews", "suits_direct")
_REPORT_CONTENT = (
    "'状态 status: ' || coalesce(r.status, '—') || coalesce(' (' || r.status_reason || ')', '') "
    "|| coalesce(' ' || r.status_since, '') || '；' || "
    + " || '；' || ".join(f"'{TOTAL_LABELS[n]} ' || coalesce(r.{n}, '—')" for n in _FEED_NUMBERS))
# A changed cell named as its template names it (xxgk_row_label and xxgk_col_label are SQL
# functions the archive's Datasette plugin adds): 行政强制 · 本年处理决定数量 195 → 196.
_J = "json_extract(j.value, '$.{}')"
CELL_CHANGES = (
    "(SELECT group_concat(xxgk_row_label(" + _J.format("table") + ", " + _J.format("row") + ") "
    "|| ' · ' || xxgk_col_label(" + _J.format("table") + ", " + _J.format("col") + ") || ' ' || "
    "coalesce(" + _J.format("old") + ", '—') || ' → ' || coalesce(" + _J.format("new") + ", '—'), "
    "'；') FROM json_each(c.cells) j)")
_FEED_CONTENT = (_REPORT_CONTENT + " || '。原网址 source: ' || c.url || "
                 f"coalesce('；单元格变化 cells: ' || {CELL_CHANGES}, '') || "
                 "coalesce('；存档副本 archived copy: /-/raw/' || c.old_sha256, '') || "
                 "coalesce('；' || c.text_diff, '')")

# The sums of requests_by_region (region_year_requests' columns), with their Chinese names.
_REGION_NUMBERS = {"requests_new": "本年新收申请", "requests_carried_in": "上年结转",
                   "granted": "予以公开", "partial": "部分公开", "results_total": "办理结果总计",
                   "carried_out": "结转下年度"}
_REGION_SUMS = ", ".join(f"{k} AS {v}" for k, v in _REGION_NUMBERS.items())
# :year, or (when blank) the bound given.
_YEAR_OR = "(CASE WHEN :year = '' THEN {} ELSE CAST(:year AS INTEGER) END)"
# A failing check of report r's best document.
_FAILED = "k.document_id = r.document_id AND k.status = 'fail'"

# The late reports the archive keeps (archive/kept_figures.py), latest first, ties by report;
# every year and one year are two arms, so that each walks its own index in the page's order
# (CROSS JOIN: from the kept rows to their reports, never the other way).
_LATE_COLUMNS = ("l.report_id, r.organ AS 机关, r.organ_type AS 类型, r.year AS 年度, "
                 "l.deadline AS 法定期限, r.published AS 发布日期, r.published_source AS 日期来源, "
                 "l.days_late AS 逾期天数, r.status AS 状态, r.portal, r.url")
_LATE_FROM = "FROM report_lateness l CROSS JOIN reports r ON r.id = l.report_id"
_LATE_SQL = (f"SELECT {_LATE_COLUMNS} {_LATE_FROM} WHERE :year = '' UNION ALL "
             f"SELECT {_LATE_COLUMNS} {_LATE_FROM} "
             "WHERE :year <> '' AND l.year = CAST(:year AS INTEGER) "
             "ORDER BY 逾期天数 DESC, report_id")
# missing_reports' deadline and overdue columns, named as the page names them.
_MISSING_DEADLINE = (MISSING_DEADLINE.replace("AS deadline", "AS 法定期限")
                     .replace("AS overdue", "AS 已过期限").strip())

CANNED_QUERIES = {
    "search": {
        "title": "全文检索 / Full-text search",
        "description": "每个词都须出现（空格分隔，任意长度，包括“公开”“复议”这样的两字词）。"
                       " / Every space-separated term must occur, whatever its length.",
        "sql": CANNED_SEARCH_SQL,
        "params": ["q"],
        "hide_sql": True,
    },
    "requests_by_region": {
        "title": "各地区年度依申请公开数量",
        "description": "Requests received per region and year (本年新收、予以公开、办理结果总计).",
        # The sums the archive keeps per region and year (archive/kept_figures.py), read in
        # their index's order: a page of them costs a page. Ties by province and region.
        "sql": (
            "SELECT year AS 年度, province AS 省份, region AS 地区, organs AS 机关数, "
            f"{_REGION_SUMS} FROM region_year_requests "
            f"WHERE year BETWEEN {_YEAR_OR.format('-9999')} AND {_YEAR_OR.format('9999')} "
            "ORDER BY year DESC, requests_new DESC, province, region"),
        "params": ["year"],
    },
    "failed_reports": {
        "title": "未通过勾稽关系校验的年报",
        "description": "Reports whose consistency checks (勾稽关系) fail, with the numbers; the "
                       "latest year first, newest report first.",
        # Read in the reports_check_year index's order: a page of them costs a page.
        "sql": (
            "SELECT r.id AS report_id, r.organ AS 机关, r.year AS 年度, r.region AS 地区, "
            f"(SELECT count(*) FROM checks k WHERE {_FAILED}) AS 未通过项数, "
            "(SELECT group_concat(k.\"check\" || coalesce(' ' || k.col, '') || "
            "coalesce(' ' || k.\"row\", '') || ': ' || coalesce(k.detail, ''), '；') "
            f"FROM checks k WHERE {_FAILED}) AS 明细, r.url "
            "FROM reports r WHERE r.check_status = 'fail' "
            f"AND EXISTS (SELECT 1 FROM checks k WHERE {_FAILED}) "
            "ORDER BY r.year DESC, r.id DESC"),
    },
    "organ_history": {
        "title": "某机关历年数据",
        "description": "One organ's reports year by year (名称的一部分即可 / part of the name).",
        # The names are matched in the organs the archive keeps (report_organs, one row an
        # organ), then each one's reports read by the (organ, year) index: a rare name costs
        # its few organs, not a pass over every report's name.
        "sql": (
            "SELECT year AS 年度, organ AS 机关, report_id, template AS 模板, "
            "check_status AS 校验, requests_new AS 本年新收申请, granted AS 予以公开, "
            "partial AS 部分公开, results_total AS 办理结果总计, carried_out AS 结转下年度, "
            "reviews AS 行政复议, coalesce(suits_direct, 0) + coalesce(suits_after_review, 0) "
            "AS 行政诉讼 FROM report_totals WHERE organ IN (SELECT organ FROM report_organs "
            "WHERE organ LIKE '%' || :organ || '%') "
            "ORDER BY organ, year"),
        "params": ["organ"],
    },
    "organs": {
        "title": "机关 / Organs",
        "description": "每个机关一行，点名称看其历年年报并排比较。 / One row per organ: open its "
                       "name for its years side by side. name: part of the name.",
        # By name, in the (organ, year) index's order: rows come as they are read, so a page
        # of them costs a page, however many organs the archive holds.
        "sql": (
            "SELECT organ AS 机关, count(DISTINCT year) AS 年度数, min(year) AS 最早年度, "
            "max(year) AS 最近年度, count(*) AS 份数, (SELECT region FROM reports x WHERE "
            "x.organ = r.organ ORDER BY x.year DESC LIMIT 1) AS 地区 FROM reports r "
            "WHERE organ IS NOT NULL AND (:name = '' OR instr(organ, :name) > 0) "
            "GROUP BY organ ORDER BY organ"),
        "params": ["name"],
        "hide_sql": True,
    },
    "organ_cells": {
        "title": "某机关历年各表数字 / One organ's cells, every year",
        "description": "机关全称（organ）历年年报的三张表的每个数字，以模板自己的项目名称命名；每年取单元格"
                       "最多的一份。 / Every cell of the organ's report of each year (the copy "
                       "with most cells), named by the template's own labels.",
        "sql": (
            "SELECT r.year AS 年度, xxgk_table_label(c.\"table\") AS 表格, "
            "xxgk_row_label(c.\"table\", c.\"row\") AS 项目, "
            "xxgk_col_label(c.\"table\", c.col) AS 列, c.value AS 数值, "
            "c.\"table\" AS table_key, c.\"row\" AS row_key, c.col AS col_key, "
            "r.id AS report_id FROM reports r JOIN cells c ON c.document_id = r.document_id "
            "WHERE r.organ = :organ AND r.id = (SELECT x.id FROM reports x WHERE x.organ = r.organ "
            "AND x.year IS r.year ORDER BY coalesce(x.n_cells, 0) DESC, x.id LIMIT 1) "
            "ORDER BY r.year, xxgk_cell_order(c.\"table\", c.\"row\", c.col)"),
        "params": ["organ"],
        "hide_sql": True,
    },
    **_CHANGE_PAGES,
    "changes_feed": {
        "title": "变化订阅 / Changes feed",
        "description": "Every new, gone, revised or moved report and new crawl error, latest "
                       "first, linked to the archived copy, with the report's status and "
                       "headline numbers; add .atom to the URL to subscribe.",
        "sql": (
            "SELECT c.id AS change_id, 'urn:xxgk:change:' || c.id AS atom_id, "
            f"{_FEED_WORD} || ' ' || "
            "coalesce(c.organ, c.title, c.url) || coalesce(' ' || c.year || '年度', '') || "
            "coalesce(' (' || c.reason || ')', '') AS atom_title, c.detected_at AS atom_updated, "
            f"{ARCHIVED_LINK} AS atom_link, "
            f"CASE WHEN r.id IS NULL THEN coalesce(c.reason, c.url) ELSE {_FEED_CONTENT} END "
            "AS atom_content, c.kind, c.portal, c.organ, c.year, r.status, c.url, "
            "c.report_id FROM changes c LEFT JOIN reports r ON r.id = c.report_id "
            f"WHERE c.kind IN ({_NEWS_ROWS}) ORDER BY c.id DESC LIMIT 200"),
    },
    "late_reports": {
        "title": "逾期公布的年报 / Reports out after their deadline",
        "description": "By the publication date the page, the URL or the document gives "
                       "(publication_dates); a first fetch never makes a report late. "
                       "Deadlines per organ type are in the deadlines table (条例第四十九条).",
        "sql": _LATE_SQL,
        "params": ["year"],
    },
    "implausible_numbers": {
        "title": "可疑数字 / Implausible numbers",
        "description": "Headline numbers an order of magnitude away from every other year of "
                       "the same organ: flagged for a reader to check, never changed.",
        "sql": ("SELECT report_id, organ AS 机关, year AS 年度, label AS 数字, value AS 数值, "
                "years AS 各年度, direction AS 方向 FROM implausible_numbers "
                "ORDER BY organ, year, number"),
    },
    "missing_reports": {
        "title": "最新年度缺失年报的机关 / Organs with no report for the latest year",
        "description": "Organs seen in earlier years with no report for the latest year.",
        # The organs the archive keeps (archive/kept_figures.py), in their index's order,
        # each checked against the latest year.
        "sql": ("SELECT s.organ AS 机关, s.organ_type AS 类型, s.region AS 地区, s.portals AS 门户, "
                f"s.last_year AS 最近年度, l.year AS 缺失年度, {_MISSING_DEADLINE} "
                "FROM organs_seen s CROSS JOIN (SELECT max(year) AS year FROM reports) l "
                "LEFT JOIN deadlines d ON d.organ_type = s.organ_type "
                "WHERE s.last_year < l.year ORDER BY s.region, s.organ"),
    },
    "new_reports": {
        "title": "新发现的年报 / Newly found reports",
        "description": "Latest reports first, each linked to its page in the archive with its "
                       "status and headline numbers; add .atom to the URL for a feed.",
        "sql": (
            "SELECT id AS report_id, 'urn:xxgk:report:' || id AS atom_id, "
            "coalesce(organ, title, url) || ' ' || coalesce(year, '') || ' 年度报告' "
            "AS atom_title, first_seen AS atom_updated, "
            
            f"'/{{database}}/reports/' || id AS atom_link, {_REPORT_CONTENT} || '。原网址 "
            "source: ' || url AS atom_content, organ, year, status, url "
            "FROM reports r ORDER BY first_seen DESC LIMIT 200"),
    },
    "coverage_by_division": {
        "title": "各地区年报覆盖 / Coverage by division",
        "description": "每个地区应有年报的机关（登记的政府网站）与已找到的年报。division 留空为各省，"
                       "填代码看其下各地区；year 留空为最新年度。点区划代码逐级查看，点未见年报机关数看名单。"
                       "读本档案保存的覆盖汇总（xxgk coverage refresh 更新）。"
                       " / Organs expected (the registered government websites) against reports "
                       "found: every province, or the parts of a division; the latest year "
                       "unless given. Follow a division code down, a missing count to the organs. "
                       "Read from the coverage summary the archive keeps (xxgk coverage "
                       "refresh).",
        "sql": (
            "SELECT division_code, coalesce(d.name, '国家机关') AS 地区, "
            "coalesce(d.tier, '国家级') AS 层级, year AS 年度, expected AS 应有机关, "
            "reported AS 已见年报机关, expected - reported AS organs_missing, "
            "reports_found AS 门户上的年报, missing AS 未找到, not_crawled AS 未抓取, "
            "late AS 逾期 FROM coverage_counts c LEFT JOIN divisions d ON d.code = division_code "
            "WHERE scope = 'area' AND length(division_code) = 6 AND "
            "(CASE WHEN :division = '' THEN parent IS NULL "
            "ELSE (parent = :division OR division_code = :division) END) "
            "AND year IS (CASE WHEN :year = '' THEN (SELECT max(year) FROM reports) "
            "ELSE CAST(:year AS INTEGER) END) "
            "ORDER BY division_code = :division DESC, division_code"),
        "params": ["division", "year"],
        "hide_sql": True,
    },
    "coverage_organs": {
        "title": "应有年报的机关 / Organs expected, and their reports",
        "description": "某地区（区划代码，留空为全部）应有年报的机关及某年度（留空为最新）找到的年报；"
                       "missing=1 只列未找到的。 / The organs expected in a division and the "
                       "report found for the year; missing=1 lists those with none.",
        "sql": (
            "SELECT organ AS 机关, source AS 来源, portal, region_code AS 区划代码, "
            "coalesce(county, prefecture, province) AS 地区, year AS 年度, report_id, "
            "report_url, url FROM organ_coverage "
            "WHERE (:division = '' OR :division IN (province_code, prefecture_code, county_code, "
            "region_code)) "
            "AND year IS (CASE WHEN :year = '' THEN (SELECT max(year) FROM reports) "
            "ELSE CAST(:year AS INTEGER) END) "
            "AND (:missing = '' OR report_id IS NULL) "
            "ORDER BY region_code, organ"),
        "params": ["division", "year", "missing"],
        "hide_sql": True,
    },
}
