"""Chinese full-text search: right for terms of 1, 2, 3 and 5 characters, alone and mixed.

The ground truth is plain substring search over every report's text; the archive's search must
give exactly that. Trigram FTS on its own (what Datasette's search box would do) must not: the
test shows the failure it guards against.
"""

import json

import pytest
from archive_fixtures import MARKS, marked_archive, xxgk

from archive.queries import search
from archive.store import Archive


@pytest.fixture(scope="module")
def arc(tmp_path_factory):
    a = Archive(tmp_path_factory.mktemp("search"))
    shas = marked_archive(a)
    a.marks = {letter: shas[letter] for letter in MARKS}
    yield a
    a.close()


def truth(arc, query):
    """Reports whose text holds every term: the brute-force answer."""
    terms = query.lower().split()
    out = set()
    for rid, content in arc.conn.execute(
            "SELECT rd.report_id, t.content FROM texts t "
            "JOIN report_documents rd ON rd.document_id = t.document_id"):
        if all(t in content.lower() for t in terms):
            out.add(rid)
    return out


def letters(arc, ids):
    by_id = {r: sha for r, sha in arc.conn.execute("SELECT id, sha256 FROM reports")}
    inv = {sha: k for k, sha in arc.marks.items()}
    return {inv.get(by_id[i], "pdf") for i in ids}


QUERIES = {
    "鼋": {"A", "C"},                  # 1 character
    "鹬蚌": {"A", "B"},                # 2 characters
    "鹦鹉螺": {"B", "C"},              # 3 characters
    "蒲公英种子": {"A", "C"},          # 5 characters
    "鹦鹉螺 鹬蚌": {"B"},              # 3 + 2: the short term must not be dropped
    "鹬蚌 鼋": {"A"},                  # 2 + 1
    "蒲公英种子 鼋 鹬蚌": {"A"},       # 5 + 1 + 2
    "鹦鹉螺　鼋": {"C"},               # ideographic space separates terms too
    "鹦鹉螺 不存在": set(),
}


@pytest.mark.parametrize("query,expected", QUERIES.items())
def test_search_exact_for_any_term_length(arc, query, expected):
    found = {r["report_id"] for r in search(arc.db, query)}
    assert found == truth(arc, query.replace("\u3000", " "))
    assert letters(arc, found) == expected


@pytest.mark.parametrize("query", ["公开", "复议", "公", "年度报告 复议", "行政复议", "收费 诉讼",
                                  "洪泽 2023", "20", "20 鼋", "20 年度报告 公", "年 %"])
def test_common_terms_match_brute_force(arc, query):
    found = {r["report_id"] for r in search(arc.db, query)}
    assert found and found == truth(arc, query)


def test_trigram_alone_would_be_wrong(arc):
    """What the archive avoids: FTS5 trigram MATCH loses 1-2 character terms."""
    def fts(q):
        expr = " ".join('"' + t + '"' for t in q.split())
        try:
            return {r[0] for r in arc.conn.execute(
                "SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?", (expr,))}
        except Exception:  # noqa: BLE001 - fts5 rejects some short queries outright
            return set()
    assert fts("鹬蚌") == set() and {r["report_id"] for r in search(arc.db, "鹬蚌")}
    assert fts("公开") == set() and len(search(arc.db, "公开")) == 7


def test_snippet_around_the_match(arc):
    [hit] = search(arc.db, "鹦鹉螺 鹬蚌")
    assert "鹦鹉螺" in hit["snippet"] and len(hit["snippet"]) <= 100
    assert hit["url"] == "http://www.example.gov.cn/xxgk/B.html" and hit["organ"] and hit["year"]


@pytest.mark.parametrize("query", ["公开", "复议", "洪泽 2023", "20", "年度报告 复议"])
def test_every_snippet_shows_the_first_term(arc, query):
    hits = search(arc.db, query)
    first = query.split()[0]
    assert hits and all(first in h["snippet"] for h in hits), [h["snippet"] for h in hits]


def test_a_snippet_finds_a_word_in_capitals_typed_in_small_letters(tmp_path):
    from archive.ingest import ingest_file
    from archive_fixtures import seed_variant

    text = seed_variant(0).decode("utf-8") + "\n附件：XXGK-ANNUAL 年度报告 PDF 版本\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    with Archive(tmp_path / "data") as a:
        ingest_file(a, tmp_path / "a.txt", url="http://www.example.gov.cn/xxgk/a.html")
        [hit] = search(a.db, "xxgk-annual")
    assert "XXGK-ANNUAL" in hit["snippet"], hit["snippet"]


def test_empty_query_finds_nothing(arc):
    assert search(arc.db, "   ") == []


def test_search_command_json(arc):
    out = xxgk("search", "--json", "--data", arc.layout.root, "鹬蚌", "鹦鹉螺")
    assert out.returncode == 0, out.stderr
    [line] = out.stdout.splitlines()
    hit = json.loads(line)
    assert hit["url"] == "http://www.example.gov.cn/xxgk/B.html"
    assert set(hit) >= {"url", "organ", "year", "snippet"}
    assert "鹬蚌" in hit["snippet"]  # around the first term
    out = xxgk("search", "--data", arc.layout.root, "复议")
    assert out.returncode == 0 and "7 report(s)" in out.stderr


def test_indexes_follow_reparse(tmp_path):
    """Reparsing replaces a text: every index drops the old one and takes the new one."""
    from archive.search import bigrams, chars

    a = Archive(tmp_path)
    marked_archive(a)
    before = {q: search(a.db, q) for q in QUERIES}
    for (sha,) in a.conn.execute("SELECT sha256 FROM documents").fetchall():
        a.parse_document(sha)
    for table in ("texts_fts", "texts_bigram", "texts_chars"):
        a.conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
    assert {q: search(a.db, q) for q in QUERIES} == before
    assert bigrams("年报a鹬蚌之争。x") == "年报 鹬蚌 蚌之 之争"
    assert chars("年报 a-A 年。5") == " ".join(sorted("年报aA。5"))
    a.close()
