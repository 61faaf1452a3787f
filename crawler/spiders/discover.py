"""``scrapy crawl discover -a url=<portal or column URL> [-a allow=/prefix/] [-a portal=ID]``:
a site that is not in the registry. The CMS family is recognised page by page from its markers
(createPageHTML/countPage, datastore/dataproxy, Ls.pagination and /public/column/, gkmlpt SID,
Boda .htm trees…), and the crawl stays on the site (and under ``allow``)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .base import XxgkSpider


class DiscoverSpider(XxgkSpider):
    name = "discover"
    family = "auto"
    portal: dict = {}

    def setup(self, settings) -> None:
        if not self.arg_url:
            raise ValueError("discover needs a start URL: scrapy crawl discover -a url=...")
        super().setup(settings)
        start = self.plan.start_urls[0].url
        if not self.arg_portal:
            parts = urlsplit(start)
            slug = re.sub(r"[^a-z0-9]+", "-", (parts.netloc + "-".join(self.plan.allow)).lower()).strip("-")
            self.portal_id = f"discover-{slug}"
        self.portal_facts = {"url": start}
