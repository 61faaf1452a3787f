"""From the database's rows to the registry's sites: one :class:`Site` per government website,
its site code checked, its division, level and parent from the Ministry of Civil Affairs' list
(:mod:`parsers.divisions`), and a portal id that stays the same from one sync to the next.

    result = build(rows, previous=sites_synced_before, overrides=overrides.load())
    result.sites          # [Site(portal='pengyang', site_code='6404250001', region_code='640425', …)]
    result.problems       # what could not be checked, one line each (also in each site's notes)

The site code (政府网站标识码) is 10 characters: the 6-digit division code and a 4-digit number,
or ``bm`` and 8 digits for the State Council's departments. Division ``100000`` (and ``bm``) is
the national level. A code the division list does not carry is kept, placed under the nearest
division its digits name (``232761`` under 大兴安岭地区 ``232700``), and the site's notes say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

from parsers import divisions

from . import overrides as ov
from .official import OfficialRow

NATIONAL = "100000"
NATIONAL_LEVEL = "国家级"
SITE_CODE = re.compile(r"^(?:\d{10}|bm\d{8})$")
ID_MAX = 50      # leaves room for "-<site code>" within the registry's 61 characters


@dataclass
class Site:
    """A government website of the registry: the database's facts, checked and placed. Its
    fields are the columns of the archive's ``sites`` table."""

    portal: str
    site_code: str | None
    name: str
    url: str | None
    organ: str | None = None           # 主办单位: the organ that runs the site
    supervisor: str | None = None      # 主管单位
    region_code: str | None = None     # 6-digit division code; 100000 national
    level: str | None = None           # 国家级, 省级, 市级, 县级
    parent: str | None = None          # the division above region_code
    province: str | None = None
    region: str | None = None          # the division's names, province first
    area: str | None = None            # 地区 as the database writes it
    site_type: str | None = None       # 网站类型
    icp: str | None = None
    police_record: str | None = None
    source_group: str | None = None    # 部委门户, 省级门户, 地方所属网站 or the file read
    notes: str | None = None


SITE_FIELDS = tuple(f.name for f in fields(Site))


@dataclass
class BuildResult:
    sites: list[Site]
    problems: list[str] = field(default_factory=list)   # one line each, with the row's origin
    skipped: int = 0                                     # rows that name no website at all


@dataclass
class Placement:
    region_code: str | None = None
    level: str | None = None
    parent: str | None = None
    province: str | None = None
    region: str | None = None
    notes: list[str] = field(default_factory=list)


def clean_url(value: str) -> tuple[str | None, str | None]:
    """The home page's URL and a note when the value is not one. The database sometimes lists
    several addresses (``a;b``) or a host with no scheme: the first one is taken, ``http://``
    added as a browser would."""
    first = re.split(r"[;；,，\s]+", value.strip())[0] if value.strip() else ""
    if not first:
        return None, "no 首页网址"
    if not re.match(r"^https?://", first, re.I):
        if re.match(r"^[\w.-]+\.[a-z]{2,}(?::\d+)?(?:/|$)", first, re.I):
            first = "http://" + first
        else:
            return None, f"首页网址 {value!r} is not a web address"
    parts = urlsplit(first)
    if not parts.hostname:
        return None, f"首页网址 {value!r} names no host"
    return (first if parts.path else first + "/"), None


def place(site_code: str | None, area: str = "") -> Placement:
    """Division code, level, parent, province and region names of a site code."""
    if not site_code:
        return Placement(notes=["no 政府网站标识码: division unknown"])
    if site_code.startswith("bm") or site_code.startswith(NATIONAL):
        return Placement(NATIONAL, NATIONAL_LEVEL)
    code = site_code[:6]
    div = divisions.get(code)
    p = Placement(code)
    if div is not None:
        chain = divisions.path(code)
        p.level, p.parent = div.tier, div.parent
    else:
        # Not on the list: the nearest division its digits name (prefecture, then province).
        above = next((a for a in (divisions.get(code[:4] + "00"), divisions.get(code[:2] + "0000"))
                      if a is not None and a.code != code), None)
        if above is None:
            p.notes.append(f"division {code} is not on the division list ({divisions.SOURCE}) "
                           "and names no province on it")
            return p
        chain = divisions.path(above.code)
        p.parent = above.code
        p.level = divisions.LEVELS.get(above.level + 1)
        p.notes.append(f"division {code} is not on the division list ({divisions.SOURCE}): "
                       f"placed under {above.name} ({above.code}) by its digits")
    p.province = chain[0].name
    p.region = "".join(d.name for d in chain)
    if area:
        named = divisions.locate(area).division
        if named is not None and named.code != code and \
                named.code not in {d.code for d in chain} and \
                code not in {d.code for d in divisions.path(named.code)}:
            p.notes.append(f"地区 {area!r} names {named.name} ({named.code}), not where the site "
                           f"code puts it")
    return p


