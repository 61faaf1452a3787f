"""Pure functions the spiders share: what a link is, what a title means, which URL is canonical.

Nothing here touches the network or Scrapy, so every rule can be tested on strings.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

# --- titles ------------------------------------------------------------------------------------

_SPACE = re.compile(r"[\s\u3000\xa0]+")

# 年报 / 年度报告 / 工作报告 of open government information (2008–2012 reports say 工作报告).
_REPORT = re.compile(
    r"(政府|政务)?信息公开.{0,8}(年度报告|年报|工作报告|年度工作报告)"
    r"|(政府|政务)?信息公开工作.{0,4}报告"
    r"|政务公开.{0,6}(年度报告|年报)"
    r"|年度报告|年报")
# A title that names a report but is something else: a notice to write one, its 解读, a plan…
_NOT_REPORT = re.compile(
    r"通知|解读|图解|一图|读懂|看懂|图说|要点|指南|编制|报送|做好|答记者问|问答|征集|征求意见|方案"
    r"|目录|制度|办法|规定|会议|督查|统计公报|公报|国民经济"
    r"|政府工作报告|工作总结|述职|申请表|申请书|流程图|公示|第三方|排名|汇编|一览表"
    # 年度报告 of other subjects, often in the same 政务公开 columns
    r"|法治政府|法治建设|国有资产|环境状况|环境质量|社会信用|营商环境|慈善|社会责任|企业年度报告|工商年报|年度报表")
# Words of neighbours that are also words of organs' names (审计局, 卫生和计划生育委员会, 环境监测站,
# 考核办, 评估中心, 培训中心): they count only after the organ, from the year or the report's name on.
_NOT_REPORT_AFTER_ORGAN = re.compile(r"计划|考核|测评|评估|培训|检查|预算|决算|审计|监测")
_ORGAN_END = re.compile(r"(19[89]\d|20[0-4]\d|[〇零一二三四五六七八九]{4})\s*年|(政府|政务)?信息公开|政务公开|年度报告|年报")
# Some 解读 titles only say 《…年度报告》 in quotes followed by their own kind.
_QUOTED = re.compile(r"《[^》]*》")
VARIANT = re.compile(r"[（(【\[]\s*(图片版|文字版|超链版|超链接版|pdf版|PDF版|word版|全文|附件|"
                     r"修订版|更正版|简版|长图版?|图文版|可视化版|手机版)\s*[)）】\]]")
_YEAR = re.compile(r"(19[89]\d|20[0-4]\d)\s*年")
_CN_DIGITS = dict(zip("〇零一二三四五六七八九", "00123456789"))


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


# Site sections named like an organ.
_NAV_CENTRE = re.compile(r"^(新闻|帮助|个人|用户|下载|会员|信息|数据|办事|消息|资料|图片|视频|互动)中心$")


def organ_name(label: str | None) -> str | None:
    """The organ a link names (花马池镇, 县教育局, 相山区人民政府), or None: a group of organs
    (县直部门, 各乡镇), a column or anything else is not one."""
    t = clean(label).replace(" ", "")
    if not 3 <= len(t) <= 30 or not ORGAN_TEXT.search(t) or ORGAN_GROUP_TEXT.search(t):
        return None
    if NB_TEXT.search(t) or XXGK_TEXT.search(t) or title_kind(t) == "report" or _NAV_CENTRE.match(t):
        return None
    return t


def title_kind(title: str | None) -> str:
    """'report', 'other' (a known neighbour: notice, 解读, 指南, 要点…) or 'unknown'."""
    t = clean(title)
    if not t:
        return "unknown"
    outside = _QUOTED.sub("", t)
    m = _ORGAN_END.search(outside)
    if _NOT_REPORT.search(outside) or _NOT_REPORT_AFTER_ORGAN.search(outside[m.start():] if m else outside):
        return "other"
    if _REPORT.search(t):
        # 《X年度报告》 with nothing report-like outside the quotes, but an outside word that is not
        # the organ's name: '关于《…》的说明' and the like.
        if _QUOTED.search(t) and not _REPORT.search(outside) and re.search(r"关于|的", outside):
            return "other"
        return "report"
    return "unknown"


def report_year(title: str | None) -> int | None:
    """The year a title says the report is on ('2023年度…' → 2023; '二〇二三年' → 2023)."""
    t = clean(title)
    t = re.sub(r"[〇零一二三四五六七八九]{4}", lambda m: "".join(_CN_DIGITS[c] for c in m.group()), t)
    m = _YEAR.search(t)
    return int(m.group(1)) if m else None


def variant_key(title: str | None) -> str:
    """The title without its 图片版/文字版/… marker and punctuation: equal keys are one report."""
    t = VARIANT.sub("", clean(title))
    t = re.sub(r"[\s《》“”\"'（）()【】\[\]·.,，。:：_\-—]+", "", t)
    return t.lower()


def variant_rank(title: str | None, url: str) -> int:
    """Which copy of a report is canonical: text beats pictures, a page beats a file."""
    t = clean(title)
    score = 0
    if re.search(r"文字版|全文", t):
        score -= 2
    if re.search(r"图片版|长图|图文版|可视化", t):
        score += 3
    if re.search(r"超链", t):
        score += 1
    if attachment_ext(url):
        score += 1
    return score


# --- columns -------------------------------------------------------------------------------------

XXGK_TEXT = re.compile(r"政府信息公开|信息公开|政务公开|公开目录|法定主动公开")
# A navigation link to the portal's own disclosure platform says only that (a label naming a
# government — 河南省政府信息公开 — leads to another government's site).
XXGK_NAV_TEXT = re.compile(r"^(?:政府信息公开|政务公开|信息公开|政务信息公开|政府信息|法定主动公开)"
                           r"(?:平台|专栏|专区|目录|网|门户|网站)?$")
NB_TEXT = re.compile(r"年报|年度报告|工作报告")
NB_URL = re.compile(r"(^|[/_\-])(zfxxgknb|xxgknb|gknb|zwgknb|ndbg|xxgkndbg|nb|nianbao|zfgknb\d*|"
                    r"xxgkndbg|gkndbg|ndgzbg|zfxxgkndbg)([/_\-.]|$)|type=3(&|$)|[?&]catId=", re.I)
XXGK_URL = re.compile(r"(^|/)(zfxxgk|xxgk|zwgk|gkml|zfxxgkml|openness|public|gongkai|zwgk_?\d*|"
                      r"xxgk_\d+|gkmlpt)([/_.]|$)", re.I)
ORGAN_TEXT = re.compile(r"(乡|镇|街道|办事处|管委会|委员会|局|委|办|办公室|政府|中心|院|所|队|站|公司|"
                        r"部门|乡镇|社区|人民政府|示范区|开发区|园区)$|^(各?乡镇|各?部门|县直|市直|区直|"
                        r"街道|乡镇街道|部门单位)")
# A heading of an organ directory (a group of organs), not an organ: 县直部门, 各乡镇, 镇（街道）.
ORGAN_GROUP_TEXT = re.compile(r"^(各|县直|市直|区直|旗直|本级)|(部门|单位|乡镇|镇街|街镇|县区|区县|市县|旗县|"
                              r"机构|（街道）|（乡镇）|（镇）|（市、区）|（县、区）|信息公开|公开目录|政务公开|名单|"
                              r"目录|列表|导航)$|^(街道|乡镇街道|政府|人民政府|办事处|委员会|中心|开发区|园区)$")
YEAR_TEXT = re.compile(r"^\s*(19[89]\d|20[0-4]\d)\s*(年度?|年报|年度报告)?\s*$|^(19[89]\d|20[0-4]\d)n$")
PAGING_TEXT = re.compile(r"^(下一?页|上一?页|尾页|末页|前页|后页|next|prev|last|first|»|›|>|<|«|‹|"
                         r"\d{1,4}|\.\.\.|…)$", re.I)
# Links that lead nowhere we want: contact, login, search, RSS, print, share, language.
JUNK_TEXT = re.compile(r"登录|注册|无障碍|关怀版|长者|English|繁體|繁体|打印|关闭|收藏|分享|"
                       r"RSS|网站地图|联系我们|设为首页|加入收藏|返回顶部|纠错|智能问答")
JUNK_URL = re.compile(r"^(javascript:|mailto:|tel:|#)|/(search|login|logout|register|rss)\b|"
                      r"\.(css|js|ico|woff2?|ttf|svg|xml)(\?|$)|print=|share\.|"
                      r"(^|/)(wza|accessibility)(/|$)", re.I)

# --- attachments -------------------------------------------------------------------------------

DOC_EXTS = ("pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd", "rtf", "txt", "zip", "rar")
IMAGE_EXTS = ("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp")
ATTACH_EXTS = DOC_EXTS + IMAGE_EXTS
_EXT = re.compile(r"\.(" + "|".join(ATTACH_EXTS) + r")$", re.I)
_DOWNLOAD = re.compile(r"download|downfile|downloadfile|attach|fileDown|getFile|/file/|"
                       r"DownloadAttachUrl|/M00/|showfile|readfile", re.I)
# Template images (logos, buttons, icons) are not report pages.
_CHROME_IMG = re.compile(r"(^|/)(images?|img|imgs|static|style|skin|css|theme|templates?|common|"
                         r"res|assets|icons?|logo)(/|$)|logo|icon|banner|btn|button|bg[_\-.]|"
                         r"arrow|dot\.|line\.|spacer|blank\.|qrcode|ewm|jiucuo|wza|dzjg|"
                         r"conac|gongan|beian|red\.png|blue\.png", re.I)


def attachment_ext(url: str, text: str | None = None) -> str | None:
    """The file extension a link downloads, from its path, a query value or the link text."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    m = _EXT.search(path)
    if m:
        return m.group(1).lower()
    for _, value in parse_qsl(parts.query, keep_blank_values=True):
        m = _EXT.search(unquote(value).strip())
        if m:
            return m.group(1).lower()
    if text:
        m = _EXT.search(clean(text).rstrip("】]）)").strip())
        if m and (_DOWNLOAD.search(url) or not path.endswith((".html", ".htm", ".shtml", ".jsp"))):
            return m.group(1).lower()
    return None


