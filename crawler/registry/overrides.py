"""The overrides committed in the project (``crawler/portals.json``, or the file named by
``$XXGK_PORTALS``): hand-checked start URLs, families, hosts and settings of portals. Each is
merged into the synced site it matches; an override that matches none is a portal of its own.

An override matches a synced site by its ``site_code`` when it names one; else the site it
matched before (the site kept the override's id, even if its home page moved since); else by
host: a site whose home page is on one of the override's hosts (its start URLs' and ``hosts``,
``www.`` aside), in the override's ``region_code`` when it gives one. A match must be unique.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT = Path(__file__).resolve().parents[1] / "portals.json"
# What the official data says of a site wins over the override's own copy of it.
FACTS = ("name", "organ", "site_code", "region_code", "level", "parent", "province", "region",
         "url", "site_type")


def path() -> Path:
    return Path(os.environ.get("XXGK_PORTALS") or DEFAULT)


def entries(file: str | os.PathLike) -> list[dict]:
    data = json.loads(Path(file).read_text(encoding="utf-8"))
    return data["portals"] if isinstance(data, dict) else data


def load(file: str | os.PathLike | None = None) -> list[dict]:
    return entries(file or path())


def host(value: str | None) -> str:
    """A URL's or a host's name, lower case, without port and ``www.``."""
    if not value:
        return ""
    name = urlsplit(value).hostname if "//" in value else value.split("/")[0].split(":")[0]
    name = (name or "").lower()
    return name[4:] if name.startswith("www.") else name


def start_url(entry: dict) -> str | None:
    """The entry's home page: its ``url``, else its first start URL."""
    if entry.get("url"):
        return entry["url"]
    for s in entry.get("start_urls") or []:
        return s["url"] if isinstance(s, dict) else s
    return None


def hosts(entry: dict) -> set[str]:
    urls = [s["url"] if isinstance(s, dict) else s for s in entry.get("start_urls") or []]
    return {h for h in map(host, urls + list(entry.get("hosts") or [])) if h}


def match(overrides: list[dict], sites: list[dict]) -> dict[str, dict]:
    """{override id: the site it matches}; ``sites`` are dicts with ``site_code``, ``url``,
    ``region_code`` and the ``portal`` id they had. An override matching several sites, or a
    site already taken, matches none."""
    by_code = {s["site_code"]: s for s in sites if s.get("site_code")}
    by_id = {s["portal"]: s for s in sites if s.get("portal")}
    by_host: dict[str, list[dict]] = defaultdict(list)
    for s in sites:
        if s.get("url"):
            by_host[host(s["url"])].append(s)
    out: dict[str, dict] = {}
    used: set[int] = set()
    for o in overrides:
        if o.get("site_code"):
            cands = [by_code[o["site_code"]]] if o["site_code"] in by_code else []
        elif o["id"] in by_id:
            cands = [by_id[o["id"]]]
        else:
            cands = list({id(s): s for h in hosts(o) for s in by_host.get(h, [])}.values())
            if o.get("region_code"):
                cands = [s for s in cands if s.get("region_code") == o["region_code"]]
        if len(cands) == 1 and id(cands[0]) not in used:
            out[o["id"]] = cands[0]
            used.add(id(cands[0]))
    return out


def merged(site_entry: dict, override: dict) -> dict:
    """A synced site's entry with an override's crawl settings and id."""
    notes = "; ".join(n for n in (override.get("notes"), site_entry.get("notes")) if n)
    out = {**override, **{k: site_entry[k] for k in FACTS if site_entry.get(k) is not None}}
    out.update(id=override["id"], synced=True, override=True, notes=notes)
    return out
