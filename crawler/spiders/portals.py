"""One spider per portal of the registry, generated at import: ``scrapy list`` shows them,
``scrapy crawl <id>`` runs one."""

from __future__ import annotations

from .. import registry
from ..families import spider_class

_SPIDERS = []
for _p in registry.load():
    _cls = spider_class(_p["id"], _p["family"], _p, _p.get("settings"), module=__name__)
    globals()[_cls.__name__] = _cls
    _SPIDERS.append(_cls)
del _cls, _p