def is_download_url(url: str) -> bool:
    return bool(_DOWNLOAD.search(urlsplit(url).path + "?" + urlsplit(url).query))


def is_chrome_image(url: str) -> bool:
    return bool(_CHROME_IMG.search(urlsplit(url).path))


# --- links hidden in scripts, viewers, onclick ----------------------------------------------------

_JS_URL = re.compile(r"""(?:window\.open|location\.href\s*=|location\s*=|location\.replace|"""
                     r"""location\.assign|openFile|downloadFile|downLoad|download|showPdf|"""
                     r"""openPdf|viewFile|preview)\s*\(?\s*['"]([^'"]+)['"]""", re.I)
_QUOTED_FILE = re.compile(r"""['"]([^'"\s<>]+\.(?:""" + "|".join(DOC_EXTS) + r"""))(?:\?[^'"\s<>]*)?['"]""",
                          re.I)
_VIEWER = re.compile(r"""(?:viewer(?:\.html?)?|pdfjs[^'"\s?]*|pdf\.html?|preview[^'"\s?]*)\?(?:[^'"\s]*&)?file=([^'"&\s<>]+)""",
                     re.I)
_QZB = re.compile(r"""qzbFile["']?\s*[:=]\s*["']([^"']+)["']""")


def viewer_target(url: str) -> str | None:
    """The file a PDF viewer URL shows (`viewer.html?file=/a/b.pdf`), decoded; else None."""
    m = _VIEWER.search(url)
    if not m:
        return None
    target = unquote(m.group(1))
    return target if target else None


