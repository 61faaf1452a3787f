"""Full-text search that is right for Chinese terms of any length.

FTS5's trigram tokenizer cannot see a term shorter than three characters: ``公开`` alone finds
nothing, and in ``年度报告 复议`` the short term is silently dropped (research §3.3). So:

- the query is split on white space (ASCII or ideographic) into terms, all of which must occur;
- terms of three or more characters narrow the candidates through the trigram index
  (``texts_fts``); two-character CJK terms through an index of character pairs
  (``texts_bigram``); one-character terms through an index of the characters each text holds
  (``texts_chars``: every non-ASCII character and every ASCII letter or digit, once per text);
- for a term of three or more characters, a CJK pair or a character of ``texts_chars`` the
  index alone is exact (a trigram phrase, a pair or a character is there or not); a term of two
  characters that are not both CJK (``5月``, ``ab``) or one punctuation mark is checked as a
  substring of the content table (``texts.content``, case-insensitive for ASCII) of the
  documents the other terms leave (of every text when there is no other). One index gives the
  candidates, the others are tested against them, and a text is read only for such a term and
  for the snippets of the rows taken;
- the rows come newest year first, then by organ. When the indexes decide every term, the
  documents holding them are counted only up to the point where the count decides the plan:
  few, every hit is sorted with its report; more, the reports are walked in that order through
  the index ``reports_search_order`` (nothing sorted) and the walk stops with the last row
  read, each report's documents tested against a set of the hits' ids, or, for terms in most
  texts, by looking for them in the text of each document passed (read for its snippet
  anyway). What a search costs thus follows the rows it gives, not the hits it does not
  (docs/benchmarks.md, search). The reader's page (:func:`archive.queries.search_results`)
  counts and walks the same way in Python (for terms in most texts it asks the indexes about
  each document passed: its page is 20 rows) and gets the same reports.

The whole thing is one SQL statement, so Datasette runs the very same query as ``xxgk search``
(a canned query needs no plugin; :func:`archive.queries.search` runs it for the command line), and
a result is one row per report with a snippet around the first term.
"""

from __future__ import annotations

import re

# The CJK ranges indexed as pairs; the SQL below tests the same ranges with unicode().
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_IS_CJK = ("(unicode(substr(term, {i}, 1)) BETWEEN 13312 AND 40959 OR "
           "unicode(substr(term, {i}, 1)) BETWEEN 63744 AND 64255)")
# Where ``term`` first occurs in text ``t`` (0: nowhere), ASCII case aside. The text is lowered
# only for a term with letters (``plain`` is false): for any other the position is the same,
# and lowering a whole text for each of 1,000 rows was a fifth of a search's time.
_FOUND_AT = ("(CASE WHEN plain THEN instr(t.content, term) "
             "ELSE instr(lower(t.content), term) END)")
# A term an index decides on its own (a trigram phrase, a CJK pair, a character of
# texts_chars): its text need not be read to know it is there.
_DECIDED = (f"length(term) >= 3 OR (length(term) = 2 AND {_IS_CJK.format(i=1)} AND "
            f"{_IS_CJK.format(i=2)}) OR (length(term) = 1 AND (unicode(term) > 127 OR "
            f"term GLOB '[0-9a-z]'))")


def bigrams(text: str | None) -> str:
    """Every pair of adjacent CJK characters, space-separated: what texts_bigram indexes."""
    if not text:
        return ""
    out = []
    for m in _CJK_RUN.finditer(text):
        run = m.group()
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(out)


def indexed_char(term: str) -> bool:
    """Whether ``term`` is one character that texts_chars holds (the ascii tokenizer keeps
    every non-ASCII character and ASCII letters and digits; other ASCII separates tokens)."""
    return len(term) == 1 and (term > "\x7f" or term.isalnum())


def chars(text: str | None) -> str:
    """Every character of ``text`` that texts_chars indexes, once each, in a fixed order (the
    same text must give the same tokens when its row is deleted), space-separated."""
    if not text:
        return ""
    return " ".join(sorted({c for c in text if indexed_char(c)}))


# How the search finds its rows when the indexes decide every term (see ``plan`` below).
PLANS = ("sort", "set", "ask")


