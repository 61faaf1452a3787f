"""Scrapy's cookie jar asks tldextract for public suffixes, and tldextract downloads the list from
publicsuffix.org on first use. The crawler never contacts anything but the portals: it uses the
snapshot tldextract ships."""

from __future__ import annotations


def use_offline_public_suffixes() -> None:
    try:
        from tldextract import TLDExtract

        import scrapy.downloadermiddlewares.cookies as cookies_mw

        cookies_mw._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
    except Exception:  # noqa: BLE001 - an older Scrapy without it
        pass