def script_links(text: str) -> list[str]:
    """URLs in inline JS and attributes: window.open('…'), location.href='…', '…/x.pdf', qzbFile."""
    out: list[str] = []
    for rx in (_JS_URL, _QZB):
        out += [m.group(1) for m in rx.finditer(text)]
    for m in _QUOTED_FILE.finditer(text):
        # A whole file name, not a piece a script concatenates: a path, or a long enough stem.
        u = m.group(1)
        stem = u.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if "/" in u or len(stem) >= 8:
            out.append(u)
    for m in _VIEWER.finditer(text):
        out.append(unquote(m.group(1)))
    seen, uniq = set(), []
    for u in out:
        u = u.strip()
        if u and u not in seen and not u.startswith(("javascript:", "#", "data:")) and "{{" not in u:
            seen.add(u)
            uniq.append(u)
    return uniq


# --- URLs --------------------------------------------------------------------------------------

# Query parameters that only change navigation state, never content.
NAV_PARAMS = {"activeid", "ismobile", "mobile", "from", "spm", "isappinstalled", "uid_nav",
              "jsessionid", "_t", "timestamp", "random", "rnd", "v", "ver", "tdsourcetag",
              "share", "source", "wxshare", "clicktime", "enterid", "navid", "currentnav",
              "_", "_dc", "nocache", "cachebuster", "_ts"}
# Parameters that are a cache-buster only when their value is a time stamp or a random number
# (``t=1700000000000``, ``r=0.4711``); ``t=path`` on 郑州's platform names a page.
_BUSTER_IF_RANDOM = {"t", "r", "ts", "time", "rand"}
_RANDOM_VALUE = re.compile(r"^(\d{6,}|0?\.\d{4,}|\d+\.\d{6,})$")


