"""Chromium's launch arguments: the memory switches keep Playwright's own feature lists.

Chromium keeps only the last ``--enable-features`` and the last ``--disable-features`` it is
given, and Playwright passes its own before ours: ours must carry Playwright's lists whole, or
the features Playwright turns off for automation come back on. The lists are read from the
installed Playwright driver, so an upgrade that changes them fails here."""

from __future__ import annotations

import re
from pathlib import Path

import playwright
import pytest

from crawler import settings
from crawler.browser import (PLAYWRIGHT_DISABLED_FEATURES, PLAYWRIGHT_ENABLED_FEATURES,
                             browser_memory_args, browser_network_args)

BUNDLE = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"


def _playwright_list(name: str) -> set[str]:
    if not BUNDLE.exists():
        pytest.skip(f"no Playwright driver bundle at {BUNDLE}")
    found = re.search(name + r" = (?:\(\) => )?\[(.*?)\]\.filter", BUNDLE.read_text("utf-8"), re.S)
    assert found, f"Playwright's {name} not found in {BUNDLE}: its layout changed"
    return set(re.findall(r'"([A-Za-z0-9]+)"', re.sub(r"//[^\n]*", "", found.group(1))))


def _switch(args: list[str], name: str) -> list[str]:
    (value,) = [a.split("=", 1)[1] for a in args if a.startswith(name + "=")]
    return value.split(",")


def test_our_feature_switches_carry_playwrights():
    assert _playwright_list("disabledFeatures") <= set(PLAYWRIGHT_DISABLED_FEATURES)
    assert _playwright_list("enabledFeatures") <= set(PLAYWRIGHT_ENABLED_FEATURES)
    args = browser_memory_args()
    assert set(PLAYWRIGHT_DISABLED_FEATURES) < set(_switch(args, "--disable-features"))
    assert set(PLAYWRIGHT_ENABLED_FEATURES) < set(_switch(args, "--enable-features"))


def test_the_crawler_launches_chromium_with_them_once():
    args = settings.PLAYWRIGHT_LAUNCH_OPTIONS["args"]
    for name in ("--enable-features", "--disable-features"):
        assert len([a for a in args if a.startswith(name + "=")]) == 1, name
    assert "--in-process-gpu" in args
    assert settings.PLAYWRIGHT_LAUNCH_OPTIONS["chromium_sandbox"] is True


def test_without_a_proxy_chromiums_services_resolve_nowhere():
    (rules,) = browser_network_args({})
    assert rules.startswith("--host-resolver-rules=MAP *.google.com ~NOTFOUND,")
    assert "MAP update.googleapis.com ~NOTFOUND" in rules
    (pac,) = browser_network_args({"http": "http://10.0.0.1:3128"})
    assert pac.startswith("--proxy-pac-url=data:application/x-ns-proxy-autoconfig;base64,")
