"""The spiders (``scrapy list``): one per portal of the registry (``portals.py``) and ``discover``
for any other site, all built on ``base.XxgkSpider``; the other modules are its concerns."""