def is_cache_buster(key: str, value: str) -> bool:
    """A parameter that only changes navigation state or defeats a cache: not the page."""
    k = key.lower()
    return k in NAV_PARAMS or (k in _BUSTER_IF_RANDOM and bool(_RANDOM_VALUE.match(value.strip())))


def canonical_url(url: str, keep: set[str] | None = None) -> str:
    """One spelling for one page: no fragment, no navigation-state parameters or cache-busters,
    no `/wap/` mirror, no `;jsessionid`, lower-case host, default port dropped, `dir/index.html`
    kept as written, the query in the order the page wrote it (``url_key`` says which URLs are
    one page whatever the order). ``keep`` names parameters that must survive even if they
    usually mean nothing."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if not port or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = re.sub(r";jsessionid=[^/?#]*", "", parts.path, flags=re.I)
    path = re.sub(r"/wap(?=/)", "", path, count=1, flags=re.I)   # /wap/ mirrors
    path = path or "/"
    path = re.sub(r"/{2,}", "/", path)
    keep = {k.lower() for k in (keep or set())}
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not is_cache_buster(k, v) or k.lower() in keep]
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True) if query else "", ""))


def url_key(url: str, keep: set[str] | None = None) -> str:
    """What identifies a page: its canonical URL with the query sorted. URLs that differ only
    in their query are distinct pages (``?a=dir&p=D0104X`` and ``…p=D0105X``); a reordered
    query or a cache-buster (``&_=…``) is the same page."""
    canon = canonical_url(url, keep)
    parts = urlsplit(canon)
    if not parts.query:
        return canon
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def same_site(url: str, hosts: set[str]) -> bool:
    """On one of the site's hosts (host:port exact), or a sub-domain of a registered domain."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    netloc = host if not parts.port else f"{host}:{parts.port}"
    for h in hosts:
        h = h.lower()
        if netloc == h or host == h:
            return True
        bare = h.split(":")[0]
        if bare.startswith("www."):
            bare = bare[4:]
        if not re.match(r"^[\d.]+$", bare) and bare.count(".") >= 2 and host.endswith("." + bare):
            return True
    return False


def under_prefix(url: str, prefixes: list[str] | tuple[str, ...]) -> bool:
    if not prefixes:
        return True
    path = urlsplit(url).path or "/"
    return any(path.startswith(p) for p in prefixes)


def looks_like_trap(url: str, max_len: int = 600) -> bool:
    """Calendars, session loops and repeated path segments that generate pages without end."""
    if len(url) > max_len:
        return True
    parts = urlsplit(url)
    segs = [s for s in parts.path.split("/") if s]
    if len(segs) > 14:
        return True
    counts: dict[str, int] = {}
    for s in segs:
        counts[s] = counts.get(s, 0) + 1
        if counts[s] >= 3 and not s.isdigit():
            return True
    # a/b/a/b: a repeated pair of segments
    for i in range(len(segs) - 3):
        if segs[i:i + 2] == segs[i + 2:i + 4]:
            return True
    q = parse_qsl(parts.query, keep_blank_values=True)
    if len(q) > 12:
        return True
    if any(k.lower() in ("date", "day", "month", "calendar", "rq") for k, _ in q) and \
            re.search(r"\d{4}-?\d{2}", parts.query):
        return True
    if re.search(r"(^|/)(calendar|rili|cal\.jsp|richeng)", parts.path, re.I):
        return True
    keys = {k.lower() for k, _ in q}
    if {"y", "m"} <= keys or {"year", "month"} <= keys:
        return True
    return False


def is_parent(target: str, url: str) -> bool:
    """`target` is a directory above `url` (a soft-deleted page refreshes to its column)."""
    t, u = urlsplit(target), urlsplit(url)
    if t.netloc and t.netloc != u.netloc:
        return False
    tp = t.path or "/"
    tdir = tp if tp.endswith("/") else posixpath.dirname(tp) + "/"
    if re.search(r"/(index|default|list)(_\d+)?\.s?html?$", tp):
        tdir = posixpath.dirname(tp) + "/"
    udir = posixpath.dirname(u.path or "/") + "/"
    return udir.startswith(tdir) and tdir != udir + "/" and len(tdir) <= len(udir)


