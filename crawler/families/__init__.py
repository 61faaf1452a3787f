"""The CMS families the crawler knows: the family registry.

Each family is one module holding its markers and its hooks as a ``Family`` object
(``base.py``). A portal's registry entry names its family, or ``auto``; the spider consults that
family on every page. Real portals mix platforms (a TRS home page in front of a Lonsun 信息公开
platform), so a page that shows another family's markers is handled by that family too, for
that page only. ``in_play`` states the order: the portal's own family first, then the families
whose markers the page shows, in the order of ``FAMILIES``.

To add a family: write its module (``FAMILY = MyFamily()``) and add it to ``FAMILIES`` below.
"""

from __future__ import annotations

from . import boda, fujian, gkmlpt, hanweb, hebei, lonsun, nmg, public, trs, ucap
from .base import Family, FamilyLinks

# The order markers are tried in, the most specific first: a gkmlpt, UCAP or Hanweb page may
# also carry TRS-like detail URLs, a Fujian page is TRS behind avalon.js, an Inner Mongolia list
# is a TRS list.
FAMILIES: dict[str, Family] = {f.name: f for f in (
    gkmlpt.FAMILY, ucap.FAMILY, hanweb.FAMILY, lonsun.FAMILY, hebei.FAMILY, nmg.FAMILY,
    public.FAMILY, fujian.FAMILY, boda.FAMILY, trs.FAMILY)}
NAMES = ("auto", *FAMILIES)

# How much of a page is searched for markers (they sit in its head, scripts and links).
MARKER_WINDOW = 400_000

__all__ = ["FAMILIES", "NAMES", "Detection", "Family", "FamilyLinks", "get", "in_play"]


def get(name: str) -> Family | None:
    """The family a registry entry names; None for ``auto``."""
    if name == "auto":
        return None
    try:
        return FAMILIES[name]
    except KeyError:
        raise KeyError(f"unknown CMS family {name!r}; one of {NAMES}") from None


class Detection:
    """Which families a page (its HTML and URL) shows: each family's markers are searched once,
    when first asked."""

    def __init__(self, html: str, url: str = ""):
        self.text = (html[:MARKER_WINDOW] + "\n" + url).lower()
        self._shown: dict[str, bool] = {}

    def shows(self, family: Family) -> bool:
        if family.name not in self._shown:
            self._shown[family.name] = family.shown_by(self.text)
        return self._shown[family.name]

    def families(self) -> list[Family]:
        """Every family the page shows, in ``FAMILIES`` order."""
        return [f for f in FAMILIES.values() if self.shows(f)]


def in_play(own: Family | None, detection: Detection, hook: str | None = None) -> list[Family]:
    """The families consulted on a page, in order: the portal's own, then those whose markers
    the page shows, in ``FAMILIES`` order. Given a ``hook``, the families that do not implement
    it are left out unsearched (they would answer with the hook's default)."""
    out = [own] if own is not None else []
    for f in FAMILIES.values():
        if f is not own and (hook is None or f.implements(hook)) and detection.shows(f):
            out.append(f)
    return out