def slug(url: str | None) -> str | None:
    """A readable id from a home page's host: www.pengyang.gov.cn → pengyang,
    czj.beijing.gov.cn → czj-beijing."""
    host = (urlsplit(url).hostname or "") if url else ""
    host = re.sub(r"^www\d*\.", "", host.lower())
    host = re.sub(r"\.gov\.cn$|\.gov$|\.cn$|\.com$", "", host)
    s = re.sub(r"[^a-z0-9]+", "-", host).strip("-")[:ID_MAX].strip("-")
    if not s:
        return None
    return s if s[0].isalpha() else f"gov-{s}"[:ID_MAX]


def site_from_row(row: OfficialRow) -> tuple[Site | None, list[str]]:
    """The site a row describes (without its portal id yet), and the problems found."""
    notes = []
    code = row.site_code.strip().lower() if row.site_code else ""
    if code and not SITE_CODE.match(code):
        notes.append(f"政府网站标识码 {row.site_code!r} is not 10 digits (or bm and 8 digits)")
        code = ""
    url, url_note = clean_url(row.url)
    if url_note:
        notes.append(url_note)
    if not code and not url:
        return None, [f"{row.origin}: {row.name or 'a row'} has neither a site code nor a home "
                      f"page: left out ({'; '.join(notes)})"]
    p = place(code or None, row.area)
    notes += p.notes
    site = Site(portal="", site_code=code or None, name=row.name or row.organ, url=url,
                organ=row.organ or None, supervisor=row.supervisor or None,
                region_code=p.region_code, level=p.level, parent=p.parent, province=p.province,
                region=p.region, area=row.area or None, site_type=row.site_type or None,
                icp=row.icp or None, police_record=row.police_record or None,
                source_group=row.group or None, notes="; ".join(notes) or None)
    return site, [f"{row.origin}: {site.name} ({code or url}): {n}" for n in notes]


def build(rows: list[OfficialRow], previous: list[dict] | None = None,
          overrides: list[dict] | None = None, reserved: set[str] | None = None) -> BuildResult:
    """The registry's sites from the database's rows. ``previous``: the sites of the last sync
    (their portal ids are kept); ``overrides``: the committed overrides (a site they match takes
    the override's id); ``reserved``: ids already used elsewhere (the demo's, ``discover``)."""
    result = BuildResult([])
    by_code: dict[str, Site] = {}
    for row in rows:
        site, problems = site_from_row(row)
        result.problems += problems
        if site is None:
            result.skipped += 1
            continue
        if site.site_code and site.site_code in by_code:
            first = by_code[site.site_code]
            result.problems.append(f"{row.origin}: site code {site.site_code} is listed again "
                                   f"({site.name}, {site.url}); the first row ({first.name}, "
                                   f"{first.url}) is kept")
            continue
        if site.site_code:
            by_code[site.site_code] = site
        result.sites.append(site)
    result.sites.sort(key=lambda s: (s.site_code is None, s.site_code or "", s.url or ""))
    _assign_ids(result, previous or [], overrides or [], reserved or set())
    return result


def _assign_ids(result: BuildResult, previous: list[dict], overrides: list[dict],
                reserved: set[str]) -> None:
    """Ids in this order: an override's, then the one the site had, then its host's slug (the
    site code appended when another site has it already)."""
    old = {(p.get("site_code") or p.get("url")): p["portal"] for p in previous}
    matched = ov.match(overrides, [{"site_code": s.site_code, "url": s.url,
                                    "region_code": s.region_code, "key": s.site_code or s.url,
                                    "portal": old.get(s.site_code or s.url)}
                                   for s in result.sites])
    by_site = {site["key"]: oid for oid, site in matched.items()}
    taken = set(reserved) | {o["id"] for o in overrides}
    for s in result.sites:
        key = s.site_code or s.url
        s.portal = by_site.get(key) or ""
        if not s.portal and key in old and old[key] not in taken:
            s.portal = old[key]
        if s.portal:
            taken.add(s.portal)
    for s in result.sites:
        if s.portal:
            continue
        base = slug(s.url) or "site"
        candidates = [base] + ([f"{base}-{s.site_code}"] if s.site_code else [])
        s.portal = next((c for c in candidates if c not in taken), None) or \
            next(f"{base}-{n}" for n in range(2, 10**6) if f"{base}-{n}" not in taken)
        taken.add(s.portal)

