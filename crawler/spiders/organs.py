"""The organs a portal's organ directories name: a county's departments and townships (政府 / 部门 /
乡镇 tabs, organ trees, sub-site lists, Lonsun's organ directory), each walked to its own 年报
column. A crawl records every organ it meets once (``OrganItem``): when a directory page names it,
and when its 年报 column is reached. The archive keeps them in ``organs``; the reports listed
under an organ's column carry its name.
"""

from __future__ import annotations

from parsers import divisions

from .. import classify as C
from ..items import OrganItem

# A page naming this many organs is an organ directory (a navigation bar names one or two).
MIN_DIRECTORY = 3


def division_of(name: str, within: str | None) -> str | None:
    """Where an organ sits: the division its name places inside the portal's (``within``); the
    portal's own for a department whose name names no division (县教育局 on a county's
    directory); None when the name is ambiguous and nothing tells the candidates apart."""
    place = divisions.locate(name, within=within)
    if place.division is not None:
        return place.division.code
    if within and not place.candidates:
        return within
    return None


class Organs:
    """The organs one crawl has met, each recorded once with the first column found for it."""

    def __init__(self, within: str | None):
        self.within = within                 # the portal's division code, when the registry has it
        self.columns: dict[str, str | None] = {}

    def found(self, name: str, column_url: str | None = None,
              directory_url: str | None = None) -> OrganItem | None:
        """An item for an organ met now (with its 年报 column, if that is where we are), or None
        when this crawl has recorded as much already."""
        if name in self.columns and (column_url is None or self.columns[name] is not None):
            return None
        self.columns[name] = column_url
        return OrganItem(name=name, column_url=column_url, directory_url=directory_url,
                         division_code=division_of(name, self.within))

    def directory(self, page_url: str, links) -> list[OrganItem]:
        """The organs a page names when it is an organ directory (``MIN_DIRECTORY`` or more)."""
        names = list(dict.fromkeys(n for n in (C.organ_name(ln.label) for ln in links) if n))
        if len(names) < MIN_DIRECTORY:
            return []
        return [it for it in (self.found(n, directory_url=page_url) for n in names) if it]
