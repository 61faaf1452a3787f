"""SQL views over the archive: each report's cells in handy shapes, totals, failed checks.

A report's numbers always come from its best document (``reports.document_id``).
"""

from __future__ import annotations

from parsers import schema

from .dates import SOURCES

_APPLICANTS = schema.REQUEST_COLS  # the six applicant columns and 总计


def _values(pairs) -> str:
    return ", ".join(f"('{k}', {n})" for n, k in enumerate(pairs))


_REQUEST_ROW_ORDER = _values(list(schema.REQUEST_ROWS))

REQUESTS_WIDE = f"""
WITH row_order (row_key, n) AS (VALUES {_REQUEST_ROW_ORDER})
SELECT r.id AS report_id, r.organ, r.year, r.province, r.region, r.template,
       c."row" AS row_key, max(c.row_label) AS row_label, o.n AS row_order,
       {", ".join(f"max(CASE WHEN c.col = '{k}' THEN c.value END) AS {k}" for k in _APPLICANTS)}
FROM reports r
JOIN cells c ON c.document_id = r.document_id AND c."table" = 'requests'
LEFT JOIN row_order o ON o.row_key = c."row"
GROUP BY r.id, c."row"
ORDER BY r.id, o.n
"""

# reports.<name> holds the 总计 cell of (table, row) of the best document (see store.py).
TOTALS = {
    "requests_new": ("requests", "new"),
    "requests_carried_in": ("requests", "carried_in"),
    "granted": ("requests", "granted"),
    "partial": ("requests", "partial"),
    "results_total": ("requests", "result_total"),
    "carried_out": ("requests", "carried_out"),
    "reviews": ("appeals", "review"),
    "suits_direct": ("appeals", "suit_direct"),
    "suits_after_review": ("appeals", "suit_after_review"),
}
_TOTAL_NAMES = list(TOTALS)
# How the implausible-numbers page names each headline total.
TOTAL_LABELS = {
    "requests_new": "本年新收申请", "requests_carried_in": "上年结转申请", "granted": "予以公开",
    "partial": "部分公开", "results_total": "办理结果总计", "carried_out": "结转下年度继续办理",
    "reviews": "行政复议", "suits_direct": "行政诉讼（直接起诉）",
    "suits_after_review": "行政诉讼（复议后起诉）",
}

REPORT_TOTALS = f"""
SELECT id AS report_id, organ, year, province, region, level, organ_type, template,
       check_status, n_cells, {", ".join(_TOTAL_NAMES)}
FROM reports
"""

# One report per organ and year: the same report is often on several portals.
ORGAN_YEAR_TOTALS = f"""
SELECT organ, year, province, region, level, organ_type, max(coalesce(n_cells, 0)) AS n_cells,
       report_id, count(*) AS copies, {", ".join(_TOTAL_NAMES)}
FROM report_totals
WHERE organ IS NOT NULL AND year IS NOT NULL
GROUP BY organ, year
"""

REGION_YEAR_TOTALS = f"""
SELECT province, region, year, count(*) AS organs,
       {", ".join(f"sum({n}) AS {n}" for n in _TOTAL_NAMES)}
FROM organ_year_totals
GROUP BY province, region, year
"""

REPORT_CELLS = """
SELECT r.id AS report_id, r.organ, r.year, r.province, r.region, r.template,
       c."table", c."row", c.col, c.value, c.row_label, c.col_label, c.parser_version
FROM reports r
JOIN cells c ON c.document_id = r.document_id
"""

FAILED_CHECKS = """
SELECT r.id AS report_id, r.organ, r.year, r.province, r.region, r.template,
       k."check", k."row", k.col, k.detail, r.url, r.sha256, k.parser_version
FROM reports r
JOIN checks k ON k.document_id = r.document_id AND k.status = 'fail'
"""

# When a report was out: its publication date (the earliest credible date its page, URL or
# document gives: archive/dates.py). Without one, the first fetch is only an upper bound: it
# proves a report on time when it came before the deadline, and proves nothing after it.
_DEADLINE = "printf('%04d-%02d-%02d', r.year + 1, d.month, d.day)"
# The day (China's) the archive first fetched the report.
_SEEN = "date(r.first_seen, '+8 hours')"

