"""What a page or file says about itself: its title and whether it names a report, its date of
publication, whether it is a soft delete, whether a "file" is the file it should be. Pure
functions of a response."""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple
from urllib.parse import urlsplit

from parsers.detect import sniff

from .. import classify as C
from .links import content_scope

_DATE = re.compile(r"(19[89]\d|20[0-4]\d)\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
# Formats a document is in, not a page (parsers.detect.sniff).
FILE_FORMATS = ("pdf", "doc", "docx", "xls", "xlsx", "ofd", "rtf", "zip", "image")
_ARTICLE_META = "//meta[@name='ArticleTitle' or @name='articletitle']/@content"
# Metas that date the article (not HtmlGenerateTime and the like: those date the page).
_PUBDATE_METAS = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "PubDateTime",
                  "article:published_time")
# Fields of the page (its info line, its 索引号 table) that date the report, and which source
# each is (archive.dates): when it was published, when it was written. 更新时间, 生成时间 and
# 今天是 date the page, not the report; a bare 时间/日期 counts only as a label of its own.
_FIELDS = re.compile(r"(发布时间|发布日期|公开日期|发表时间|成文日期|发文日期|印发日期|"
                     r"(?<![\u4e00-\u9fff])(?:时间|日期))\s*[:：]?\s*" + _DATE.pattern)
_WRITTEN = ("成文日期", "发文日期", "印发日期")
# How far into the page's text its own fields are looked for (text nodes).
_TOP = 400
_PUBLISHER = re.compile(r"(发布机构|发文机关|信息来源|来源)\s*[:：]?\s*([\u4e00-\u9fff（）()]{2,40})")
# A refresh slower than this is a page's own reload, not a redirect.
REFRESH_MAX_SECONDS = 10


class PageTitle(NamedTuple):
    title: str | None
    kind: str                # 'report', 'other' or 'unknown' (classify.title_kind)


def page_title(response, x: dict) -> PageTitle:
    """The page's title and what it says. The article's own title (meta, the list's link text,
    the article heading, <h1>) counts before <h2> and <title>, which often name the column."""
    get = response.xpath
    primary = [
        get("//meta[@name='ArticleTitle' or @name='articletitle' or @name='title']/@content").get(),
        x.get("title"),
        " ".join(response.css(".article_title ::text, .article-title ::text, "
                              ".xxgk_title ::text, .wzbt ::text").getall()) or None,
        " ".join(get("//h1//text()").getall()) or None,
    ]
    secondary = [" ".join(get("//h2//text()").getall()[:3]) or None, get("//title/text()").get()]
    primary = [C.clean(t) for t in primary if t and C.clean(t)]
    secondary = [C.clean(t) for t in secondary if t and C.clean(t)]
    kinds = [C.title_kind(t) for t in primary]
    title = next((t for t, k in zip(primary, kinds) if k == "report"), None) or \
        (primary[0] if primary else (secondary[-1] if secondary else None))
    if "other" in kinds[:2] or (kinds and kinds[0] == "other"):
        return PageTitle(title, "other")
    if "report" in kinds:
        return PageTitle(title, "report")
    skinds = [C.title_kind(t) for t in secondary]
    if "other" in skinds:
        return PageTitle(title, "other")
    if "report" in skinds:
        return PageTitle(next(t for t, k in zip(secondary, skinds) if k == "report"), "report")
    return PageTitle(title, "unknown")


def _iso(y, m, d) -> str | None:
    try:
        return datetime.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def top_text(response) -> str:
    """The first text nodes of the page's body, joined: where its 发布时间 and 发布机构 fields
    stand. Read through lxml itself (a parsel Selector per text node costs ten times more)."""
    root = response.selector.root
    texts = root.xpath("//body//text()", smart_strings=False) if hasattr(root, "xpath") else []
    return " ".join(texts[:_TOP])


def page_dates(response) -> list[dict]:
    """Every date the page gives its report, each with its source (``archive.dates``): its
    metas (``page_meta``), its 发布时间/发布日期 fields (``page_published``), its 成文日期/发文日期
    (``page_written``); the first of each label near the top of the page."""
    out, seen = [], set()

    def add(day, source, detail):
        if day and (day, source) not in seen:
            seen.add((day, source))
            out.append({"date": day, "source": source, "detail": detail})

    for name in _PUBDATE_METAS:
        v = response.xpath(f"//meta[@name='{name}' or @property='{name}']/@content").get()
        m = _DATE.search(v or "")
        if m:
            add(_iso(*m.groups()), "page_meta", name)
    text = top_text(response)
    labels = set()
    for m in _FIELDS.finditer(text):
        label = m.group(1)
        if label in labels:
            continue
        labels.add(label)
        add(_iso(*m.groups()[1:4]), "page_written" if label in _WRITTEN else "page_published",
            label)
    return out