_META_REFRESH = re.compile(
    r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*(\d+)\s*;?\s*"""
    r"""(?:url\s*=\s*)?['"]?([^"'>\s]*)""", re.I)


def meta_refresh(html: str) -> tuple[float, str] | None:
    m = _META_REFRESH.search(html[:8192])
    if not m:
        # content before http-equiv
        m2 = re.search(r"""<meta[^>]+content\s*=\s*["']\s*(\d+)\s*;\s*url\s*=\s*([^"'>\s]+)["'][^>]*"""
                       r"""http-equiv\s*=\s*["']?refresh""", html[:8192], re.I)
        if not m2:
            return None
        return float(m2.group(1)), m2.group(2)
    return float(m.group(1)), m.group(2)


# --- detail pages --------------------------------------------------------------------------------

DETAIL_URL = re.compile(
    r"/t\d{8}_\d+\.s?html?$"                      # TRS
    r"|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"  # Hanweb
    r"|/public/\d+/\d+\.html$|/public/content/\d+|/content/article/\d+"   # Lonsun
    r"|/gkmlpt/content/\d+/\d+/post_\d+\.html$"   # gkmlpt
    r"|/info/\d+/\d+\.htm$|content\.jsp\?.*wbnewsid="  # Boda
    r"|xxgkAnnualReport\.jsp\?|/XxgkAnnualReport/show/\d+\.html$"
    r"|/\d{6}/[0-9a-f]{32}\.s?html$|/article[0-9a-f]{32}\.html$|/doc_[0-9a-f]{24}\.html$"
    r"|/art_[0-9a-f]{32}\.html$|/\d{10,}\.html$|/\d{4}/\d{2}-\d{2}/\d+\.html$"
    r"|/\d+/\d+/\d{5,}\.html$|/content_\d+(\.s?html?)?$|/\d{6}/\d+_[^/]+/page\.html$"
    r"|/[A-Za-z]\w*/\d+\.jhtml$"                  # 郑州's public.*.gov.cn
    r"|/columns/[0-9a-f-]{36}/\d{6}/\d{2}/[0-9a-f-]{36}\.html$"   # Hebei
    r"|/c\d+/content\.shtml$",                      # UCAP (CSRC)
    re.I)
LIST_URL = re.compile(r"/(index|list|default)(_\d+)?\.s?html?$|/$|/col/col\d+/|[?&]pageIndex=|"
                      r"/public/column/\d+|type=\d&action=list|/\d+/\d+\.htm$|/\d+\.htm$|"
                      r"page_\d+\.html$|-\d+\.html$", re.I)


def _path_query(url: str) -> str:
    p = urlsplit(url)
    return p.path + ("?" + p.query if p.query else "")


def looks_like_detail(url: str) -> bool:
    """An article's URL, by the shapes CMSs give them (TRS, Hanweb, Lonsun, gkmlpt, Boda…)."""
    return bool(DETAIL_URL.search(_path_query(url)))


def looks_like_list(url: str) -> bool:
    """A list page's URL (index_N.html, /col/colN/, ?pageIndex=, Boda's N.htm…)."""
    return bool(LIST_URL.search(_path_query(url)))


def join(base: str, href: str) -> str | None:
    href = (href or "").strip().replace("\\", "/")
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        return urljoin(base, href)
    except ValueError:
        return None


@dataclass
class Link:
    url: str
    text: str = ""
    title: str = ""
    source: str = "a"          # a | onclick | iframe | embed | script | img | record | api
    kind: str = ""             # attachment | detail | column | paging | other (set by classify_link)
    ext: str | None = None
    organ: str | None = None   # the organ its row of an organ directory names (县教育局 | 指南 年报)
    files: list = field(default_factory=list)   # files a list record gives beside its page (Links)
    date: str | None = None    # the date its row of a list prints beside it (YYYY-MM-DD)

    @property
    def label(self) -> str:
        """The longer of the link's text and its title attribute (lists truncate with …)."""
        t, ti = clean(self.text), clean(self.title)
        if ti and (len(ti) > len(t) or t.endswith(("…", "...", "..")) or not t):
            return ti
        return t


def classify_link(link: Link) -> str:
    ext = attachment_ext(link.url, link.label)
    link.ext = ext
    if link.source == "img":
        return "attachment"
    if ext and ext not in ("html", "htm"):
        return "attachment"
    if link.source in ("iframe", "embed") and viewer_target(link.url):
        return "attachment"
    label = link.label
    if PAGING_TEXT.match(label or "-") and label:
        return "paging"
    if looks_like_detail(link.url):
        return "detail"
    if is_download_url(link.url) and link.source != "a":
        return "attachment"
    return "column"
