"""Helpers for the archive tests: sample report files and a filled archive (real parsers, real
SQLite; nothing mocked)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

DATA = Path(__file__).parent / "data"
from conftest import REAL_PDFS, SEEDS  # noqa: E402 - report files of the shared corpus
ROOT = Path(__file__).parent.parent

# Words placed in the sample texts for the search tests: 1, 2, 3 and 5 characters long, chosen
# so that no seed report contains them by chance.
MARKS = {
    "A": ["本机关收到关于鼋的申请。", "涉及鹬蚌之争。", "附蒲公英种子一包。"],
    "B": ["涉及鹬蚌之争。", "另有鹦鹉螺化石一件。"],
    "C": ["另有鹦鹉螺化石一件。", "附蒲公英种子一包。", "本机关收到关于鼋的申请。"],
    "D": [],
}


def seed_variant(i: int, extra: list[str] | None = None) -> bytes:
    """A seed report with a numbered line (and any extra lines) appended: new bytes each."""
    text = SEEDS[i % len(SEEDS)].read_text(encoding="utf-8")
    lines = [text.rstrip("\n"), f"附注：样本编号 {i}。", *(extra or [])]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_variants(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"report_{i:03d}.txt"
        p.write_bytes(seed_variant(i))
        paths.append(p)
    return paths


def marked_archive(arc) -> dict[str, str]:
    """Ingest the four marked reports (with URLs) and the real PDFs; return letter -> sha256."""
    from archive.ingest import ingest_file

    out = {}
    tmp = Path(arc.layout.root) / "_samples"
    tmp.mkdir(exist_ok=True)
    for n, (letter, extra) in enumerate(MARKS.items()):
        p = tmp / f"{letter}.txt"
        p.write_bytes(seed_variant(n, extra))
        res = ingest_file(arc, p, url=f"http://www.example.gov.cn/xxgk/{letter}.html",
                          portal="example")
        out[letter] = res["sha256"]
    for pdf in REAL_PDFS:
        res = ingest_file(arc, pdf, url=f"http://www.example.gov.cn/xxgk/{pdf.name}",
                          portal="example")
        out[pdf.stem] = res["sha256"]
    return out


def xxgk(*args, **kw) -> subprocess.CompletedProcess:
    """Run the real ``xxgk`` command (as ``python -m crawler.cli``)."""
    return subprocess.run([sys.executable, "-m", "crawler.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=kw.pop("timeout", 300),
                          **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, *options: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--data", str(data),
                             "--port", str(port), *options], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode())
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("xxgk serve did not start")


def marked_data(tmp_path_factory, name: str) -> Path:
    """A data directory holding the marked archive (:func:`marked_archive`)."""
    from archive.store import Archive

    root = tmp_path_factory.mktemp(name)
    arc = Archive(root)
    marked_archive(arc)
    arc.close()
    return root


@contextmanager
def serving(data: Path, *options: str):
    """A real ``xxgk serve`` on the data directory: its URL, for the block's time."""
    proc, url = start_server(data, *options)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


async def started_datasette(data: Path, **kw):
    """The archive's Datasette on the data directory, started."""
    from archive.datasette_app import make_datasette

    ds = make_datasette(data, **kw)
    await ds.invoke_startup()
    return ds


# Debian's Chromium, as the browser tests drive it through Playwright.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def marked_fixtures(name: str):
    """The fixtures ``data`` (the marked archive, once a module) and ``ds`` (its Datasette,
    started): ``data, ds = marked_fixtures("pages")`` in a test module."""
    import pytest
    import pytest_asyncio

    @pytest.fixture(scope="module")
    def data(tmp_path_factory):
        return marked_data(tmp_path_factory, name)

    @pytest_asyncio.fixture
    async def ds(data):
        return await started_datasette(data)

    return data, ds


def marked_server_fixture(name: str, *options: str):
    """The fixture ``server``: a real ``xxgk serve`` of the marked archive, once a module."""
    import pytest

    @pytest.fixture(scope="module")
    def server(tmp_path_factory):
        with serving(marked_data(tmp_path_factory, name), *options) as url:
            yield url

    return server


def browser_fixtures():
    """The fixtures ``shots`` (where screenshots go: ``$XXGK_SCREENSHOTS`` or a temporary
    folder), ``browser`` (Debian's Chromium through Playwright, once a module) and ``page`` (a
    new page of a 1280×900 zh-CN context, downloads allowed):
    ``shots, browser, page = browser_fixtures()`` in a test module."""
    import pytest

    @pytest.fixture(scope="module")
    def shots(tmp_path_factory):
        folder = Path(os.environ.get("XXGK_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @pytest.fixture(scope="module")
    def browser():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield b
            b.close()

    @pytest.fixture
    def page(browser):
        context = browser.new_context(accept_downloads=True,
                                      viewport={"width": 1280, "height": 900}, locale="zh-CN")
        pg = context.new_page()
        yield pg
        context.close()

    return shots, browser, page