def published(dates: list[dict]) -> str | None:
    """The one date a fetch's ``published`` column shows: the page's publication field, else
    its meta, else its 成文日期."""
    for source in ("page_published", "page_meta", "page_written"):
        found = next((d["date"] for d in dates if d["source"] == source), None)
        if found:
            return found
    return None


# A column of many organs' reports: 2024年度部门年报, 乡镇年度报告, 年报汇总, 年报专栏.
_COLLECTION = re.compile(r"(部门|乡镇|街道|镇街|单位|县区|区县|各级)(政府)?(信息公开)?(工作)?(年报|年度报告)|"
                         r"(汇总|专栏|栏目|专题)$")


# An organ's name, then the year: 盐池县2023年…, not 2023年度… (a year's column).
_ORGAN_THEN_YEAR = re.compile(r"^[^\d\s]{2,}?(19[89]\d|20[0-4]\d)\s*年")


def names_a_report(label: str | None) -> bool:
    """A link text naming one report (an organ's report on a year), not a column of them:
    '盐池县2023年政府信息公开工作年度报告', not '政府信息公开年报', '2023年度' or '2023年度部门年报'."""
    t = C.clean(label)
    return C.title_kind(t) == "report" and C.report_year(t) is not None and \
        not C.YEAR_TEXT.match(t) and len(t) >= 10 and not _COLLECTION.search(t)


def report_links(response) -> int:
    """How many links of the page name a report (a list has several; a report page at most its
    上一篇 and 下一篇)."""
    return sum(1 for a in response.xpath("//a[@href]")
               if names_a_report(C.clean(" ".join(a.xpath(".//text()").getall())) or a.attrib.get("title")))


def is_list_page(response) -> bool:
    """A page that lists reports rather than being one: three or more links naming reports and
    no article of its own (no ArticleTitle, no article text or tables)."""
    if report_links(response) < 3:
        return False
    if (response.xpath(_ARTICLE_META).get() or "").strip():
        return False
    scope = content_scope(response)
    if scope is None:
        return True
    text = C.clean(" ".join(scope.xpath(".//text()[not(ancestor::a)]").getall()))
    return not scope.xpath(".//table") and len(text) < 400


def is_article(response) -> bool:
    """A page that is an article (a report page reached by a link that looked like a column):
    its URL has an article's shape, it carries an article's title in its meta, or its text
    container holds tables or a long text and links no list of reports."""
    if is_list_page(response):
        return False
    if C.looks_like_detail(response.url) or (response.xpath(_ARTICLE_META).get() or "").strip():
        return True
    heading = C.clean(" ".join(response.xpath("//h1//text()").getall())) or \
        C.clean(response.xpath("//title/text()").get())
    if names_a_report(heading) and _ORGAN_THEN_YEAR.match(heading) and report_links(response) <= 1:
        return True                  # its heading names one organ's report on one year
    scope = content_scope(response)
    if scope is None:
        return False
    if report_links(response) >= 2:
        return False
    text = C.clean(" ".join(scope.xpath(".//text()[not(ancestor::a)][not(ancestor::script)]").getall()))
    return bool(scope.xpath(".//table//td")) and len(text) >= 300 or len(text) >= 1500


def publisher(response) -> str | None:
    """Who the page says published the report: its 发布机构 (or 来源) field, else its
    ContentSource meta."""
    text = top_text(response)
    found = {m.group(1): m.group(2) for m in reversed(list(_PUBLISHER.finditer(text)))}
    for label in ("发布机构", "发文机关"):
        if found.get(label):
            return found[label]
    meta = response.xpath("//meta[@name='ContentSource']/@content").get()
    if meta and meta.strip():
        return meta.strip()
    return found.get("信息来源") or found.get("来源")


def refresh(response) -> tuple[float, str] | None:
    """A meta refresh quick enough to be a redirect: (seconds, target as written)."""
    found = C.meta_refresh(response.text)
    return found if found is not None and found[0] <= REFRESH_MAX_SECONDS else None


def is_soft_delete(response, target: str | None, x: dict) -> bool:
    """A page that now only sends readers back: to itself, its column, a parent or the site's
    home — or, for a report page with no text left, to a list."""
    if not target or C.is_parent(target, response.url):
        return True
    if target.rstrip("/") == urlsplit(response.url)._replace(path="/", query="").geturl().rstrip("/"):
        return True
    if x.get("role") != "report" or C.looks_like_detail(target) or C.attachment_ext(target):
        return False
    empty = not "".join(response.xpath("//body//text()").getall()).strip()
    return empty or C.looks_like_list(target)


def sniff_format(body: bytes) -> str:
    """The format of a body by its bytes (parsers.detect)."""
    return sniff(body[:65536] if len(body) > 65536 else body)
