"""Where a page stands on the way to the reports: ``home`` (find 政府信息公开), ``xxgk`` (inside it,
find the 年报 column) or ``nb`` (inside a 年报 column, with its year and organ sub-columns), and
which column links lead on. Pure functions of URLs and link labels."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from .. import classify as C


def url_dir(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else posixpath.dirname(path).rstrip("/") + "/"


def column_root(url: str) -> str:
    """The directory a column's pages and sub-columns live under: ``/a/b/`` for ``/a/b/index.html``,
    ``/boda/1941/`` for Boda's ``/boda/1941.htm``."""
    path = urlsplit(url).path or "/"
    m = re.search(r"/([^/]+)\.s?html?$", path)
    if m and not re.match(r"^(index|list|default|main)(_\d+)?$", m.group(1)):
        return path[: m.start(1)] + m.group(1) + "/"
    return url_dir(url)


def _path_and_query(url: str) -> str:
    p = urlsplit(url)
    return p.path + ("?" + p.query if p.query else "")


def start_zone(url: str, column_patterns=()) -> str:
    """The zone of a start URL the registry gives none for, from the URL alone."""
    path = _path_and_query(url)
    if C.NB_URL.search(path) or any(r.search(url) for r in column_patterns):
        return "nb"
    if C.XXGK_URL.search(path):
        return "xxgk"
    return "home"


def same_column(url: str, page_url: str, root: str) -> bool:
    """``url`` is another page of the list at ``page_url`` (under the column's root, in its
    directory, or the same path with another query)."""
    d = url_dir(url)
    return d.startswith(root) or d == url_dir(page_url) or \
        urlsplit(url).path == urlsplit(page_url).path


# How many organ directories deep a crawl goes: a city's counties, a county's departments.
MAX_ORGAN_DEPTH = 2


def column_step(url: str, label: str, x: dict, root: str, max_hops: int,
                column_patterns=()) -> dict | None:
    """Where a column link found on a page of zone ``x["zone"]`` leads — its ``zone``, ``root``,
    ``hops`` and, for an organ's column, ``organ`` (with ``organ_depth``) — or None when it is not
    worth walking. ``root`` is the root of the page's column; ``max_hops`` bounds the walk inside
    政府信息公开. An organ (a department, a township an organ directory names) starts a walk of
    its own: its pages lead to its 年报 column within ``max_hops`` again, at most
    ``MAX_ORGAN_DEPTH`` directories deep."""
    path = _path_and_query(url)
    zone, hops = x.get("zone", "home"), x.get("hops", 0)
    nb_hit = bool((label and C.NB_TEXT.search(label)) or C.NB_URL.search(path)
                  or any(r.search(url) for r in column_patterns))
    xxgk_hit = bool((label and C.XXGK_TEXT.search(label)) or C.XXGK_URL.search(path))
    organ = C.organ_name(label)
    group = bool(label and C.ORGAN_TEXT.search(label) and len(label) <= 30) and not organ
    year = bool(label and C.YEAR_TEXT.match(label))
    depth = x.get("organ_depth", 0)
    new_organ = organ is not None and organ != x.get("organ") and depth < MAX_ORGAN_DEPTH
    if zone == "home":
        if nb_hit:
            return {"zone": "nb", "root": column_root(url), "hops": 0}
        if xxgk_hit:
            return {"zone": "xxgk", "root": column_root(url), "hops": 0}
        return None
    if zone == "xxgk":
        if nb_hit:
            return {"zone": "nb", "root": column_root(url), "hops": 0}
        if new_organ:
            return {"zone": "xxgk", "root": column_root(url), "hops": 0, "organ": organ,
                    "organ_depth": depth + 1}
        if (xxgk_hit or group) and hops < max_hops:
            return {"zone": "xxgk", "root": x.get("root"), "hops": hops + 1}
        return None
    under = url_dir(url).startswith(root) and url_dir(url) != "/"
    if under or year or (organ and (under or nb_hit)) or nb_hit:
        step = {"zone": "nb", "root": root if under else column_root(url), "hops": hops}
        if organ:
            step["organ"] = organ
        return step
    if new_organ:
        # An organ's own pages: its 年报 column may be a few steps further.
        return {"zone": "xxgk", "root": column_root(url), "hops": 0, "organ": organ,
                "organ_depth": depth + 1}
    return None
