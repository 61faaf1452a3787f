"""Scrapy settings for the xxgk crawler (``scrapy.cfg``: ``default = crawler.settings``).

Every value can be changed on the command line (``scrapy crawl ID -s NAME=VALUE``) and most per
portal in ``crawler/portals.json`` (``"settings": {...}``). See docs/crawler.md.
"""

from __future__ import annotations

import json
import os

from crawler.browser import browser_memory_args, browser_network_args, chromium_executable
from parsers.limits import MAX_FILE_BYTES

BOT_NAME = "xxgk"
SPIDER_MODULES = ["crawler.spiders"]
# The registry's portals are spiders too, each built when asked for (crawler/spiders/loader.py).
SPIDER_LOADER_CLASS = "crawler.spiders.loader.RegistrySpiderLoader"
NEWSPIDER_MODULE = "crawler.spiders"

# --- politeness ----------------------------------------------------------------------------------
XXGK_CONTACT_URL = os.environ.get("XXGK_CONTACT_URL", "https://github.com/xxgk-archive/xxgk-archive")
USER_AGENT = (f"Mozilla/5.0 (compatible; xxgk-archive/0.1; +{XXGK_CONTACT_URL}) "
              "open-government annual-report archive")
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5      # ±50 %
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
# A body the server stopped sending (no byte for this long) is kept as it came and marked, not
# waited on until DOWNLOAD_TIMEOUT, which bounds a whole download (crawler/http_handler.py).
XXGK_DOWNLOAD_IDLE_TIMEOUT = 20
# A body past it (on the wire, or once inflated) is kept as far as the limit, with its error
# (crawler/middlewares/sizelimit.py); the limit is the parser's, parsers/limits.py.
DOWNLOAD_MAXSIZE = MAX_FILE_BYTES
DOWNLOAD_WARNSIZE = 64 * 1024 * 1024
# Budget per portal (every portal is its own spider): depth and responses.
DEPTH_LIMIT = 12
DEPTH_PRIORITY = 0
CLOSESPIDER_PAGECOUNT = 5000
URLLENGTH_LIMIT = 1000
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
}

# --- retries: transient 5xx, 429, WAF 418 and timeouts, with exponential back-off ---------------
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429, 418]
XXGK_BACKOFF_BASE = 2.0        # seconds; attempt n waits base * 2**(n-1), jittered
XXGK_BACKOFF_MAX = 120.0

# Every response reaches the spider (it is archived even when it is an error page).
HTTPERROR_ALLOW_ALL = True
# Meta refresh is judged by the spider (a soft-deleted page refreshes to its column).
METAREFRESH_ENABLED = False
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = True
# One fetch per page: a reordered query, a cache-buster or a navigation switch is the same page.
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprint.CanonicalFingerprinter"

DOWNLOADER_MIDDLEWARES = {
    # robots.txt fetched once per distributed crawl, not once per worker (Scrapy's own otherwise)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.SharedRobotsTxtMiddleware": 100,
    # engine side
    "crawler.middlewares.resume.ResumeSkipMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    "crawler.middlewares.challenge.ChallengeMiddleware": 560,
    "crawler.middlewares.encoding.EncodingMiddleware": 570,
    "crawler.middlewares.conditional.ConditionalRequestMiddleware": 585,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.sizelimit.SizeLimitMiddleware": 590,
    # 600 RedirectMiddleware
    "crawler.middlewares.capture.RawCaptureMiddleware": 650,
    # 700 CookiesMiddleware; downloader side
    # the host's turn is taken last, after 900 DownloaderStats
    "crawler.middlewares.hostslot.HostSlotMiddleware": 990,   # distributed only
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.journal.JournalSpiderMiddleware": 100,
    "crawler.middlewares.inflight.InflightSpiderMiddleware": 950,   # distributed only
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "crawler.watchdog.CrawlWatchdog": 100,
    # A distributed crawl's page count is the crawl's, not each worker's (crawler/closespider.py).
    "scrapy.extensions.closespider.CloseSpider": None,
    "crawler.closespider.SharedCloseSpider": 0,
}
REMOTE_CONTROL_ENABLED = False  # no listening port
TELNETCONSOLE_ENABLED = False

