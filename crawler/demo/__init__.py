"""A local demo portal imitating real government CMS families, for developing and testing the
crawler with no network. See ``crawler/demo/README.md``."""

from .site import Behaviour, DemoSite, default_root

__all__ = ["Behaviour", "DemoSite", "LOCAL_SETTINGS", "default_root", "serve"]

# Scrapy settings for crawling the demo portal: politeness off against our own local server,
# everything else as in production (xxgk demo and the tests use them).
LOCAL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "XXGK_BACKOFF_BASE": "0.1",
    "XXGK_BACKOFF_MAX": "2",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "DOWNLOAD_TIMEOUT": "10",
    "LOG_LEVEL": "INFO",
}


def serve(*args, **kwargs):
    from .server import serve as _serve
    return _serve(*args, **kwargs)
