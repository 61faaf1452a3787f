"""What every table, view and column of the archive holds, in Chinese and English: the one
source. Datasette shows it (:mod:`archive.datasette_app`); the column reference in
docs/archive.md is generated from it (``python -m archive.descriptions docs/archive.md``) and a
test checks that it is in step.

A column is described in its table's own entry, else in :data:`COMMON` (columns that mean the
same wherever they appear).
"""

from __future__ import annotations

import re
import sys
import tempfile
import textwrap
from pathlib import Path

from .changes.model import KINDS
from .db import open_db
from .queries import columns as schema_columns


def _listing(words) -> str:
    words = list(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _columns(block: str) -> dict[str, str]:
    """``name: description`` lines (a more indented line goes on with the one before) as a
    dict; ``{kinds}`` stands for the kinds of change."""
    out: dict[str, str] = {}
    for line in textwrap.dedent(block).strip("\n").splitlines():
        if line.startswith(" "):
            out[name] += " " + line.strip()
        elif line.strip():
            name, _, text = line.partition(": ")
            out[name] = text.strip()
    kinds = _listing(k.row for k in KINDS)
    return {name: text.replace("{kinds}", kinds) for name, text in out.items()}


# Each table: its description in Chinese, in English, and its own columns.
_TABLES = {
    "reports": (
        "年报：每份年度报告一行，以规范网址识别；数字取自其最佳文件。",
        "One row per annual report, identified by its canonical URL; its numbers come from "
        "its best document.",
        """
        id: 编号 / Report id
        url: 规范网址 / Canonical URL (urn:sha256:… for a file ingested without one)
        portal: 门户 / Portal (crawler's name for the site)
        title: 标题 / Title as linked on the portal
        published: 发布日期 / Publication date: the earliest credible date the page, the URL or
            the document gives (publication_dates lists them all); NULL when none does
        published_source: 发布日期来源 / Which source gave it: page_meta, page_published,
            page_written, stated, url, signature, pdf_created, docx_modified, …
        organ: 发布机关 / Issuing organ, as the report names it
        organ_source: 机关来源 / Where the parser read the organ: title, signature, text,
            publisher, link_text or file_name
        year: 统计年度 / Year the statistics cover (not the publication year)
        year_source: 年度来源 / Where the parser read the year (as organ_source)
        template: 模板 / Template: 2019, 2021 or pre2019
        province: 省份 / Province
        city: 市 / Prefecture-level division (a municipality for its districts)
        county: 县 / County-level division (a township's county)
        region: 地区 / Where the organ sits, province to township (placed by place_source)
        division_code: 区划代码 / 6-digit division code (MCA list); a township's is its county's
        place_source: 地区来源 / organ: its name placed it; organ_in_portal: its name, shared by
            several divisions, told apart by the portal's area; portal: the name places
            nothing and the portal's area stands in
        level: 层级 / Level of the organ's division: 国家级, 省级, 市级, 县级, 乡级
        tier: 机关层级 / 省, 市, 县, 乡镇 (that division's government) or 部门 (a department)
        organ_type: 机关类型 / 政府 (government) or 部门 (department): which deadline applies
        status: 状态 / online, revised (edited in place), removed, or unchecked (ingested by
            hand, never crawled)
        status_reason: 状态原因 / removed: 404, 410, soft_deleted, unlisted or moved
        status_since: 状态起始 / When the crawl that saw this status began (UTC); online: first
            seen, or back after a removal
        revised_at: 修改时间 / The crawl that last saw it revised in place (UTC)
        document_id: 最佳文件 / The document the cells come from
        sha256: 原始文件 SHA-256 / Raw file of the best document (link)
        format: 格式 / Format of the best document
        parse_status: 解析状态 / ok, warnings, error or pending
        parse_error: 解析错误 / The parser's one-line error
        parser_version: 解析器版本 / parsers.__version__ that produced the cells
        check_status: 勾稽校验 / fail if any consistency check failed, else pass
        n_cells: 单元格数 / Number of template cells found
        n_warnings: 警告数 / Number of parser warnings
        first_seen: 首次发现 / First fetched (UTC)
        last_seen: 最近发现 / Last fetched (UTC)
        listed_organ: 目录所列机关 / The organ whose column on the portal listed the report, as the
            portal's organ directory names it (NULL: the portal's own column)
        """),
    "documents": (
        "文件：每个不同的原始文件（按 SHA-256）一行。",
        "One row per distinct raw body (by SHA-256); the bytes are under blobs/.",
        """
        sha256: SHA-256 of the decoded body / 内容哈希（原始文件链接）
        size: 字节数 / Size in bytes
        format: 格式 / Format told from the bytes by parsers.detect.sniff (pdf, html, docx, …)
        first_seen: 首次发现 / First stored (UTC)
        blob: 存储路径 / Path under the data directory
        parse_status: 解析状态 / NULL (not a report), pending, ok, warnings, error
        parse_error: 解析错误 / The parser's one-line error
        parser_version: 解析器版本 / Parser version of the last parse
        parsed_at: 解析时间 / When it was parsed
        organ: 机关 / Organ found by the parser
        year: 年度 / Year found by the parser
        template: 模板 / Template found by the parser: 2019, 2021 or pre2019
        title: 标题 / Title inside the document
        n_cells: 单元格数 / Cells found
        n_warnings: 警告数 / Warnings
        check_status: 勾稽校验 / fail, pass, skipped or none
        pages: 页数 / Pages (PDF)
        organ_source: 机关来源 / Where the parser read the organ: title, signature, text,
            publisher, link_text or file_name
        year_source: 年度来源 / Where the parser read the year
        kind: 文件类别 / report, or not_a_report (the parser says the file is no annual report)
        """),
    "fetches": (
        "抓取记录：每次 HTTP 抓取（含失败）或每个手工导入的文件一行，附来源信息。",
        "One row per HTTP exchange (failed ones included) or file ingested by hand, with its "
        "provenance.",
        """
        crawl_id: 抓取批次 / Crawl
        source: 来源 / crawl or ingest
        portal: 门户 / Portal
        url: 请求网址 / URL requested (NULL for a file ingested without one)
        method: 方法 / HTTP method
        form: 表单 / POST data: a JSON object, or the raw body as text
        final_url: 最终网址 / URL after redirects
        redirects: 重定向链 / Redirect chain (JSON)
        status: 状态码 / HTTP status
        reason: 状态说明 / Reason phrase
        http_version: 协议 / HTTP version
        request_headers: 请求头 / Request headers as sent (JSON [[name, value], …])
        response_headers: 响应头 / Response headers as received (JSON [[name, value], …])
        etag: ETag
        last_modified: Last-Modified
        fetched_at: 抓取时间 / Fetch time (UTC)
        referer: 来源页 / Page whose link led here
        link_text: 链接文字 / Text of that link
        role: 角色 / listing, page, report, attachment or challenge
        report_url: 所属年报 / Canonical URL of the report
        title: 标题 / Title
        published: 发布日期 / Publication date
        ip_address: IP 地址 / Server IP
        document_id: 文件 / Document
        sha256: 内容哈希 / SHA-256 of the body
        size: 字节数 / Decoded size
        raw_size: 传输字节数 / Size as sent
        format: 格式 / Format
        unchanged: 未变 / 1 if the same as the URL's last successful fetch
        revisit_of: 重访 / The fetch a 304 refers to
        payload_digest: WARC-Payload-Digest of the body as sent
        warc_file: WARC 文件 / WARC file, relative to the data directory
        warc_offset: WARC 偏移 / Offset
        warc_length: WARC 长度 / Record length (compressed)
        warc_record_id: WARC-Record-ID
        warc_type: WARC 记录类型 / Record type: response, revisit, resource or metadata
        local_path: 本地路径 / File given to xxgk ingest
        found_by: 发现方式 / recheck: only the archive knew this URL (no list linked it this time);
            NULL: followed from a page
        organ: 所属机关栏目 / The organ whose column listed it, as the portal's organ directory names
            it (NULL: the portal's own column)
        error: 错误 / Error of a failed fetch
        publisher: 发布机构 / The page's 发布机构 (or 来源), as the crawler read it
        dates: 日期 / Dates the page or URL gives the report (JSON [{date, source, detail}])
        content_selector: 正文容器 / CSS selector of the page's body container (its CMS family's)
        truncated: 截断 / Why the body is not all the server sent: length (cut at
            DOWNLOAD_MAXSIZE), disconnect (the server closed before the end), time (it stopped
            sending: XXGK_DOWNLOAD_IDLE_TIMEOUT or DOWNLOAD_TIMEOUT); its WARC record says
            WARC-Truncated
        """),
    "crawls": (
        "抓取批次：每个门户每次抓取一行；被中断的抓取保持 running 并可续抓。",
        "One row per crawl of a portal; a killed crawl stays 'running' and is resumed.",
        """
        id: 批次 / Crawl id: <portal>-<YYYYmmddTHHMMSSZ>
        portal: 门户 / Portal
        spider: 爬虫 / Spider
        started_at: 开始 / Started (UTC)
        ended_at: 结束 / Ended (UTC)
        status: 状态 / running, finished, failed, interrupted
        resumed: 续抓次数 / Times resumed
        stats: 统计 / Crawler stats (JSON)
        software: 软件版本 / Software versions
        """),
    "portals": (
        "门户：已知门户的地区信息，优先于按机关名称推断。",
        "Known facts about portals; they override what the organ's name suggests.",
        """
        portal: 门户 / Portal, as the crawler names it
        url: 首页 / Home page
        region: 地区 / Area the portal serves
        region_code: 区划代码 / Division code of the area the portal serves
        level: 层级 / Tier of the portal's government
        """),
    "organs": (
        "机关目录：门户的机关目录（部门、乡镇）列出的机关及其年报栏目，无论登记表是否收录。",
        "Organs a portal's organ directories name (departments, townships), with their 年报 "
        "column, whether or not a registry lists them.",
        """
        id: 编号 / Organ id
        portal: 门户 / Portal whose directory named the organ
        name: 机关名称 / The organ as the directory names it
        column_url: 年报栏目 / The organ's 年报 column (NULL: not found yet)
        directory_url: 目录页 / The page that named the organ
        division_code: 行政区划代码 / Division the organ sits in (parsers.divisions: its name read
            within the portal's division; the portal's own for a department)
        first_seen: 首次发现 / First seen (UTC)
        last_seen: 最近发现 / Last seen (UTC)
        """),
    "report_aliases": (
        "别名：同一年报的其他网址。",
        "Other URLs of the same report.",
        """
        url: 别名网址 / Other URL of the report
        """),
    "report_documents": (
        "年报文件：年报由哪些文件组成（页面、附件）及其各个版本。",
        "The documents that make up a report (page, attachments), every version.",
        """
        role: 角色 / report or attachment
        url: 网址 / Where this document was fetched
        first_seen: 首次发现 / First fetched at this URL (UTC)
        last_seen: 最近发现 / Last fetched at this URL (UTC)
        """),
    "cells": (
        "单元格：模板表格的每个数值一行（长表），含中文行列名。",
        "Template cells, long form: docs/schema.md keys with their Chinese labels.",
        """
        document_id: 文件 / Document
        table: 表 / active, requests or appeals
        row: 行键 / Row key (docs/schema.md)
        col: 列键 / Column key (docs/schema.md)
        value: 数值 / Value (万元 for money columns)
        row_label: 行名 / Row label
        col_label: 列名 / Column label
        parser_version: 解析器版本 / Parser version that produced this row
        """),
    "checks": (
        "勾稽关系校验：每项校验的结果（通过、未通过、跳过）。",
        "Consistency checks (勾稽关系), every result: pass, fail or skipped.",
        """
        check: 校验 / requests.balance, requests.result_sum, requests.row_sum, appeals.row_sum
        row: 行 / Row checked
        col: 列 / Column checked
        status: 结果 / pass, fail or skipped
        detail: 明细 / The numbers that disagree
        parser_version: 解析器版本 / Parser version
        """),
    "warnings": (
        "解析警告：解析器未能确定的内容，逐条记录。",
        "Parser warnings: everything the parser would not guess.",
        ""),
    "texts": (
        "全文：文件的文本（网页取正文）；检索请用“全文检索”查询。",
        "A document's text (a page's main content); search it with the 全文检索 (search) query.",
        """
        source: 文本来源 / container:<selector> (the page's body container), trafilatura
            (main-content extraction) or document (the whole file, as the parser read it)
        """),
    "report_dates": (
        "年报日期：页面和网址给出的日期，各注来源。",
        "Dates the portal gives a report: its pages' fields and metas, its URLs' date patterns, "
        "the server's Last-Modified; each with its source.",
        """
        url: 网址 / The page or file that gave the date
        source: 来源 / page_meta, page_published, page_written, list_date, stated, url or last_modified
        date: 日期 / The date (YYYY-MM-DD)
        detail: 依据 / What exactly said so: PubDate, 发布时间, 成文日期, t20240114, the header
        first_seen: 首次发现 / When the archive first saw this date (UTC)
        """),
    "document_dates": (
        "文件日期：文件自身给出的日期（落款、文件属性）。",
        "Dates a document gives itself (its signature date, its properties), as the parser "
        "read them.",
        """
        source: 来源 / signature, pdf_created, pdf_modified, docx_created, docx_modified,
            xlsx_created or xlsx_modified
        date: 日期 / The date (YYYY-MM-DD)
        """),
    "changes": (
        "变化：两次抓取之间每份年报的变化（新增、消失、原址修改、仅页面框架、换址、新错误）。",
        "What changed between two crawls of a portal, one row per change; the row page shows "
        "old and new cells side by side.",
        """
        kind: 类型 / {kinds}
        old_crawl: 旧抓取 / The earlier crawl (NULL: first crawl)
        new_crawl: 新抓取 / The later crawl
        url: 网址 / The report's canonical URL (the failing URL for an error)
        document_url: 文件网址 / revised, chrome_only: the file that changed
        old_url: 原网址 / moved: where the report was before
        old_document_id: 旧文件 / Document before
        new_document_id: 新文件 / Document after
        old_sha256: 旧文件 SHA-256 / Raw file before (link; a removed report's last copy)
        new_sha256: 新文件 SHA-256 / Raw file after (link)
        reason: 原因 / removed: 404, 410, soft_deleted or unlisted; error: the error
        old_report_id: 原年报 / moved: the report at the old URL
        title: 标题 / Title
        n_cells: 变化单元格数 / revised: cells that changed
        cells: 单元格变化 / revised: JSON [{table, row, col, old, new}]
        text_diff: 文字变化 / revised: unified diff of the report's text
        detected_at: 发现时间 / When the diff ran (UTC)
        """),
    "deadlines": (
        "公开期限：各类机关公布上一年度年报的法定期限（来自 archive/deadlines.json）。",
        "Legal deadlines per organ type for the previous year's report (Regulations art. 49), "
        "from archive/deadlines.json.",
        """
        month: 月 / Month of year Y+1
        day: 日 / Day of year Y+1
        rule: 依据 / The rule
        """),
    "sites": (
        "政府网站：全国政府网站基本信息数据库中的每个政府网站一行（xxgk registry sync），"
        "即爬虫登记的门户。",
        "One row per government website of the national database (全国政府网站基本信息数据库), "
        "as xxgk registry sync last read it: the crawler's registry of portals.",
        """
        portal: 门户 / Portal id (scrapy crawl <portal>); kept from one sync to the next
        site_code: 政府网站标识码 / Site code: 6-digit division code and 4 digits (bm and 8 digits
            for State Council departments)
        name: 网站名称 / Site name
        url: 首页网址 / Home page
        organ: 主办单位 / The organ that runs the site
        supervisor: 主管单位 / The organ above it
        region_code: 行政区划代码 / Division code: the site code's first 6 digits (100000:
            national)
        level: 层级 / Tier of the division: 国家级, 省级, 市级, 县级
        parent: 上级区划 / Division code of the division above (division list)
        province: 省份 / Province
        region: 地区 / The division's names, province first
        area: 地区（原文）/ 地区 as the database writes it
        site_type: 网站类型 / Site type as the database gives it (政府门户网站, 部门网站)
        icp: ICP备案号 / ICP licence number
        police_record: 公安机关备案号 / Public-security filing number
        source_group: 分组 / Download group (部委门户, 省级门户, 地方所属网站) or file read
        notes: 备注 / What the sync could not check (a code off the division list, no home page)
        source: 来源 / Where the sync read it: the service's address or the files
        first_synced: 首次同步 / First synced (UTC)
        last_synced: 最近同步 / Last synced (UTC)
        withdrawn: 已撤销 / When a sync no longer listed it (NULL: listed)
        """),
    "divisions": (
        "行政区划：民政部行政区划代码（省、市、县三级），来自 parsers/divisions.py。",
        "China's administrative divisions down to counties, from the Ministry of Civil Affairs' "
        "list (parsers/divisions.py); the coverage views place organs on it.",
        """
        code: 代码 / 6-digit division code
        name: 名称 / Official name
        level: 级别 / 1 province, 2 prefecture, 3 county
        tier: 层级 / 省级, 市级, 县级
        parent: 上级 / Code of the division above
        province: 所属省 / Code of its province
        prefecture: 所属市 / Code of its prefecture (NULL for a county directly under a province)
        county: 所属县 / Code of its county (itself for a county)
        source: 版本 / Date of the division list
        """),
    "coverage_states": (
        "覆盖汇总（机关）：每个应有年报的机关在每个年度的状态，由 xxgk coverage refresh 和每次夜间任务写入；"
        "地区页读它。",
        "The coverage summary, by organ: every expected organ's state in every year the "
        "archive has reports of, as organ_coverage and the coverage view judge it; written by "
        "xxgk coverage refresh and at the end of every nightly, read by the region pages.",
        """
        region_code: 行政区划代码 / Its division code (100000: national)
        place: 地区 / The name of the division it is placed on
        report_url: 年报网址 / Its report's URL
        report_organ: 年报机关 / The organ its report names
        province: 所属省 / Code of the province it is placed in
        prefecture: 所属市 / Code of the prefecture it is placed in
        county: 所属县 / Code of the county it is placed in
        state: 状态 / on_time, late, undated (a report found), missing (none, though its portal
            was crawled completely) or not_crawled (none, and no complete crawl of its portal)
        crawl_id: 完整抓取 / Without a report: its portal's latest complete crawl
        crawl_ended_at: 抓取结束 / When that crawl ended (UTC)
        crawl_reason: 未完整抓取原因 / Without a complete crawl: why (never crawled, stopped …)
        """),
    "coverage_counts": (
        "覆盖汇总（地区）：每个区划、年度、范围内各状态的机关数，与 coverage_states 同时写入。",
        "The coverage summary, by division: organs in each state per division, year and "
        "scope, written with coverage_states.",
        """
        scope: 范围 / area (everything placed in the division; for 100000 the national
            bodies), own (the division's organs in none of its parts; for 100000 the national
            bodies and organs placed nowhere) or country (100000: the whole country)
        expected: 应有机关 / Organs expected (an organ is its name in its division)
        reported: 已见年报 / Organs with a report found (on_time + late + undated)
        on_time: 按时 / Organs whose report is dated before the deadline, or first fetched
            before it
        undated: 日期不明 / Organs whose report nothing dates on either side of the deadline
        missing: 未找到 / Organs with no report found, their portal crawled completely
        not_crawled: 未抓取 / Organs with no report found and no complete crawl of their portal
        reports_found: 门户上的年报 / Reports found on the portals of the area's expected organs
            (area rows only)
        """),
    "coverage_refreshed": (
        "覆盖汇总的时间：何时计算，以及当时档案的状态（此后有变化，地区页即注明）。",
        "When the coverage summary was computed, and against which state of the archive (the "
        "region pages say so once the archive has changed since).",
        """
        computed_at: 计算时间 / When it was computed (UTC)
        archive_state: 档案状态 / What it was computed against: the largest key and the count
            of rows of reports, report_dates, document_dates, cells, sites, organs and crawls,
            and the latest crawl's end (JSON)
        years: 年度数 / Years computed
        organs: 机关-年度数 / Rows of coverage_states written
        """),
    "report_lateness": (
        "逾期年报：发布日期晚于法定期限的每份年报，随年报的日期、机关类型和期限规则由触发器更新；"
        "late_reports 读它。",
        "Each report out after its deadline (by its publication date), kept by triggers as its "
        "dates, its organ's type or the deadline rules change; read by late_reports.",
        """
        deadline: 法定期限 / Its organ type's deadline for its year
        days_late: 逾期天数 / Days from the deadline to its publication date
        """),
    "organ_year_requests": (
        "机关年度依申请数字：每个机关每年计入 requests_by_region 的一份年报（单元格最多的一份）"
        "的地区和数字，由触发器更新。",
        "Each organ's report of each year that requests_by_region counts (the copy with most "
        "cells), its place and request numbers, kept by triggers.",
        """
        n_cells: 单元格数 / Cells of the copy counted (0 when none)
        """),
    "region_year_requests": (
        "地区年度依申请数字：organ_year_requests 按省份、地区、年度的合计，由触发器更新；"
        "requests_by_region 读它。",
        "organ_year_requests summed per province, region and year, kept by triggers; read by "
        "requests_by_region.",
        """
        organs: 机关数 / Organs with a report of the year in the region
        """),
    "organs_seen": (
        "已见机关：每个机关的类型、地区、门户、最近年度和年度数，由触发器更新；missing_reports 读它。",
        "Per organ: its type, region, portals, latest year and years seen, kept by triggers; "
        "read by missing_reports.",
        """
        portals: 门户 / The portals its reports are on, comma-separated
        last_year: 最近年度 / The latest year it has a report for
        years_seen: 年度数 / Years it has a report for
        """),
    "tally_reports": (
        "年报计数：年度、省份、层级、状态、模板、校验与解析状态的每种组合各有多少份年报，由 reports 上的触发器随写入同时更新。",
        "Reports counted by every combination of year, province, tier, status, template, check "
        "and parse status, kept by triggers on reports in the same transaction as the rows "
        "(archive/tallies.py): the reports table's count and facets and the dashboard read it.",
        """
        key: 键 / The combination, as a JSON array (NULL kept apart from empty)
        parse_status: 解析状态 / The reports' parse status (as in reports)
        reports: 年报数 / Reports with exactly these values
        """),
    "tally_areas": (
        "地区计数：全档案与各省（区划代码前两位）每年及全部年度的年报数、机关数与主要数字之和，由触发器随写入同时更新。",
        "Reports, organs and headline sums of the whole archive and of each province (the "
        "first two digits of division_code), per year and over every year, kept by triggers "
        "on reports (archive/tallies.py): the front page and the country's region page read it.",
        """
        key: 键 / area/year (* for every year)
        area: 地区 / Empty for the whole archive, else a province's first two digits
        year: 年度 / The reports' year; NULL: every year (reports with no year included)
        reports: 年报数 / Reports
        organs: 机关数 / Organs named by these reports (distinct)
        requests_new_given: 有数字的年报 / Reports giving requests_new (the sum of none is NULL)
        granted_given: 有数字的年报 / Reports giving granted
        reviews_given: 有数字的年报 / Reports giving reviews
        suits_direct_given: 有数字的年报 / Reports giving suits_direct
        """),
    "tally_organs": (
        "地区计数中的机关：tally_areas 每行所计的机关及其年报数，使机关数能随年报增减而准确。",
        "The organs each row of tally_areas counts, with their reports: what keeps the organs "
        "counted distinct as reports come and go.",
        """
        area_key: 地区键 / tally_areas' key
        reports: 年报数 / The organ's reports in that row
        """),
    "report_organs": (
        "年报机关名：各机关名称一次及其年报数，随年报写入；检索页据此查找名称含检索词的机关。",
        "Every organ name of the reports, once, with its number of reports, kept as reports "
        "are written; the search page finds the organs named like the words here.",
        """
        reports: 年报数 / Reports of the archive naming this organ
        """),
}
TABLES = {name: (zh, en, _columns(block)) for name, (zh, en, block) in _TABLES.items()}

# Columns that mean the same wherever they appear (tables and views).
COMMON = _columns("""
    id: 编号 / Row id
    report_id: 年报 / Report (link)
    document_id: 文件 / Document
    url: 网址 / URL
    portal: 门户 / Portal
    name: 名称 / Name
    organ: 发布机关 / Issuing organ
    year: 统计年度 / Year the statistics cover
    template: 模板 / Template: 2019, 2021 or pre2019
    province: 省份 / Province
    region: 地区 / Area the organ belongs to
    level: 层级 / Tier: 国家级, 省级, 市级, 县级, 乡级
    organ_type: 机关类型 / 政府 (government) or 部门 (department)
    check_status: 勾稽校验 / fail, pass, skipped or none
    n_cells: 单元格数 / Number of template cells
    sha256: 原始文件 SHA-256 / Raw file (link)
    role: 角色 / report or attachment
    first_seen: 首次发现 / First seen (UTC)
    last_seen: 最近发现 / Last seen (UTC)
    parser_version: 解析器版本 / Parser version that produced this row
    message: 警告 / The parser's warning
    content: 全文 / Text read by the parser
    table: 表 / active, requests or appeals
    row: 行键 / Row key (docs/schema.md)
    col: 列键 / Column key (docs/schema.md)
    value: 数值 / Value
    row_label: 行名 / Row label
    col_label: 列名 / Column label
    check: 校验 / Check name
    detail: 明细 / The numbers that disagree
    row_key: 行键 / Row key of the requests table (docs/schema.md)
    row_order: 行序 / Order of the row in the template
    natural_person: 自然人 / Natural persons
    commercial: 商业企业 / Commercial enterprises
    research: 科研机构 / Research institutions
    social_org: 社会公益组织 / Social organisations
    legal_service: 法律服务机构 / Legal service agencies
    other: 其他 / Others
    total: 总计 / Total
    copies: 份数 / How many archived reports (portals) carry this organ and year
    organs: 机关数 / Organs counted
    requests_new: 本年新收申请（总计）/ New requests this year (total)
    requests_carried_in: 上年结转申请 / Requests carried in from last year
    granted: 予以公开 / Granted
    partial: 部分公开 / Partly granted
    results_total: 办理结果总计 / Requests answered
    carried_out: 结转下年度继续办理 / Carried over to next year
    reviews: 行政复议（总计）/ Administrative reviews
    suits_direct: 行政诉讼·未经复议直接起诉 / Lawsuits filed directly
    suits_after_review: 行政诉讼·复议后起诉 / Lawsuits after review
    published: 发布日期 / Publication date (earliest credible page, URL or document date)
    published_source: 发布日期来源 / Which source gave the publication date
    tier: 机关层级 / 省, 市, 县, 乡镇 or 部门
    division_code: 区划代码 / 6-digit division code; a township's is its county's
    status: 状态 / online, revised, removed or unchecked
    first_seen_date: 首次发现日 / The day (China's) the archive first fetched the report: the
        report was out by then — an upper bound of its publication, never its date
    deadline: 法定期限 / Legal deadline for this report (deadlines table)
    late: 逾期 / 1 out after its deadline, 0 on time, NULL not known (late_basis)
    late_basis: 逾期依据 / published: the publication date; first_seen: fetched before the
        deadline, so on time; NULL: no date, and first fetched after the deadline (an upper
        bound never makes a report late)
    days_late: 逾期天数 / Days after the deadline by the publication date (negative: early)
    revisions: 修改次数 / Times revised in place after first seen
    platforms: 平台数 / Portals carrying this organ's report for this year
    distinct_numbers: 数字版本数 / Different sets of headline numbers among those copies
    portals: 门户 / Portals where the organ was seen
    last_year: 最近年度 / Latest year with a report
    missing_year: 缺失年度 / The latest year, with no report
    years_seen: 已有年度数 / Years with a report
    overdue: 已过期限 / 1 if the deadline for the missing year has passed
    kind: 类型 / Kind of change
    reason: 原因 / Why
    change_id: 变化 / Change (link to its page)
    date: 日期 / The date (YYYY-MM-DD)
    source: 来源 / Which source gave the date
    detail: 明细 / What exactly said so
    sha256: 原始文件 SHA-256 / Raw file (link)
    stated: 采用 / 1 for the date the archive states as the publication date
    evidence: 证据类别 / page, url or document (a publication date may rest on them) or server
    number: 数字 / Which headline number (its column in reports)
    label: 名称 / The headline number's name
    years: 各年度 / The organ's years — year: value — this one included
    nearest: 最接近年度 / The nearest other year's value (the highest or the lowest of the others)
    direction: 方向 / high: ten times the highest other year; low: a tenth of the lowest
""")

VIEWS = {
    "requests_wide": ("依申请公开宽表：每份年报每一行一行，七个申请人列并排。",
                      "Requests table wide: one row per report and row key, the seven applicant "
                      "columns side by side."),
    "report_totals": ("年报合计：每份年报的主要合计数。", "Main totals of each report."),
    "organ_year_totals": ("机关年度合计：每个机关每年一行（多个门户的重复年报只计一次）。",
                          "Yearly totals per organ (a report on several portals counted once)."),
    "region_year_totals": ("地区年度合计。", "Yearly totals per region."),
    "report_cells": ("年报单元格：每份年报最佳文件的单元格及年报信息。",
                     "Cells of each report's best document, with the report's facts."),
    "failed_checks": ("未通过的校验：勾稽关系不成立的年报及明细。",
                      "Reports whose consistency checks fail, one row per failed check."),
    "coverage": ("覆盖与及时性：每个门户、机关、年度的年报，是否晚于法定期限、是否被修改、是否在多个平台内容不一。",
                 "Per portal, organ and year: the report, when it was out, its deadline, "
                 "whether it was late, revised afterwards, or on several platforms with "
                 "different numbers."),
    "missing_reports": ("缺失的年报：往年有年报、最新年度没有的机关。",
                        "Organs with reports in earlier years and none for the latest year."),
    "expected_organs": ("应有年报的机关：登记的每个政府网站的主办单位，以及门户机构目录列出的机关"
                        "（各来源合并）。",
                        "Organs a report is expected from: the organ running each registered "
                        "government website, and every organ a portal's organ directory names "
                        "(one SELECT per source)."),
    "organ_coverage": ("机关覆盖：每个应有年报的机关在每个年度是否找到年报（按机关名称对应）。",
                       "Every expected organ for every year the archive has reports of, with "
                       "its report if one was found (matched by the organ's name, or by the directory "
                       "column it was listed under)."),
    "division_coverage": ("地区覆盖：每个省、市、县每个年度应有年报的机关数、已找到年报的机关数、"
                          "门户上找到的年报数。",
                          "Per province, prefecture and county and per year: organs expected, "
                          "organs with a report found, reports found on its portals."),
    "publication_dates": ("发布日期依据：每份年报各来源给出的日期，及档案采用的发布日期。",
                          "Every date each source gives a report (page, URL, document, "
                          "server), its kind, and the one stated as the publication date."),
    "implausible_numbers": ("可疑数字：与同一机关其他年度相差一个数量级的主要数字（仅标记，不修改）。",
                            "Headline numbers an order of magnitude away from every other year "
                            "of the same organ (ten times above or below, at least 10 apart): "
                            "flagged, never changed."),
}
# Columns of a view that mean something of their own there.
_EXPECTED_ORGAN = """
        source: 来源 / Where the organ is listed: registry (a government website's 主办单位) or directory (named by a portal's organ directory)
        organ: 机关 / The organ expected to publish a report
        portal: 门户 / The portal its reports are expected on
        region_code: 行政区划代码 / Its division code (100000: national; empty when its name is shared)
        url: 网址 / The portal's home page, or the organ's own 年报 column
"""
VIEW_COLUMNS = {
    "expected_organs": _columns(_EXPECTED_ORGAN),
    "organ_coverage": _columns(_EXPECTED_ORGAN + """
        province_code: 省代码 / Code of its province
        prefecture_code: 市代码 / Code of its prefecture
        prefecture: 市 / Its prefecture
        county_code: 县代码 / Code of its county
        county: 县 / Its county
        report_id: 年报 / Its report for the year (NULL: none found)
        report_url: 年报网址 / That report's URL
        copies: 份数 / Reports of this organ and year in the archive
        """),
    "division_coverage": _columns("""
        division_code: 区划代码 / Division code (links to its parts); 100000 the national bodies
        name: 地区 / Division
        tier: 层级 / 国家级, 省级, 市级, 县级
        parent: 上级 / Code of the division above
        organs_expected: 应有机关 / Organs expected in it
        organs_reported: 已见年报机关 / Of those, organs with a report for the year
        organs_missing: 未见年报机关 / Organs expected with no report for the year (links to them)
        reports_found: 门户上的年报 / Reports of the year found on its portals, any organ
        """),
}


def describe(columns: dict[str, list[str]]) -> dict[str, dict]:
    """``{table or view: {"description", "columns": {column: description}}}`` for every table
    and view described here, its columns in the order ``columns`` (as
    :func:`archive.queries.columns` lists them) gives."""
    out = {}
    for name in [*TABLES, *VIEWS]:
        zh, en, own = TABLES[name] if name in TABLES else (*VIEWS[name],
                                                           VIEW_COLUMNS.get(name, {}))
        cols = {c: own.get(c) or COMMON.get(c) for c in columns.get(name, [])}
        out[name] = {"description": f"{zh} {en}",
                     "columns": {**{c: d for c, d in cols.items() if d}, **own}}
    return out


def archive_columns() -> dict[str, list[str]]:
    """The columns of every table and view of an archive made by this version."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "archive.db")
        try:
            return schema_columns(db)
        finally:
            db.close()


BEGIN = "<!-- columns: generated by `python -m archive.descriptions docs/archive.md` -->"
END = "<!-- end of columns -->"


def markdown(described: dict[str, dict]) -> str:
    """The column reference of docs/archive.md: every table, then every view."""
    out = []
    for name in [*TABLES, *VIEWS]:
        if name not in described:
            continue
        out += [f"#### `{name}`", "", described[name]["description"], "",
                "| column | description |", "|---|---|"]
        out += [f"| `{c}` | {d.replace('|', '/')} |"
                for c, d in described[name]["columns"].items()]
        out.append("")
    return "\n".join(out)


def in_docs(text: str, reference: str) -> str:
    """``text`` (docs/archive.md) with the part between the markers replaced by ``reference``."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"the markers {BEGIN!r} … {END!r} are missing")
    return pattern.sub(lambda _: f"{BEGIN}\n\n{reference}\n{END}", text)


if __name__ == "__main__":
    doc = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/archive.md")
    doc.write_text(in_docs(doc.read_text(encoding="utf-8"), markdown(describe(archive_columns()))),
                   encoding="utf-8")
