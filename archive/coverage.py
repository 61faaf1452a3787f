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

from collections import Counter
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
        return sum(getattr(self, s) for s in REPORTED)

    @property
    def coverage(self) -> float | None:
        """reported / expected; None when nothing is expected (no expectation known)."""
        return self.reported / self.expected if self.expected else None

    def add(self, state: str, n: int = 1) -> None:
        self.expected += n
        setattr(self, state, getattr(self, state) + n)

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
    never = {"id": None, "ended_at": None, "reason": "never crawled"}
    out = {}
    for portal, crawls in queries.finished_crawls_of(db, portals).items():
        for i, (crawl_id, ended_at) in enumerate(crawls):
            key = (here, crawl_id)
            if key not in _complete:
                c = completeness(db, crawl_id)
                _complete[key] = (c.complete, c.reason)
            complete, reason = _complete[key]
            if complete:
                out[portal] = {"id": crawl_id, "ended_at": ended_at}
                break
            if i == 0:
                out[portal] = {"id": None, "ended_at": None, "reason": reason}
    return {p: out.get(p, never) for p in portals if p}


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
    # An organ is its name in its division (as division_coverage counts it): named by the
    # registry and by a directory, it is one organ, reported if either row found a report.
    one: dict[tuple, queries.ExpectedOrgan] = {}
    for o in queries.expected_in(db, code, level, year):
        key = (o.organ, o.region_code or "")
        if key not in one or (one[key].report_id is None and o.report_id is not None):
            one[key] = o
    organs = list(one.values())
    crawls = last_complete_crawls(db, {o.portal for o in organs if o.report_id is None})
    tally: Counter = Counter()
    for o in organs:
        crawl = crawls.get(o.portal) if o.report_id is None else None
        state = state_of(o, crawl)
        tally[o.part, state] += 1
        if limit is None or len(out.listed[state]) < limit:
            out.listed[state].append({**o._asdict(), "state": state, "crawl": crawl})
    for (part, state), n in tally.items():
        counts = out.parts.setdefault(part, Counts()) if part else out.own
        counts.add(state, n)
        out.total.add(state, n)
    return out
