"""Where a report's organ sits: province, city, county, the 6-digit division code, its level and
tier, government or department — told from the organ's own name on the Ministry of Civil
Affairs' division list (:mod:`parsers.divisions`), a township mapped to its county.

The portal's area is used twice, and each time the row says so (``place_source``):

- ``organ``: the organ's name alone placed it;
- ``organ_in_portal``: the name is shared by several divisions (城关镇) and the portal's area
  told them apart;
- ``portal``: the name places nothing (教育局, or no organ found): the portal's area stands in,
  a fallback, not a fact about the organ.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from parsers import divisions

# Provinces whose districts sit directly under them: the municipality is also the city.
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
# A government's tier by its division's level; every other organ is a department.
GOVERNMENT_TIER = {1: "省", 2: "市", 3: "县", 4: "乡镇"}
_NATIONAL = re.compile(r"^(?:国务院|国家|中国|中华人民共和国|全国)")
_BARE_GOVERNMENT = ("人民政府", "政府")


@dataclass
class Place:
    """The columns of ``reports`` that say where the organ sits."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    region: str | None = None          # the whole path: 宁夏回族自治区吴忠市盐池县花马池镇
    division_code: str | None = None   # 6 digits; a township's county
    level: str | None = None           # 国家级 省级 市级 县级 乡级
    tier: str | None = None            # 省 市 县 乡镇 部门
    organ_type: str | None = None      # 政府 or 部门 (which deadline applies)
    place_source: str | None = None    # organ, organ_in_portal, portal

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]


def _from_path(path: tuple, place: Place) -> None:
    div = path[-1]
    by_level = {d.level: d for d in path}
    province = by_level.get(1)
    place.province = province.name if province else None
    city = by_level.get(2)
    if city is None and province is not None and province.code in MUNICIPALITIES and div.level > 1:
        city = province
    place.city = city.name if city else None
    county = by_level.get(3)
    place.county = county.name if county else None
    place.region = "".join(d.name for d in path)
    # A township is counted with its county: the 6-digit code is the county's.
    place.division_code = (county.code if div.level == 4 and county else div.code)[:6]
    place.level = div.tier


def locate(organ: str | None, portal_code: str | None = None, portal: dict | None = None) -> Place:
    """Where ``organ`` sits. ``portal_code`` is the division of the portal the report came from
    (it only chooses among divisions sharing a name, or stands in when the name places
    nothing); ``portal`` the portal's registered facts (``province``, ``region``, ``level``),
    the fallback when no code is known."""
    place = Place()
    found = divisions.locate(organ, within=portal_code) if organ else None
    if found is not None and found.division is not None:
        _from_path(found.path, place)
        shared = divisions.locate(organ).division is None
        place.place_source = "organ_in_portal" if shared else "organ"
        place.tier = GOVERNMENT_TIER[found.division.level] if found.government else "部门"
        place.organ_type = "政府" if found.government else "部门"
        return place
    if organ and _NATIONAL.match(organ) and not found.candidates:
        # A central organ: no division, and no portal's area stands in for it.
        place.level, place.tier = "国家级", "部门"
        place.organ_type = "政府" if organ.startswith("国务院") and found.government else "部门"
        return place
    # The name places nothing: the portal's area stands in, marked as such.
    path = divisions.path(portal_code)
    if path:
        _from_path(path, place)
        place.place_source = "portal"
    elif portal and (portal.get("province") or portal.get("region")):
        place.province, place.region = portal.get("province"), portal.get("region")
        place.level = portal.get("level")
        place.place_source = "portal"
    if not organ:
        place.level = None          # no organ: where the portal is says nothing of its tier
        return place
    # divisions.locate names no government when no division is named at all (人民政府 alone).
    government = found.government or found.organ in _BARE_GOVERNMENT
    place.organ_type = "政府" if government else "部门"
    if not government:
        place.tier = "部门"         # a department of the portal's government, as far as we know
    elif found.candidates:
        levels = {c.level for c in found.candidates}
        level = levels.pop() if len(levels) == 1 else None
        place.level = divisions.LEVELS.get(level) if level else None
        place.tier = GOVERNMENT_TIER.get(level)
    elif place.level:
        # Only 人民政府: the portal's own government, by the portal's area.
        place.tier = {v: GOVERNMENT_TIER[k] for k, v in divisions.LEVELS.items()}.get(place.level)
    return place
