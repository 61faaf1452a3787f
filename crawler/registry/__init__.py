"""The portal registry: every government website of the national database as last synced into
the data directory (``xxgk registry sync``, :mod:`.sync`), merged with the hand-checked
overrides committed in the project (``crawler/portals.json`` or ``$XXGK_PORTALS``,
:mod:`.overrides`), then the demo portal's sites (``crawler/demo/portals.json``, flagged
``"demo": true``). docs/registry.md describes it.

    load()                  # every portal: synced (merged with overrides), overrides alone, demo
    resolve("6404250001")   # by id, by site code (10 characters) or by division code (6 digits)
    demo_portals()

Each entry (see docs/crawler.md)::

    {"id": "pengyang", "name": "彭阳县人民政府", "organ": "彭阳县人民政府",
     "site_code": "6404250001", "region_code": "640425", "level": "县级", "parent": "640400",
     "province": "宁夏回族自治区", "region": "宁夏回族自治区固原市彭阳县",
     "url": "https://www.pengyang.gov.cn/", "family": "trs",
     "start_urls": ["https://www.pengyang.gov.cn/xxgk_13872/zfgknb2/"], "allow": [], "hosts": [],
     "settings": {"DEPTH_LIMIT": 10}, "overrides": {}, "notes": "…", "synced": true}

``start_urls`` entries are URLs or ``{"url": …, "zone": "home"|"xxgk"|"nb"}``; ``{demo}`` in a URL
is replaced by the ``XXGK_DEMO_URL`` setting (default http://127.0.0.1:8765). A synced site with no
override starts from its home page (``zone: home``) with ``family: auto``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from parsers import divisions

from . import overrides as ov
from .store import synced

DEMO = Path(__file__).resolve().parents[1] / "demo" / "portals.json"
DEFAULT = ov.DEFAULT
ID = re.compile(r"^[a-z][a-z0-9\-]{1,60}$")
REQUIRED = ("id", "name", "family")
LEVELS = ("国家级", "省级", "市级", "县级", "乡级")
RESERVED = ("discover",)

__all__ = ["DEFAULT", "DEMO", "ID", "LEVELS", "RESERVED", "demo_portals", "get", "load", "path",
           "resolve", "site_entry", "validate"]


def path() -> Path:
    """The overrides file: ``$XXGK_PORTALS``, else ``crawler/portals.json``."""
    return ov.path()


def site_entry(site: dict) -> dict:
    """A synced site (a row of the archive's ``sites``) as a registry entry: its home page,
    its family told page by page (``auto``)."""
    url = site.get("url")
    return {"id": site["portal"], "name": site.get("name") or site.get("organ") or site["portal"],
            **{k: site.get(k) for k in ov.FACTS if k != "name"},
            "family": "auto", "start_urls": [{"url": url, "zone": "home"}] if url else [],
            "hosts": [], "allow": [], "settings": {}, "overrides": {},
            "notes": site.get("notes") or "", "synced": True}


def _standalone(override: dict) -> dict:
    """An override no synced site matches, its level and parent from its division code."""
    out = {**override, "override": True, "url": ov.start_url(override)}
    div = divisions.get(override.get("region_code"))
    if div is not None:
        out.setdefault("level", div.tier)
        out.setdefault("parent", div.parent)
    return out


def load(file: str | os.PathLike | None = None, data: str | os.PathLike | None = None
         ) -> list[dict]:
    """Every portal: the synced sites of the data directory ``data`` (default ``$XXGK_DATA``),
    each merged with the override that matches it; the overrides of ``file`` (default
    :func:`path`) that match none; the demo portals. Validated together."""
    overrides = ov.load(file)
    sites = synced(data)
    matched = ov.match(overrides, sites)
    by_site = {id(site): oid for oid, site in matched.items()}
    by_id = {o["id"]: o for o in overrides}
    portals = [ov.merged(site_entry(s), by_id[by_site[id(s)]]) if id(s) in by_site
               else site_entry(s) for s in sites]
    portals += [_standalone(o) for o in overrides if o["id"] not in matched]
    portals += [{**p, "demo": True} for p in ov.entries(DEMO)]
    validate(portals)
    return portals


def validate(portals: list[dict]) -> None:
    from ..families import NAMES

    seen = set()
    for p in portals:
        for key in REQUIRED:
            if not p.get(key):
                raise ValueError(f"portal {p.get('id')!r}: '{key}' is required")
        if not ID.match(p["id"]):
            raise ValueError(f"portal id {p['id']!r}: lower-case letters, digits and '-' only")
        if p["id"] in seen or p["id"] in RESERVED:
            raise ValueError(f"portal id {p['id']!r} is used twice (or reserved)")
        seen.add(p["id"])
        if p["family"] not in NAMES:
            raise ValueError(f"portal {p['id']}: family {p['family']!r} is not one of {NAMES}")
        if p.get("level") and p["level"] not in LEVELS:
            raise ValueError(f"portal {p['id']}: level {p['level']!r} is not one of {LEVELS}")
        if not isinstance(p.get("start_urls", []), list) or \
                not (p.get("start_urls") or p.get("synced")):
            raise ValueError(f"portal {p['id']}: 'start_urls' is required")
        for s in p["start_urls"]:
            url = s["url"] if isinstance(s, dict) else s
            if not re.match(r"^(https?://|\{demo\})", url):
                raise ValueError(f"portal {p['id']}: start URL {url!r} is not http(s)")


def resolve(name: str, portals: list[dict] | None = None) -> dict:
    """The portal a user means by ``name``: its id, its site code (政府网站标识码, 10
    characters) or a division code (6 digits: that division's own government portal). KeyError
    with the reason when there is none, or several."""
    portals = load() if portals is None else portals
    for p in portals:
        if p["id"] == name:
            return p
    key = name.strip().lower()
    by_code = [p for p in portals if p.get("site_code") == key]
    if by_code:
        return by_code[0]
    if re.fullmatch(r"\d{6}", key):
        return _government_portal(key, [p for p in portals if p.get("region_code") == key])
    raise KeyError(f"no portal {name!r} in the registry (an id, a 10-character site code or a "
                   "6-digit division code; see xxgk registry list)")


def _government_portal(code: str, here: list[dict]) -> dict:
    """A division's own government portal among the portals placed there: the only one, else
    the only one the database calls a government portal (网站类型 政府门户网站)."""
    if len(here) == 1:
        return here[0]
    govs = [p for p in here if "门户" in (p.get("site_type") or "")]
    if len(govs) == 1:
        return govs[0]
    if not here:
        raise KeyError(f"no portal of division {code} in the registry (xxgk registry sync, "
                       "or see xxgk registry list)")
    listed = ", ".join(f"{p['id']} ({p.get('site_code') or 'no site code'}, {p.get('name')})"
                       for p in here)
    raise KeyError(f"division {code} has {len(here)} portals and none is its only government "
                   f"portal: {listed}; name one by its id or site code")


def get(portal_id: str) -> dict:
    for p in load():
        if p["id"] == portal_id:
            return p
    raise KeyError(portal_id)


def demo_portals() -> list[dict]:
    return [p for p in load() if p.get("demo")]
