"""Coverage of a division in a year: the organs expected in it (``expected_organs``: the
registry's sites, the organs directories name) against the reports the archive found, per part
of the division, with what the archive can say of each organ and no more:

- ``on_time``: a report, dated before its deadline by its page, URL or document, or first
  fetched before the deadline (an upper bound that proves "on time" and nothing else);
- ``late``: a report whose publication date (a page, URL or document date, archive/dates.py)
  is after the deadline;
- ``undated``: a report nothing dates on either side of the deadline;
- ``missing``: no report found, though the organ's portal was crawled completely (the crawl
  that says so is named);
- ``not_crawled``: no report found, and no complete crawl of the organ's portal: the archive
  cannot tell whether the organ published.

Coverage is reported / expected; a part with nothing expected has no coverage (not 0 %).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from . import queries
from .changes.completeness import completeness

STATES = ("on_time", "late", "undated", "missing", "not_crawled")
REPORTED = ("on_time", "late", "undated")


@dataclass
class Counts:
    """How many organs expected in an area are in each state."""
    expected: int = 0
    on_time: int = 0
    late: int = 0
    undated: int = 0
    missing: int = 0
    not_crawled: int = 0

    @property
    def reported(self) -> int:
        return self.on_time + self.late + self.undated

    @property
    def coverage(self) -> float | None:
        """reported / expected; None when nothing is expected (no expectation known)."""
        return self.reported / self.expected if self.expected else None

    def add(self, state: str) -> None:
        self.expected += 1
        setattr(self, state, getattr(self, state) + 1)

    def as_dict(self) -> dict:
        return {**asdict(self), "reported": self.reported, "coverage": self.coverage}


@dataclass
class RegionCoverage:
    """A division's coverage in a year: the whole area, each part, the division's own organs
    (in no part), and the expected organs in each state (the first ``limit`` of each), each
    with its ``state`` and, without a report, its portal's ``crawl``."""
    total: Counts = field(default_factory=Counts)
    parts: dict[str, Counts] = field(default_factory=dict)
    own: Counts = field(default_factory=Counts)
    listed: dict[str, list[dict]] = field(default_factory=lambda: {s: [] for s in STATES})


# Whether a crawl completed never changes once it has ended: kept, by archive and crawl.
_complete: dict[tuple[str, str], tuple[bool, str | None]] = {}


def _database_file(db) -> str:
    return next((r["file"] for r in db.query("PRAGMA database_list") if r["name"] == "main"), "")


def last_complete_crawls(db, portals) -> dict[str, dict]:
    """Each portal's latest complete crawl (``id``, ``ended_at``), or, for a portal with none,
    ``{"id": None, "reason": …}`` saying why (never crawled, or why its last crawl is
    incomplete)."""
    here = _database_file(db)
    found = queries.finished_crawls_of(db, portals)
    out = {}
    for portal in {p for p in portals if p}:
        out[portal] = {"id": None, "ended_at": None, "reason": "never crawled"}
        for i, crawl in enumerate(found.get(portal, ())):
            key = (here, crawl["id"])
            if key not in _complete:
                c = completeness(db, crawl["id"])
                _complete[key] = (c.complete, c.reason)
            complete, reason = _complete[key]
            if complete:
                out[portal] = crawl
                break
            if i == 0:
                out[portal] = {"id": None, "ended_at": None, "reason": reason}
    return out


def state_of(organ: queries.ExpectedOrgan, crawled: dict | None) -> str:
    if organ.report_id is not None:
        return {1: "late", 0: "on_time"}.get(organ.late, "undated")
    return "missing" if crawled and crawled.get("id") else "not_crawled"


def region_coverage(db, code: str | None, level: int, year: int | None,
                    limit: int | None = None) -> RegionCoverage:
    """The coverage of division ``code`` (None: the country; ``level`` 0) in ``year``, with
    the first ``limit`` organs of each state listed (all when None)."""
    out = RegionCoverage()
    if year is None:
        return out
    organs = queries.expected_in(db, code, level, year)
    crawls = last_complete_crawls(db, {o.portal for o in organs if o.report_id is None})
    for o in organs:
        crawl = crawls.get(o.portal)
        state = state_of(o, crawl)
        out.total.add(state)
        (out.parts.setdefault(o.part, Counts()) if o.part else out.own).add(state)
        if limit is None or len(out.listed[state]) < limit:
            out.listed[state].append({**o._asdict(), "state": state, "crawl": crawl})
    return out
