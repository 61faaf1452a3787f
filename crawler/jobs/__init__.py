"""Jobs that drive crawls: ``nightly`` (crawl every portal, parse, diff, report, alert) and
``demo`` (the same over the bundled demo portal)."""
