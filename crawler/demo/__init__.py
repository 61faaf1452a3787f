"""A local demo portal imitating real government CMS families, for developing and testing the
crawler with no network. See ``crawler/demo/README.md``."""

from .site import Behaviour, DemoSite, default_root

__all__ = ["Behaviour", "DemoSite", "default_root", "serve"]


def serve(*args, **kwargs):
    from .server import serve as _serve
    return _serve(*args, **kwargs)
