"""Downloading the national government-website database from its service, as its own page does:
the group list (``GET …/check_web/databaseInfo/download``: ``<ul class="dpage_ul">`` of
``<div id="bwmh">部委门户</div>`` …), then one ``POST …/check_web/downloadTemp_downFile.action``
with ``downames=<group id>`` per group, each answering a zip.

requests with urllib3's ``Retry`` (docs/registry.md says why): every request has a connect and
a read timeout, and a refused connection, a timeout, a 429 or a 5xx is tried again with
exponential back-off (``Retry-After`` honoured) before the sync gives up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from lxml import html
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .official import OfficialRow, read_bytes

log = logging.getLogger(__name__)

OFFICIAL = "https://zfwzzc.www.gov.cn/check_web/databaseInfo/download"
LIST_PATH = "check_web/databaseInfo/download"
DOWNLOAD_ACTION = "../downloadTemp_downFile.action"    # relative to the list page
RETRY_STATUSES = (429, 500, 502, 503, 504)


class DownloadError(RuntimeError):
    pass


@dataclass(frozen=True)
class Group:
    id: str          # downames=<id>
    label: str       # 部委门户, 省级门户, 地方所属网站


@dataclass
class Client:
    """The service at ``source``: its list page's URL, or the address it is served under (a
    mirror, a local imitation), to which ``check_web/databaseInfo/download`` is added."""

    source: str = OFFICIAL
    timeout: float = 120.0        # seconds to wait for an answer (a group's zip is large)
    connect_timeout: float = 15.0
    retries: int = 5
    backoff: float = 2.0          # seconds; attempt n waits backoff * 2**(n-1)
    user_agent: str = "xxgk-archive registry sync"

    def __post_init__(self):
        if not urlsplit(self.source).scheme:
            raise DownloadError(f"--source {self.source!r}: not an http(s) URL")
        if not urlsplit(self.source).path.rstrip("/").endswith(LIST_PATH):
            self.source = urljoin(self.source.rstrip("/") + "/", LIST_PATH)
        retry = Retry(total=self.retries, connect=self.retries, read=self.retries,
                      status=self.retries, backoff_factor=self.backoff, backoff_max=120,
                      status_forcelist=RETRY_STATUSES, allowed_methods={"GET", "POST"},
                      respect_retry_after_header=True, raise_on_status=False)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    @property
    def action(self) -> str:
        return urljoin(self.source, DOWNLOAD_ACTION)

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            resp = self.session.request(method, url, timeout=(self.connect_timeout, self.timeout),
                                        **kwargs)
        except requests.RequestException as exc:
            raise DownloadError(f"{method} {url}: no answer after {self.retries} retries "
                                f"({exc.__class__.__name__}: {exc})") from exc
        if resp.status_code != 200:
            raise DownloadError(f"{method} {url} answered {resp.status_code} "
                                f"(after up to {self.retries} retries)")
        return resp

    def groups(self) -> list[Group]:
        """The groups the list page offers."""
        resp = self._request("GET", self.source)
        page = html.fromstring(resp.content)
        found = [Group(div.get("id"), div.text_content().strip())
                 for div in page.xpath("//ul[contains(concat(' ', @class, ' '), ' dpage_ul ')]"
                                       "//div[@id]")]
        if not found:
            raise DownloadError(f"{self.source}: no download groups on the page "
                                "(no <ul class=\"dpage_ul\"> with <div id=…>)")
        return found

    def download(self, group: Group) -> bytes:
        """One group's zip."""
        resp = self._request("POST", self.action, data={"downames": group.id},
                             headers={"Referer": self.source})
        if not resp.content.startswith(b"PK"):
            raise DownloadError(f"POST {self.action} downames={group.id} ({group.label}) "
                                f"answered {resp.headers.get('Content-Type', 'no type')}, not a "
                                f"zip (starts {resp.content[:40]!r})")
        return resp.content

    def rows(self, only: list[str] | None = None) -> list[OfficialRow]:
        """Every row of every group (or of the groups whose id or label is in ``only``)."""
        rows: list[OfficialRow] = []
        chosen = [g for g in self.groups() if not only or g.id in only or g.label in only]
        if only and not chosen:
            raise DownloadError(f"no group {only} on {self.source}")
        for g in chosen:
            data = self.download(g)
            got = read_bytes(data, f"{g.label or g.id}.zip", g.label or g.id)
            log.info("group %s (%s): %d bytes, %d rows", g.id, g.label, len(data), len(got))
            rows += got
        return rows
