"""Pages in GBK that do not say so."""

from __future__ import annotations

from scrapy.http import TextResponse


class EncodingMiddleware:
    """A page that declares no charset (or a wrong one) but is GBK: decode it as GB18030."""

    def process_response(self, request, response):
        if not isinstance(response, TextResponse) or not response.body:
            return response
        enc = response.encoding.lower()
        if enc in ("gb18030", "gbk", "gb2312"):
            return response
        body = response.body
        try:
            body.decode(enc if enc not in ("cp1252", "latin-1", "iso-8859-1") else "utf-8")
            ok = enc not in ("cp1252", "latin-1", "iso-8859-1")
        except (UnicodeDecodeError, LookupError):
            ok = False
        if ok:
            return response
        try:
            body.decode("utf-8")
            return response.replace(encoding="utf-8")
        except UnicodeDecodeError:
            pass
        try:
            body.decode("gb18030")
        except UnicodeDecodeError:
            return response
        return response.replace(encoding="gb18030")