# A body the server cut short (its connection closed before Content-Length, or a broken chunk)
# reaches the spider flagged 'dataloss' and is kept, marked truncated (middlewares/sizelimit.py).
DOWNLOAD_FAIL_ON_DATALOSS = False

# --- the archive -------------------------------------------------------------------------------
XXGK_ARCHIVE_ENABLED = True     # False: items only (feeds, tests, `scrapy bench`-like runs)
XXGK_DATA = None                # data directory; default $XXGK_DATA, else ./data
XXGK_SYNCHRONOUS = None         # SQLite durability: NORMAL, FULL, EXTRA; default $XXGK_SYNCHRONOUS,
                                # else NORMAL (the nightly job runs its crawls with FULL)
XXGK_RESUME = True              # pick up the portal's crawl that was killed
XXGK_RECHECK = True             # at the end, fetch known reports no list led to (takedowns)
XXGK_CONDITIONAL = True         # If-None-Match / If-Modified-Since from the archive
XXGK_DEMO_URL = os.environ.get("XXGK_DEMO_URL", "http://127.0.0.1:8765")
XXGK_XXGK_HOPS = 3              # pages walked inside 政府信息公开 before a 年报 column is found
XXGK_MAX_LIST_PAGES = 200       # pages of one column (paging traps)
XXGK_RENDER_EMPTY_LISTS = True  # a 年报 list with no links, or a script-only pager, is rendered once
XXGK_CHALLENGE_MAX_PASSES = 4   # Chromium passes of a host's JS cookie challenge in one crawl
XXGK_CHALLENGE_WAIT = 20.0      # seconds a challenge page is given to set its cookie
# --- the crawl always ends (crawler/watchdog.py, crawler/browser.py) ----------------------------
XXGK_BROWSER_STEP_TIMEOUT = 30.0  # seconds one browser step (a click, reading the page) may take
XXGK_BROWSER_PAGE_TIMEOUT = 45.0  # seconds the browser may take to load and read one page
XXGK_STALL_TIMEOUT = 900        # no response, byte or item for this long: the crawl closes, 'stalled'
XXGK_CLOSE_GRACE = 30           # seconds a closing crawl (stalled, SIGTERM) has before the process ends

# --- distributed crawl (docs/distributed.md): off unless XXGK_REDIS_URL is set ------------------
XXGK_REDIS_URL = None           # redis://host:6379/0: a shared frontier, records to the writer
XXGK_CRAWL_ID = None            # the crawl the writer began, which this worker joins
XXGK_HOST_DELAY = 0.0           # seconds between requests to one host, across every worker

# --- browser (scrapy-playwright), used only for JS-only lists and JS challenges -----------------
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser_handler.WatchedPlaywrightHandler",
    "https": "crawler.browser_handler.WatchedPlaywrightHandler",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Chromium renders untrusted pages with its own sandbox on: as root, through a wrapper that runs
# it as an unprivileged user (crawler/browser.py, docs/crawler.md).
PLAYWRIGHT_LAUNCH_OPTIONS = json.loads(os.environ.get("PLAYWRIGHT_LAUNCH_OPTIONS") or "null") or {
    "executable_path": chromium_executable(),
    "headless": True,
    "chromium_sandbox": True,       # Playwright adds --no-sandbox unless told so
    "args": ["--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync",
             *browser_memory_args()],
}
# Chromium's network: behind a proxy (http_proxy/https_proxy, as Scrapy's HttpProxyMiddleware
# reads them for plain requests) through it too, and never to Google's services (crawler/browser.py).
if "proxy" not in PLAYWRIGHT_LAUNCH_OPTIONS and not any(
        a.startswith("--proxy") for a in PLAYWRIGHT_LAUNCH_OPTIONS.get("args", [])):
    PLAYWRIGHT_LAUNCH_OPTIONS["args"] = [*PLAYWRIGHT_LAUNCH_OPTIONS.get("args", []), *browser_network_args()]
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_ABORT_REQUEST = "crawler.browser.abort_browser_request"

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
