"""One base spider per CMS family, and the mixed spider the portals and ``discover`` run.

A portal names its family in the registry; the spider generated for it applies that family's
rules to every page and, because real portals mix platforms (a TRS home page in front of a Lonsun
信息公开 platform), also the rules of any other family whose markers a page shows.
"""

from __future__ import annotations

from .. import classify as C
from .base import XxgkSpider
from .boda import BodaSpider
from .gkmlpt import GkmlptSpider
from .hanweb import HanwebSpider
from .lonsun import LonsunSpider
from .trs import TrsSpider


class FujianSpider(TrsSpider):
    """Fujian's intensive platform: TRS pages behind avalon.js; the 全真版 PDF is ``qzbFile``."""

    family = "fujian"


FAMILY_CLASSES: dict[str, type[XxgkSpider]] = {
    "trs": TrsSpider,
    "hanweb": HanwebSpider,
    "lonsun": LonsunSpider,
    "gkmlpt": GkmlptSpider,
    "boda": BodaSpider,
    "fujian": FujianSpider,
}
FAMILIES = ("auto", *FAMILY_CLASSES)


class MixedSpider(TrsSpider, HanwebSpider, LonsunSpider, GkmlptSpider, BodaSpider):
    """Applies the portal's own family, plus every family a page's markers reveal."""

    family = "auto"

    def families_of(self, response) -> list[str]:
        found = C.detect_families(response.text, response.url)
        fams = ([self.family] if self.family in FAMILY_CLASSES else []) + found
        out = []
        for f in fams:
            f = "trs" if f == "fujian" else f
            if f not in out:
                out.append(f)
        for f in found:
            self.crawler.stats.inc_value(f"xxgk/family/{f}")
        return out

    def family_links(self, response, x):
        links, reqs = [], []
        for f in self.families_of(response):
            cls = FAMILY_CLASSES[f]
            if "family_links" not in cls.__dict__:
                continue
            more_links, more_reqs = cls.__dict__["family_links"](self, response, x)
            links += more_links
            reqs += more_reqs
        return links, reqs

    def twin_key(self, url):
        for cls in FAMILY_CLASSES.values():
            fn = cls.__dict__.get("twin_key")
            if fn is not None:
                key = fn(self, url)
                if key is not None:
                    return key
        return None

    def column_ok(self, url, zone):
        for cls in FAMILY_CLASSES.values():
            fn = cls.__dict__.get("column_ok")
            if fn is not None and not fn(self, url, zone):
                return False
        return True

    def same_column(self, url, page_url, root):
        if XxgkSpider.same_column(self, url, page_url, root):
            return True
        for cls in FAMILY_CLASSES.values():
            fn = cls.__dict__.get("same_column")
            if fn is not None and fn(self, url, page_url, root):
                return True
        return False


def spider_class(name: str, family: str, portal: dict, settings: dict | None = None,
                 module: str | None = None) -> type[MixedSpider]:
    attrs = {"name": name, "family": family, "portal": portal,
             "custom_settings": dict(settings or {}),
             "__doc__": f"{portal.get('name', name)} ({family})"}
    if module:
        attrs["__module__"] = module
    return type(f"Spider_{name.replace('-', '_')}", (MixedSpider,), attrs)
