"""A portal's spider: a subclass of ``XxgkSpider`` for one registry entry, built when Scrapy asks
for it (``loader.RegistrySpiderLoader``), not for every portal at import."""

from __future__ import annotations

from .base import XxgkSpider


def spider_class(portal: dict) -> type[XxgkSpider]:
    """A spider class for a registry entry: its id, family and Scrapy settings."""
    name = portal["id"]
    return type(f"Spider_{name.replace('-', '_')}", (XxgkSpider,), {
        "name": name, "family": portal["family"], "portal": portal,
        "custom_settings": dict(portal.get("settings") or {}),
        "__doc__": f"{portal.get('name', name)} ({portal['family']})", "__module__": __name__})