COVERAGE = f"""
SELECT r.portal, r.organ, r.organ_type, r.tier, r.region, r.division_code, r.year,
       r.id AS report_id, r.url, r.published, r.published_source, {_SEEN} AS first_seen_date,
       CASE WHEN d.month IS NOT NULL AND r.year IS NOT NULL THEN {_DEADLINE} END AS deadline,
       CASE WHEN d.month IS NULL OR r.year IS NULL THEN NULL
            WHEN r.published IS NOT NULL THEN r.published > {_DEADLINE}
            WHEN {_SEEN} <= {_DEADLINE} THEN 0 END AS late,
       CASE WHEN d.month IS NULL OR r.year IS NULL THEN NULL
            WHEN r.published IS NOT NULL THEN 'published'
            WHEN {_SEEN} <= {_DEADLINE} THEN 'first_seen' END AS late_basis,
       CASE WHEN d.month IS NULL OR r.year IS NULL OR r.published IS NULL THEN NULL
            ELSE CAST(julianday(r.published) - julianday({_DEADLINE}) AS INTEGER) END AS days_late,
       r.status,
       (SELECT count(*) FROM changes c WHERE c.report_id = r.id AND c.kind = 'revised')
           AS revisions,
       (SELECT count(DISTINCT r2.portal) FROM reports r2
         WHERE r2.organ = r.organ AND r2.year = r.year) AS platforms,
       (SELECT count(DISTINCT coalesce(r2.requests_new, '') || '/' || coalesce(r2.granted, '') ||
               '/' || coalesce(r2.results_total, '') || '/' || coalesce(r2.reviews, ''))
          FROM reports r2 WHERE r2.organ = r.organ AND r2.year = r.year AND r2.n_cells > 0)
           AS distinct_numbers
FROM reports r
LEFT JOIN deadlines d ON d.organ_type = r.organ_type
WHERE r.organ IS NOT NULL AND r.year IS NOT NULL
"""

_SOURCE_KIND = "CASE {} " + " ".join(f"WHEN '{s}' THEN '{k}'" for s, k in SOURCES.items()) + " END"

# Every date a source gives each report, and which one the archive states as its publication.
PUBLICATION_DATES = f"""
SELECT x.report_id, r.organ, r.year, x.date, x.source, {_SOURCE_KIND.format("x.source")} AS evidence,
       x.detail, x.url, x.sha256,
       (x.date = r.published AND x.source = r.published_source) AS stated
FROM (SELECT report_id, date, source, detail, url, NULL AS sha256 FROM report_dates
      UNION SELECT rd.report_id, dd.date, dd.source, NULL, rd.url, d.sha256
      FROM report_documents rd JOIN document_dates dd ON dd.document_id = rd.document_id
      JOIN documents d ON d.id = rd.document_id) x
JOIN reports r ON r.id = x.report_id
"""

# A headline number an order of magnitude away from every other year of the same organ (ten
# times above the highest or below the lowest, and at least 10 apart: 0 against 3 is not one).
# Flagged here, never changed. Only the highest and the lowest year can be one, so the nearest
# other year, by value, is all that is compared: window functions, no self-join.
def implausible_sql(one_organ: bool = False) -> str:
    """The implausible numbers, of every organ or (``one_organ``) of ``:organ`` only."""
    where = "WHERE organ = :organ" if one_organ else ""
    # The organs' years once (a CTE read several times is computed once), one row per number.
    headlines = " UNION ALL ".join(
        f"SELECT organ, year, report_id, '{n}' AS name, '{TOTAL_LABELS[n]}' AS label, {n} AS value "
        f"FROM t WHERE {n} IS NOT NULL" for n in _TOTAL_NAMES)
    return f"""
WITH t AS (SELECT organ, year, report_id, {", ".join(_TOTAL_NAMES)} FROM organ_year_totals {where}),
v AS ({headlines}),
w AS (
    SELECT v.*, count(*) OVER byname AS n,
           lag(value) OVER byvalue AS below, lead(value) OVER byvalue AS above,
           group_concat(year || ': ' || value, ', ') OVER (PARTITION BY organ, name ORDER BY year
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS years
    FROM v
    WINDOW byname AS (PARTITION BY organ, name),
           byvalue AS (PARTITION BY organ, name ORDER BY value, year)
)
SELECT report_id, organ, year, name AS number, label, value, years,
       coalesce(above, below) AS nearest,
       CASE WHEN above IS NULL THEN 'high' ELSE 'low' END AS direction
FROM w
WHERE n >= 2 AND (
    (above IS NULL AND value >= 10 * max(below, 1) AND value - below >= 10) OR
    (below IS NULL AND above >= 10 * max(value, 1) AND above - value >= 10))
"""


