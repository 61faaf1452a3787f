"""One spider per portal of the registry, generated at import: ``scrapy list`` shows them,
``scrapy crawl <id>`` runs one."""

from __future__ import annotations

from .. import registry
from .base import XxgkSpider


def spider_class(portal: dict) -> type[XxgkSpider]:
    """A spider class for a registry entry: its id, family and Scrapy settings."""
    name = portal["id"]
    return type(f"Spider_{name.replace('-', '_')}", (XxgkSpider,), {
        "name": name, "family": portal["family"], "portal": portal,
        "custom_settings": dict(portal.get("settings") or {}),
        "__doc__": f"{portal.get('name', name)} ({portal['family']})", "__module__": __name__})


for _p in registry.load():
    _cls = spider_class(_p)
    globals()[_cls.__name__] = _cls
del _cls, _p
