"""What the spider knows of a request, kept in ``request.meta["xxgk"]`` (and so in the response's
meta and in the resume journal):

``role``        listing | report | page | attachment (what the archive records it as)
``zone``        home | xxgk | nb: outside 政府信息公开, inside it, inside a 年报 column
``root``        the directory a column's pages and sub-columns live under
``hops``        pages walked inside 政府信息公开 without finding a 年报 column
``report_url``  the canonical URL of the report a page or attachment belongs to
``link_text``, ``title``, ``organ``, ``found_by``, ``referer``, ``file_ext``, ``fallback`` …
"""

from __future__ import annotations


def xmeta(request_or_response) -> dict:
    """The ``xxgk`` dict of a request or response ({} for a request the spider did not make)."""
    return request_or_response.meta.get("xxgk") or {}
