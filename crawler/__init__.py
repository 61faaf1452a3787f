"""Scrapy spiders for government portals' annual-report columns."""
