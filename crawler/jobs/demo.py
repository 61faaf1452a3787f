"""The demo: start the bundled demo portal on 127.0.0.1, crawl its sites with the real spiders
(the nightly job's machinery), parse, diff, and leave an archive to browse."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from archive import queries
from archive.db import read_only
from archive.paths import Layout
from crawler.demo import LOCAL_SETTINGS
from crawler.demo.server import serve
from crawler.demo.site import DemoSite

from . import nightly

log = logging.getLogger("xxgk.demo")


@dataclass
class DemoResult:
    nightly: nightly.NightlyResult
    reports: int            # reports archived from the demo portals
    parsed: int
    cells: int
    failing: int            # reports failing their consistency checks
    on_portal: int          # reports the demo portal publishes


def run(data=None, port: int = 0, jobs: int = 2, echo=log.info) -> DemoResult:
    """Build the demo portal's files under ``<data>/demo-site`` (once: LibreOffice, about a
    minute), serve them, crawl the demo portals ``jobs`` at a time, and stop the server."""
    layout = Layout(data).create()
    echo(f"building the demo portal's files under {layout.root / 'demo-site'} …")
    site = DemoSite(layout.root / "demo-site", seed=2024)
    server, port = serve(site=site, port=port)
    base = f"http://127.0.0.1:{port}"
    echo(f"demo portal on {base}/")
    try:
        result = nightly.run([], data=layout.root, demo=True, jobs=jobs, settings=LOCAL_SETTINGS,
                             env_extra={"XXGK_DEMO_URL": base})
    finally:
        server.stop()
    with read_only(layout.db) as db:
        s = queries.portal_summary(db, "demo-%")
    return DemoResult(result, s["reports"], s["parsed"] or 0, s["cells"] or 0, s["failing"] or 0,
                      len({d["report_key"] for d in site.reports()}))