IMPLAUSIBLE_NUMBERS = implausible_sql()

# An organ's deadline for the latest year ``l.year`` (``d`` its rule), and whether it has passed.
MISSING_DEADLINE = """
       CASE WHEN d.month IS NOT NULL THEN printf('%04d-%02d-%02d', l.year + 1, d.month, d.day)
       END AS deadline,
       CASE WHEN d.month IS NULL THEN NULL
            WHEN date('now') > printf('%04d-%02d-%02d', l.year + 1, d.month, d.day) THEN 1
            ELSE 0 END AS overdue"""

MISSING_REPORTS = f"""
WITH latest (year) AS (SELECT max(year) FROM reports),
seen AS (
    SELECT organ, max(organ_type) AS organ_type, max(region) AS region,
           group_concat(DISTINCT portal) AS portals, max(year) AS last_year,
           count(DISTINCT year) AS years_seen
    FROM reports WHERE organ IS NOT NULL AND year IS NOT NULL GROUP BY organ
)
SELECT s.organ, s.organ_type, s.region, s.portals, s.last_year, l.year AS missing_year,
       s.years_seen,{MISSING_DEADLINE}
FROM seen s CROSS JOIN latest l
LEFT JOIN deadlines d ON d.organ_type = s.organ_type
WHERE s.last_year < l.year
"""

# Organs an archive user can expect a report from: each government website of the registry gives
# the organ that runs it. Each source is one SELECT of (source, organ, portal, region_code, url);
# another source (organs found in portals' directories) is one more UNION ALL.
EXPECTED_ORGANS = """
SELECT 'registry' AS source, organ, portal, region_code, url
FROM sites WHERE withdrawn IS NULL AND organ IS NOT NULL
UNION ALL
SELECT 'directory', name, portal, division_code, column_url FROM organs
"""

# A code off the division list (a township's 9 digits, a district the list lacks) is placed on
# the nearest division its digits name: county, prefecture, province. 100000 (national) is
# placed nowhere.
PLACE = """coalesce(
    (SELECT code FROM divisions WHERE code = e.region_code),
    (SELECT code FROM divisions WHERE code = substr(e.region_code, 1, 6)),
    (SELECT code FROM divisions WHERE code = substr(e.region_code, 1, 4) || '00'),
    (SELECT code FROM divisions WHERE code = substr(e.region_code, 1, 2) || '0000'))"""

# A report is an expected organ's when it bears the organ's name (on the organ's own portal when
# organs of several divisions share the name), or when a directory named the organ (often by a
# short name: 教育局) and the report was listed under that organ's column on that portal.
# Two lookups joined by UNION, not one OR: each reads its own index ((organ, year), (portal,
# listed_organ)); with OR, SQLite read every report of the year for every organ.
_OF_ORGAN = """SELECT r.id, r.n_cells FROM reports r
        WHERE r.organ = p.organ AND r.year = y.year AND (NOT p.name_shared OR r.portal = p.portal)
        UNION SELECT r.id, r.n_cells FROM reports r
        WHERE p.source = 'directory' AND r.portal = p.portal AND r.listed_organ = p.organ
        AND r.year = y.year"""


