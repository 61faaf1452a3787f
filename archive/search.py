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
  for the snippets of the rows taken. The reader's page (:func:`archive.queries.search_results`)
  asks the same indexes in its own way (it never sorts every hit) and gets the same reports.

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


_BODY = f"""
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
  -- The documents of one index (the first of trigram, pair, character that has a term; every
  -- text when none has), the others then tested against these only.
  candidates (document_id) AS (
    SELECT rowid FROM texts_fts WHERE (SELECT expr FROM long_terms) IS NOT NULL
      AND texts_fts MATCH (SELECT coalesce(expr, 'kind : "none"') FROM long_terms)
    UNION ALL
    SELECT rowid FROM texts_bigram WHERE (SELECT expr FROM long_terms) IS NULL
      AND (SELECT expr FROM pair_terms) IS NOT NULL
      AND texts_bigram MATCH (SELECT coalesce(expr, 'kind : "none"') FROM pair_terms)
    UNION ALL
    SELECT rowid FROM texts_chars WHERE (SELECT expr FROM long_terms) IS NULL
      AND (SELECT expr FROM pair_terms) IS NULL AND (SELECT expr FROM char_terms) IS NOT NULL
      AND texts_chars MATCH (SELECT coalesce(expr, 'kind : "none"') FROM char_terms)
    UNION ALL
    SELECT document_id FROM texts WHERE EXISTS (SELECT 1 FROM terms)
      AND (SELECT expr FROM long_terms) IS NULL AND (SELECT expr FROM pair_terms) IS NULL
      AND (SELECT expr FROM char_terms) IS NULL
  ),
  hits (document_id) AS (
    SELECT c.document_id FROM candidates c
    WHERE ((SELECT expr FROM pair_terms) IS NULL OR (SELECT expr FROM long_terms) IS NULL
           OR c.document_id IN (SELECT rowid FROM texts_bigram
                                WHERE texts_bigram MATCH
                                  (SELECT coalesce(expr, 'kind : "none"') FROM pair_terms)))
      AND ((SELECT expr FROM char_terms) IS NULL
           OR ((SELECT expr FROM long_terms) IS NULL AND (SELECT expr FROM pair_terms) IS NULL)
           OR c.document_id IN (SELECT rowid FROM texts_chars
                                WHERE texts_chars MATCH
                                  (SELECT coalesce(expr, 'kind : "none"') FROM char_terms)))
      -- The text is read only for a term no index decides.
      AND NOT EXISTS (SELECT 1 FROM terms WHERE NOT ({_DECIDED}) AND (
            SELECT CASE WHEN plain THEN instr(t.content, term) ELSE instr(lower(t.content), term)
                   END FROM texts t WHERE t.document_id = c.document_id) = 0)
  ),
  -- Every hit in order without its text; the text is read for the snippets of the rows
  -- taken (MATERIALIZED: the rows are sorted here, not with their snippets).
  found AS MATERIALIZED (
    SELECT r.id AS report_id, r.url, r.organ, r.year, r.region, r.template, d.sha256,
           max(h.document_id = r.document_id) AS in_best_document, h.document_id
    FROM hits h
    JOIN documents d ON d.id = h.document_id
    JOIN report_documents rd ON rd.document_id = h.document_id
    JOIN reports r ON r.id = rd.report_id
    GROUP BY r.id
    ORDER BY r.year DESC, r.organ, r.id
  )
SELECT report_id, url, organ, year, region, template, sha256, in_best_document,
       (SELECT replace(replace(substr(t.content,
           max(1, instr(lower(t.content), (SELECT term FROM terms ORDER BY n LIMIT 1)) - 30), 100),
           char(10), ' '), char(13), ' ') FROM texts t WHERE t.document_id = found.document_id)
         AS snippet
FROM found
"""

SEARCH_SQL = _BODY + "LIMIT :limit"
# For Datasette: its own row limit applies; a text box for q is all the form shows.
CANNED_SEARCH_SQL = _BODY.strip()


def terms(query: str) -> list[str]:
    return query.replace("\u3000", " ").split()
