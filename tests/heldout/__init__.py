"""Held-out imitations of government portals for the crawl tests: not the shipped demo. Each
lives on host names of its own (``www.county-a.gov.cn``, ``xxgk.county-a.gov.cn``,
``public.city-z.gov.cn`` …) served by one local server and reached through a local forward proxy,
as a deployment behind a proxy would reach the real ones; they differ from the demo in path
prefixes, template names, paging, organ directories two levels deep, GBK pages and challenges.

- ``proxy``: the forward proxy (127.0.0.1) that routes those host names to the local server
- ``hosting``: the server's side: sites by host name, report files and pages, the ground truth
- ``portals``: the imitations, one or more per CMS family
- ``score``: recall, precision and duplicate fetches of a crawl against the ground truth
"""