def search_sql(rows: str, plan: str | None = None) -> str:
    """The search for a reader of ``rows`` rows at most (an SQL expression: the plan depends
    on it, the rows do not); ``plan`` (one of PLANS) takes the place of the counts' choice when
    every term is decided by an index, so that each plan can be checked."""
    if plan is not None and plan not in PLANS:
        raise ValueError(f"no such search plan: {plan!r} (one of {', '.join(PLANS)})")
    choose = (f"'{plan}'" if plan else
              """(SELECT CASE WHEN found <= few THEN 'sort' WHEN found <= most THEN 'set' ELSE 'ask'
                   END
            FROM bounds, (SELECT count(*) AS found FROM (
              SELECT 1 FROM hits LIMIT (SELECT most + 1 FROM bounds))))""")
    return f"""
WITH RECURSIVE
  q (s) AS (SELECT trim(replace(replace(replace(replace(coalesce(:q, ''), '　', ' '),
                        char(9), ' '), char(10), ' '), char(13), ' ')) || ' '),
  split (n, term, rest) AS (
    SELECT 0, '', (SELECT s FROM q)
    UNION ALL
    SELECT n + 1, substr(rest, 1, instr(rest, ' ') - 1), ltrim(substr(rest, instr(rest, ' ') + 1))
    FROM split WHERE rest <> ''
  ),
  terms (n, term, plain) AS (
    SELECT n, lower(term), lower(term) = upper(term) FROM split WHERE term <> ''),
  -- Each index's MATCH expression, NULL when no term is for it (a MATCH of NULL is an error
  -- even where it is not reached: 'none', a word no row holds, stands in for it there).
  long_terms (expr) AS (
    SELECT group_concat('content : "' || replace(term, '"', '""') || '"', ' AND ')
    FROM terms WHERE length(term) >= 3),
  pair_terms (expr) AS (
    SELECT group_concat('grams : "' || term || '"', ' AND ') FROM terms
    WHERE length(term) = 2 AND {_IS_CJK.format(i=1)} AND {_IS_CJK.format(i=2)}),
  char_terms (expr) AS (
    SELECT group_concat('chars : "' || term || '"', ' AND ') FROM terms
    WHERE length(term) = 1 AND (unicode(term) > 127 OR term GLOB '[0-9a-z]')),
  -- The terms no index decides: looked for in the texts themselves.
  undecided (term, plain) AS (SELECT term, plain FROM terms WHERE NOT ({_DECIDED})),
  -- Which index gives the candidates (the first of trigram, pair, character that has a
  -- term; every text when none has), and which others are tested against them: worked out
  -- once, so that a hit costs no more than reading its id where nothing else is tested.
  source (first, test_pairs, test_chars, test_texts) AS (
    SELECT CASE WHEN l.expr IS NOT NULL THEN 'fts' WHEN p.expr IS NOT NULL THEN 'bigram'
                WHEN c.expr IS NOT NULL THEN 'chars' WHEN EXISTS (SELECT 1 FROM terms)
                THEN 'texts' END,
           l.expr IS NOT NULL AND p.expr IS NOT NULL,
           c.expr IS NOT NULL AND (l.expr IS NOT NULL OR p.expr IS NOT NULL),
           EXISTS (SELECT 1 FROM undecided)
    FROM long_terms l, pair_terms p, char_terms c),
  -- A condition that names no table is tested on every row; a LIMIT of 0 skips the scan.
  candidates (document_id) AS NOT MATERIALIZED (
    SELECT * FROM (SELECT rowid FROM texts_fts
      WHERE texts_fts MATCH (SELECT coalesce(expr, 'kind : "none"') FROM long_terms)
      LIMIT (SELECT CASE first WHEN 'fts' THEN -1 ELSE 0 END FROM source))
    UNION ALL
    SELECT * FROM (SELECT rowid FROM texts_bigram
      WHERE texts_bigram MATCH (SELECT coalesce(expr, 'kind : "none"') FROM pair_terms)
      LIMIT (SELECT CASE first WHEN 'bigram' THEN -1 ELSE 0 END FROM source))
    UNION ALL
    SELECT * FROM (SELECT rowid FROM texts_chars
      WHERE texts_chars MATCH (SELECT coalesce(expr, 'kind : "none"') FROM char_terms)
      LIMIT (SELECT CASE first WHEN 'chars' THEN -1 ELSE 0 END FROM source))
    UNION ALL
    SELECT * FROM (SELECT document_id FROM texts
      LIMIT (SELECT CASE first WHEN 'texts' THEN -1 ELSE 0 END FROM source))
  ),
  -- NOT MATERIALIZED: counted up to a bound, or read into a set, never computed in full
  -- unless it is sorted.
  hits (document_id) AS NOT MATERIALIZED (
    SELECT c.document_id FROM candidates c
    WHERE ((SELECT NOT test_pairs FROM source)
           OR c.document_id IN (SELECT rowid FROM texts_bigram
                                WHERE texts_bigram MATCH
                                  (SELECT coalesce(expr, 'kind : "none"') FROM pair_terms)))
      AND ((SELECT NOT test_chars FROM source)
           OR c.document_id IN (SELECT rowid FROM texts_chars
                                WHERE texts_chars MATCH
                                  (SELECT coalesce(expr, 'kind : "none"') FROM char_terms)))
      -- The text is read only for a term no index decides.
      AND ((SELECT NOT test_texts FROM source) OR NOT EXISTS (SELECT 1 FROM undecided WHERE (
            SELECT {_FOUND_AT} FROM texts t WHERE t.document_id = c.document_id) = 0))
  ),
  -- How the rows are found, from the number of documents holding every term, counted only up
  -- to the point where it decides. Few ('sort'; or a term no index decides): every hit with
  -- its report, sorted. More: the reports are walked in the search's order (the index
  -- reports_search_order, nothing sorted) until the rows are there, each report's documents
  -- tested against a set of the hits' ids ('set'), or, when reading every id costs more than
  -- testing each document walked (about documents / hits of them for each row; one test was
  -- costed at about 200 reads of an id when it asked the indexes), by testing its text
  -- ('ask'). Sorting a hit with
  -- its report costs about as much as walking 3 reports (few: where the two ways meet). Each
  -- way's cost follows the smaller of the hits and the reports walked, at most about the
  -- square root of rows * documents.
  bounds (few, most) AS (
    SELECT CAST(sqrt(3 * n / 10) AS INTEGER), CAST(sqrt(200 * n) AS INTEGER) FROM (
      SELECT ({rows} + 1) * (SELECT coalesce(max(document_id), 1) FROM texts) AS n)),
  plan (way) AS (
    SELECT CASE
      WHEN (SELECT test_texts FROM source) THEN 'sort'
      ELSE {choose}
      END),
  -- Each hit's report, sorted (MATERIALIZED: the rows are sorted here, not with their
  -- snippets); a report's document is its best one when that holds every term, else the last.
  sorted AS MATERIALIZED (
    SELECT r.id AS report_id, r.url, r.organ, r.year, r.region, r.template,
           r.document_id AS best,
           coalesce(max(CASE WHEN h.document_id = r.document_id THEN h.document_id END),
                    max(h.document_id)) AS document_id
    -- CROSS JOIN: the hits are the outer loop, read as they come (a co-routine), so that
    -- they are not read at all when the plan is another.
    FROM hits h
    CROSS JOIN report_documents rd ON rd.document_id = h.document_id
    CROSS JOIN reports r ON r.id = rd.report_id
    GROUP BY r.id
    ORDER BY r.year DESC, r.organ, r.id
    LIMIT CASE WHEN (SELECT way FROM plan) = 'sort' THEN -1 ELSE 0 END
  ),
  walked AS NOT MATERIALIZED (
    SELECT r.id AS report_id, r.url, r.organ, r.year, r.region, r.template,
           r.document_id AS best,
           coalesce(max(CASE WHEN rd.document_id = r.document_id THEN rd.document_id END),
                    max(rd.document_id)) AS document_id
    FROM reports r INDEXED BY reports_search_order
    JOIN report_documents rd ON rd.report_id = r.id
    WHERE CASE (SELECT way FROM plan)
      WHEN 'set' THEN rd.document_id IN (SELECT document_id FROM hits)
      -- 'ask': the document's text is read and every term looked for in it. The terms are
      -- in most texts (the walk passes about two documents a row) and the text is read for
      -- the snippet anyway: a few µs a text, against about 180 µs for asking each index about
      -- the document (measured at 1,000,000 reports). As exact as the indexes: a term is in
      -- an index exactly when it is a substring of the text (lowered for ASCII letters).
      ELSE EXISTS (SELECT 1 FROM texts t WHERE t.document_id = rd.document_id AND NOT EXISTS (
             SELECT 1 FROM terms WHERE {_FOUND_AT} = 0))
      END
    -- Grouped in the index's order, so that a report's row is out as soon as it is complete.
    GROUP BY r.year, r.organ, r.id
    ORDER BY r.year DESC, r.organ, r.id
    LIMIT CASE WHEN (SELECT way FROM plan) = 'sort' THEN 0 ELSE -1 END
  ),
  found AS (SELECT * FROM sorted UNION ALL SELECT * FROM walked)
SELECT report_id, url, organ, year, region, template,
       (SELECT sha256 FROM documents WHERE id = found.document_id) AS sha256,
       document_id = best AS in_best_document,
       (SELECT replace(replace(substr(t.content,
           max(1, (SELECT {_FOUND_AT} FROM terms ORDER BY n LIMIT 1) - 30), 100),
           char(10), ' '), char(13), ' ') FROM texts t WHERE t.document_id = found.document_id)
         AS snippet
FROM found
"""

SEARCH_SQL = search_sql(":limit") + "LIMIT :limit"
# For Datasette: its own row limit applies (max_returned_rows, 1,000; it reads one more and
# stops there); a text box for q is all the form shows.
CANNED_SEARCH_SQL = search_sql("1000").strip()


def terms(query: str) -> list[str]:
    return query.replace("\u3000", " ").split()
