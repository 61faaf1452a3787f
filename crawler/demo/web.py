"""Requests, responses and the small HTML helpers every demo site uses."""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from html import escape
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from .content import ReportSpec

WEEKDAYS = "一二三四五六日"

# Off-site links a real portal carries: the State Council, a provincial site whose outbound
# links were rewritten to an IPv6 gateway, a copied domain, the ICP registry.
OFFSITE = [
    ("中国政府网", "http://www.gov.cn/"),
    ("宁夏回族自治区人民政府", "http://www.nx.gov.cn.x7a72968723868.ipv6best.cn/"),
    ("国务院客户端", "http://www.example.gov.cn.x7a72968723868.ipv6best.cn/"),
    ("政务公开专栏（镜像）", "http://zwinkt.example.com/zwgk/"),
    ("ICP备案", "https://beian.miit.gov.cn/"),
]


@dataclass
class Request:
    method: str
    target: str                   # as sent: path?query
    headers: dict                 # lower-case names
    body: bytes = b""
    client: str = "127.0.0.1"

    def __post_init__(self):
        parts = urlsplit(self.target)
        self.path = parts.path or "/"
        self.query_string = parts.query
        self.query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is ignored, as servers do
            pass
        self.cookies = {k: m.value for k, m in cookie.items()}

    @property
    def form(self) -> dict:
        if "application/x-www-form-urlencoded" in self.headers.get("content-type", "") or \
                (self.body and b"=" in self.body and not self.body.lstrip().startswith(b"{")):
            return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace"),
                                                  keep_blank_values=True).items()}
        return {}

    @property
    def host(self) -> str:
        return self.headers.get("host", "127.0.0.1")


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html"
    encoding: str = "utf-8"       # for str bodies
    headers: list = field(default_factory=list)
    charset_header: bool = True   # send "; charset=..." with text types

    def payload(self) -> bytes:
        if isinstance(self.body, str):
            return self.body.encode(self.encoding)
        return self.body

    def all_headers(self) -> list[tuple[str, str]]:
        ctype = self.content_type
        if isinstance(self.body, str) and self.charset_header and "charset" not in ctype:
            ctype += f"; charset={self.encoding}"
        return [("Content-Type", ctype)] + list(self.headers)


def html_page(body: str, encoding: str = "utf-8", status: int = 200, headers=None) -> Response:
    """An HTML page; GBK pages go out without a charset in the header, as old servers send them."""
    if encoding != "utf-8":
        return Response(status, body, "text/html", "gb18030", headers or [], charset_header=False)
    return Response(status, body, "text/html", "utf-8", headers or [])


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, f'<html><body>Moved <a href="{escape(location)}">here</a></body></html>',
                    headers=[("Location", location)])


def gone(path: str = "") -> Response:
    return html_page("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>410 信息已删除</title>"
                     "</head><body><h1>410</h1><p>该信息已被删除。</p></body></html>", status=410)


def not_found(path: str = "") -> Response:
    return html_page(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head>"
        "<body><div class=\"err\"><h1>404</h1><p>对不起，您访问的页面不存在或已被删除。</p>"
        "<p><a href=\"/\">返回首页</a></p></div></body></html>", status=404)


def rel(from_path: str, to_path: str) -> str:
    """A relative href from the page at ``from_path`` to ``to_path`` (both site paths)."""
    if not to_path.startswith("/"):
        return to_path
    base = from_path if from_path.endswith("/") else posixpath.dirname(from_path) + "/"
    target_dir = to_path.endswith("/")
    out = posixpath.relpath(to_path, base.rstrip("/") or "/")
    if target_dir and not out.endswith("/"):
        out += "/"
    if out == "./":
        return "./"
    return out if out.startswith(".") else "./" + out


def esc(text) -> str:
    return escape(str(text), quote=True)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日 星期{WEEKDAYS[day.weekday()]}"


def article_meta(item: "Item", source: str, hour: int, end: str = ">") -> str:
    """The meta tags a CMS writes into an article's head (title, publication time, source)."""
    return (f'<meta name="ArticleTitle" content="{esc(item.title)}"{end}\n'
            f'<meta name="PubDate" content="{item.date:%Y-%m-%d} {hour:02d}:{item.art_id % 60:02d}"{end}\n'
            f'<meta name="ContentSource" content="{esc(source)}"{end}\n')


