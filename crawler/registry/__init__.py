"""The portal registry: ``crawler/portals.json`` (or another file named by ``$XXGK_PORTALS``), and
the demo portal's sites in ``crawler/demo/portals.json``, flagged ``"demo": true``.

Each entry (see docs/crawler.md)::

    {"id": "pengyang", "name": "彭阳县人民政府", "province": "宁夏回族自治区",
     "region": "宁夏回族自治区固原市彭阳县", "region_code": "640425", "level": "县级",
     "family": "trs", "start_urls": ["https://www.pengyang.gov.cn/xxgk_13872/zfgknb2/"],
     "allow": [], "hosts": [], "settings": {"DEPTH_LIMIT": 10}, "overrides": {}, "notes": "…"}

``start_urls`` entries are URLs or ``{"url": …, "zone": "home"|"xxgk"|"nb"}``; ``{demo}`` in a URL
is replaced by the ``XXGK_DEMO_URL`` setting (default http://127.0.0.1:8765).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

DEFAULT = Path(__file__).with_name("portals.json")
DEMO = Path(__file__).parent / "demo" / "portals.json"
ID = re.compile(r"^[a-z][a-z0-9\-]{1,60}$")
REQUIRED = ("id", "name", "family", "start_urls")
LEVELS = ("国家级", "省级", "市级", "县级", "乡级")


def path() -> Path:
    return Path(os.environ.get("XXGK_PORTALS") or DEFAULT)


def _entries(file: str | os.PathLike) -> list[dict]:
    data = json.loads(Path(file).read_text(encoding="utf-8"))
    return data["portals"] if isinstance(data, dict) else data


def load(file: str | os.PathLike | None = None) -> list[dict]:
    """The portals of the registry file, then the demo portals, validated together."""
    portals = _entries(file or path()) + [{**p, "demo": True} for p in _entries(DEMO)]
    validate(portals)
    return portals


def validate(portals: list[dict]) -> None:
    from .families import NAMES

    seen = set()
    for p in portals:
        for key in REQUIRED:
            if not p.get(key):
                raise ValueError(f"portal {p.get('id')!r}: '{key}' is required")
        if not ID.match(p["id"]):
            raise ValueError(f"portal id {p['id']!r}: lower-case letters, digits and '-' only")
        if p["id"] in seen or p["id"] == "discover":
            raise ValueError(f"portal id {p['id']!r} is used twice (or reserved)")
        seen.add(p["id"])
        if p["family"] not in NAMES:
            raise ValueError(f"portal {p['id']}: family {p['family']!r} is not one of {NAMES}")
        if p.get("level") and p["level"] not in LEVELS:
            raise ValueError(f"portal {p['id']}: level {p['level']!r} is not one of {LEVELS}")
        for s in p["start_urls"]:
            url = s["url"] if isinstance(s, dict) else s
            if not re.match(r"^(https?://|\{demo\})", url):
                raise ValueError(f"portal {p['id']}: start URL {url!r} is not http(s)")


def get(portal_id: str) -> dict:
    for p in load():
        if p["id"] == portal_id:
            return p
    raise KeyError(portal_id)


def demo_portals() -> list[dict]:
    return [p for p in load() if p.get("demo")]