# Every expected organ, for every year the archive has reports of, with its report of that year
# if one was found: a report bearing the organ's name (the copy with the most cells), or, when
# organs of several divisions share the name (桥东区人民政府: another expected organ of that name
# has another division code), one found on the organ's portal. A filter on the year reaches the
# subqueries that look for the reports, so one year costs one probe or two per organ.
def organ_coverage_sql(one_year: bool = False, area: str | None = None) -> str:
    """The organ_coverage view's query, of every year or (``one_year``) of ``:year`` only; with
    ``area`` (``province``, ``prefecture``, ``county`` or ``region_code``) only of the organs
    whose ``area`` is ``:code``. Those are chosen before anything else is read: their codes
    begin with ``:prefix`` (an index range), then they are placed and the area checked."""
    of_year = "= :year" if one_year else "IS NOT NULL"
    within = ""
    if area:
        column = "e.region_code" if area == "region_code" else "d." + area
        within = (f"WHERE e.region_code >= :prefix AND e.region_code < :prefix || 'a' "
                  f"AND {column} = :code")
    return f"""
WITH years (year) AS (SELECT DISTINCT year FROM reports WHERE year {of_year}),
placed AS MATERIALIZED (
    SELECT e.*, d.province, d.prefecture, d.county,
           EXISTS (SELECT 1 FROM expected_organs x WHERE x.organ = e.organ
                   AND coalesce(x.region_code, '') <> coalesce(e.region_code, '')) AS name_shared
    FROM expected_organs e LEFT JOIN divisions d ON d.code = {PLACE}
    {within}
),
matched AS (
    SELECT p.*, y.year,
           (SELECT id FROM ({_OF_ORGAN})
            ORDER BY coalesce(n_cells, 0) DESC, id LIMIT 1) AS report_id,
           (SELECT count(*) FROM ({_OF_ORGAN})) AS copies
    FROM placed p LEFT JOIN years y ON 1
)
SELECT m.source, m.organ, m.portal, m.region_code, m.url,
       m.province AS province_code, dp.name AS province,
       m.prefecture AS prefecture_code, dm.name AS prefecture,
       m.county AS county_code, dc.name AS county,
       m.year, m.report_id, r.url AS report_url, m.copies
FROM matched m
LEFT JOIN divisions dp ON dp.code = m.province
LEFT JOIN divisions dm ON dm.code = m.prefecture
LEFT JOIN divisions dc ON dc.code = m.county
LEFT JOIN reports r ON r.id = m.report_id
"""


ORGAN_COVERAGE = organ_coverage_sql()

# Per division (province, prefecture, county; the national bodies, 100000, as one more) and
# year: organs expected (an organ is its name in its division), those with a report found, and
# every report found on the division's portals (organs no source lists included).
DIVISION_COVERAGE = """
WITH oc AS (SELECT *, organ || '|' || coalesce(region_code, '') AS who FROM organ_coverage),
at_level (division, portal, who, year, report_id) AS (
    SELECT province_code, portal, who, year, report_id FROM oc WHERE province_code IS NOT NULL
    UNION ALL SELECT prefecture_code, portal, who, year, report_id FROM oc
    WHERE prefecture_code IS NOT NULL
    UNION ALL SELECT county_code, portal, who, year, report_id FROM oc
    WHERE county_code IS NOT NULL
    UNION ALL SELECT region_code, portal, who, year, report_id FROM oc
    WHERE region_code = '100000'
),
counted AS (
    SELECT division, year, count(DISTINCT who) AS organs_expected,
           count(DISTINCT CASE WHEN report_id IS NOT NULL THEN who END) AS organs_reported
    FROM at_level GROUP BY division, year
),
on_portals AS (
    SELECT a.division, r.year, count(DISTINCT r.id) AS reports_found
    FROM (SELECT DISTINCT division, portal FROM at_level WHERE portal IS NOT NULL) a
    JOIN reports r ON r.portal = a.portal AND r.year IS NOT NULL
    GROUP BY a.division, r.year
)
SELECT c.division AS division_code, coalesce(d.name, '国家机关') AS name,
       coalesce(d.tier, '国家级') AS tier, d.parent, c.year, c.organs_expected,
       c.organs_reported, c.organs_expected - c.organs_reported AS organs_missing,
       coalesce(o.reports_found, 0) AS reports_found
FROM counted c
LEFT JOIN divisions d ON d.code = c.division
LEFT JOIN on_portals o ON o.division = c.division AND o.year IS c.year
"""

VIEWS = {
    "requests_wide": REQUESTS_WIDE,
    "report_totals": REPORT_TOTALS,
    "organ_year_totals": ORGAN_YEAR_TOTALS,
    "region_year_totals": REGION_YEAR_TOTALS,
    "report_cells": REPORT_CELLS,
    "failed_checks": FAILED_CHECKS,
    "coverage": COVERAGE,
    "missing_reports": MISSING_REPORTS,
    "expected_organs": EXPECTED_ORGANS,
    "organ_coverage": ORGAN_COVERAGE,
    "division_coverage": DIVISION_COVERAGE,
    "publication_dates": PUBLICATION_DATES,
}