def offsite_links() -> str:
    return "".join(f'<a href="{esc(u)}" target="_blank">{esc(t)}</a> ' for t, u in OFFSITE)


# --- the plan of a site: items in columns --------------------------------------------------------

@dataclass
class Attachment:
    spec: ReportSpec | None       # None: not a report (a form, a notice's annex)
    name: str                     # the file name shown
    variant: str | None = None
    url: str = ""                 # canonical path, set by the site
    aliases: list = field(default_factory=list)
    data: bytes | None = None     # bytes of a non-report attachment
    flags: set = field(default_factory=set)


@dataclass
class Item:
    """One entry of a column list: a report page, a file, or a distractor."""

    key: str                      # unique in the demo
    column: str                   # the site's column id
    title: str
    date: dt.date
    kind: str = "report"          # report | interpretation | notice | points | guide | news |
                                  # soft_deleted | offsite
    mode: str = "inline"          # inline (tables in the page) | attach (page + files) |
                                  # file (the list links the file) | pdfonly (file set by JS) | text
    spec: ReportSpec | None = None  # the report shown inline
    attachments: list = field(default_factory=list)
    variant: str | None = None
    flags: set = field(default_factory=set)
    status: str = "live"          # live | removed (404) | gone (410) | soft_deleted | unlisted
    art_id: int = 0
    url: str = ""                 # canonical path of the page (or of the file, mode "file")
    aliases: list = field(default_factory=list)
    href: str | None = None       # where an off-site item points
    text: str = ""                # a distractor's body

    @property
    def listed(self) -> bool:
        return self.status == "live" or "stale_listing" in self.flags

    @property
    def online(self) -> bool:
        """Its page and files still answer (an unlisted report is only left out of the lists)."""
        return self.status in ("live", "unlisted")

    def report_specs(self):
        if self.spec is not None:
            yield self.spec
        for att in self.attachments:
            if att.spec is not None:
                yield att.spec


DISTRACTOR_TEXT = {
    "interpretation": "为便于公众更好地了解{organ}{year}年政府信息公开工作情况，现对《{organ}{year}年政府信息公开工作年度报告》"
                      "解读如下：一、主动公开情况。二、依申请公开情况。三、下一步工作打算。全文详见年度报告，本解读不作为"
                      "统计依据。",
    "notice": "各乡镇人民政府，县政府各部门：根据《中华人民共和国政府信息公开条例》规定，现就做好{year}年度政府信息公开工作"
              "年度报告编制和发布工作通知如下：一、严格按照国办公开办函〔2021〕30号规定的格式编制；二、于{next}年1月31日前"
              "向社会公布；三、报送县政务公开办公室备案。附件：年度报告格式模板。",
    "points": "{year}年政务公开工作要点：一、深化重点领域信息公开；二、加强政策解读回应；三、提升政务公开平台规范化水平；"
              "四、强化监督保障。各单位要明确责任分工，认真抓好落实。",
    "guide": "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。一、公开主体；二、主动公开；"
             "三、依申请公开；四、收费标准；五、监督和救济。受理机构地址、办公时间、联系电话详见正文。",
    "news": "{date}，{organ}召开{year}年度政务公开工作推进会，传达学习上级有关会议精神，部署下一阶段重点工作。会议强调，"
            "要进一步提高思想认识，压实工作责任，推动政务公开工作提质增效。",
}


def distractor_text(kind: str, organ: str, year: int, day: dt.date) -> str:
    return DISTRACTOR_TEXT.get(kind, DISTRACTOR_TEXT["news"]).format(
        organ=organ, year=year, next=year + 1, date=f"{day.month}月{day.day}日")


def distractor_title(kind: str, organ: str, year: int) -> str:
    return {
        "interpretation": f"关于《{organ}{year}年政府信息公开工作年度报告》的解读",
        "notice": f"关于做好{year}年度政府信息公开工作年度报告编制和发布工作的通知",
        "points": f"{organ}{year + 1}年政务公开工作要点",
        "guide": f"{organ}政府信息公开指南",
        "news": f"{organ}召开{year}年度政务公开工作推进会",
    }[kind]
