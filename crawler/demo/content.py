"""The demo portal's report files: synthetic reports with known cells, built once into a cache.

The reports come from the report generator (``generator.py``): it renders a report
with known cells as HTML, DOCX, XLSX and, through LibreOffice, PDF, DOC and XLS. LibreOffice is
slow (a second or two per process start), so files are built in batches, one ``soffice`` process
per target format, and kept in ``<root>/files/`` under a name that hashes everything they are
made from; a second start finds them there and builds nothing.

    specs = [ReportSpec("trs-01", seed=1, year=2023, organ="盐池县人民政府", fmt="pdf"), ...]
    built = build_reports(root_dir, specs)       # {key: Built}
    built["trs-01"].path, built["trs-01"].truth

Formats (``ReportSpec.fmt``): ``html`` (nothing to build: the page is rendered from the report
at request time), ``pdf``, ``scan`` (an image-only PDF, no text layer), ``doc``, ``wps`` (DOC
bytes under another name, as Kingsoft saves them), ``docx``, ``xls``, ``xlsx``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import fcntl
import hashlib
import inspect
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from parsers.detect import MEDIA_TYPES

from . import generator as g

# Bump when the way files are made changes, so old caches are not reused.
CONTENT_VERSION = 1

FORMATS = ("html", "pdf", "scan", "doc", "wps", "docx", "xls", "xlsx")
EXTENSION = {"html": "html", "pdf": "pdf", "scan": "pdf", "doc": "doc", "wps": "wps",
             "docx": "docx", "xls": "xls", "xlsx": "xlsx"}
# As a web server would label each file (a WPS file is unknown to it: octet-stream).
CONTENT_TYPE = {f: MEDIA_TYPES.get(ext, "application/octet-stream") for f, ext in EXTENSION.items()}

# The generator's functions each format's bytes depend on (besides the report's content, which
# the HTML rendering and the truth stand for): a change elsewhere in the generator keeps the cache.
RENDERERS = {
    "docx": ("to_docx", "_docx_table", "layout", "blocks"),
    "xlsx": ("to_xlsx", "_xlsx_value", "layout"),
    "html": ("to_html", "html_body", "_html_table", "blocks"),
    "scan": ("to_scanned_pdf", "page_images"),
}


def render_digest(spec: "ReportSpec", rep) -> str:
    """What a spec's file is made from: the spec, the report as rendered, the renderers' code."""
    parts = [json.dumps([CONTENT_VERSION, dataclasses.astuple(spec)], ensure_ascii=False, default=list),
             g.to_html(rep, chrome=False).decode("utf-8"),
             json.dumps(truth_of(rep), sort_keys=True, ensure_ascii=False, default=str)]
    if spec.fmt in ("xls", "xlsx"):
        kinds = ["xlsx"]
    elif spec.fmt in ("pdf", "scan") and spec.source == "html":
        kinds = ["html"]
    else:
        kinds = ["docx"]
    if spec.fmt == "scan":
        kinds.append("scan")
    for kind in kinds:
        for name in RENDERERS[kind]:
            parts.append(inspect.getsource(getattr(g, name)))
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class ReportSpec:
    """One report document to serve: which report (seed, year, organ) in which format."""

    key: str                      # unique, also the document id in the manifest
    seed: int
    year: int
    organ: str                    # the issuing body as printed
    fmt: str = "html"
    organ_truth: str | None = None  # the name a parser must report (default: as printed)
    short: str | None = None      # how the prose names the organ (我县, 我镇, 我局…)
    source: str = "docx"          # what a PDF is printed from: "docx" or "html"
    options: tuple = ()           # extra generator options, ((name, value), ...)
    edits: tuple = ()             # revised cells, (((table, row, col), value), ...)

    def __post_init__(self):
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown format {self.fmt!r}")

    @property
    def ext(self) -> str:
        return EXTENSION[self.fmt]

    def file_name(self, digest: str) -> str:
        return f"{self.key.replace('/', '_')}-{digest}.{self.ext}"


@dataclass
class Built:
    spec: ReportSpec
    report: object                # the generator's Report
    path: Path | None             # the file; None for html
    sha256: str | None = None
    truth: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.report.title

    def data(self) -> bytes:
        return self.path.read_bytes()


def short_name(organ: str) -> str:
    for suffix, short in (("街道办事处", "我街道"), ("镇人民政府", "我镇"), ("乡人民政府", "我乡"),
                          ("县人民政府", "我县"), ("区人民政府", "我区"), ("市人民政府", "我市"),
                          ("委员会", "我委"), ("局", "我局"), ("办公室", "我办")):
        if organ.endswith(suffix):
            return short
    return "我单位"


def _printed(rep, value) -> str:
    text = f"{value:,}" if rep.opts.thousands else str(value)
    return text.translate(g.FULLWIDTH) if rep.opts.fullwidth else text


def make_report(spec: ReportSpec):
    """The generator's report for a spec: its numbers from the seed, the organ as planned."""
    rep = g.generate(spec.seed, year=spec.year, **dict(spec.options))
    rep.organ_printed = spec.organ
    rep.organ = spec.organ_truth or spec.organ
    rep.short = spec.short or short_name(rep.organ)
    # The prose names the organ ("我镇"): write it again for the new one.
    rep.prose = g._prose(rep, random.Random(spec.seed * 7 + 1))
    for (table, row, col), value in spec.edits:
        rep.values[(table, row, col)] = value
        rep.printed[(table, row, col)] = _printed(rep, value)
    return rep


def revisable_cell(rep) -> tuple[str, str, str]:
    """A cell that no consistency check covers (table 二), to change in a revision."""
    for key in sorted(rep.values):
        if key[0] == "active" and isinstance(rep.values[key], int) and key[2] != "delta":
            return key
    raise ValueError("no integer cell in table 二")


def truth_of(rep) -> dict:
    out = rep.truth()
    out["title"] = rep.title
    out["expected_failures"] = [list(f) for f in rep.expected_failures]
    out["placeholder_cells"] = [list(k) for k in rep.placeholder_cells()]
    return out


# --- building ----------------------------------------------------------------------------------

def _source_bytes(spec: ReportSpec) -> tuple[str, bytes]:
    """The file LibreOffice starts from (or the final file, for docx and xlsx)."""
    rep = make_report(spec)
    if spec.fmt in ("xls", "xlsx"):
        return "xlsx", g.to_xlsx(rep, one_sheet=spec.seed % 3 != 0)
    if spec.fmt in ("pdf", "scan") and spec.source == "html":
        return "html", g.to_html(rep, chrome=False)
    return "docx", g.to_docx(rep)


def _pool_map(fn, items, workers: int):
    if workers <= 1 or len(items) < 3:
        return [fn(i) for i in items]
    try:
        ctx = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            return list(pool.map(fn, items))
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return [fn(i) for i in items]


def soffice_batch(files: dict[str, bytes], src_ext: str, target: str,
                  infilter: str | None = None) -> dict[str, bytes]:
    """Convert many files in one LibreOffice process: {stem: bytes} -> {stem: converted}."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise RuntimeError("LibreOffice (soffice) is needed to build the demo's PDF/DOC/XLS files")
    with tempfile.TemporaryDirectory(prefix="xxgk-demo-lo-") as tmp:
        tmpdir = Path(tmp)
        srcs = []
        for stem, data in files.items():
            p = tmpdir / f"{stem}.{src_ext}"
            p.write_bytes(data)
            srcs.append(str(p))
        profile = tmpdir / f"profile-{uuid.uuid4().hex}"
        cmd = [office, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--nolockcheck"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", target, "--outdir", str(tmpdir / "out")] + srcs
        res = subprocess.run(cmd, capture_output=True, timeout=120 + 20 * len(files))
        out = {}
        for stem in files:
            found = list((tmpdir / "out").glob(f"{stem}.*"))
            if not found:
                raise RuntimeError(f"soffice did not convert {stem} to {target} (rc={res.returncode}): "
                                   f"{res.stderr.decode(errors='replace')[-300:]}")
            out[stem] = found[0].read_bytes()
        return out


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def build_reports(out_dir: str | os.PathLike, specs: list[ReportSpec], workers: int = 2,
                  log=None, prune: bool = False) -> dict[str, Built]:
    """Every spec's file under ``out_dir/files/``, built if missing; {key: Built}. ``prune``
    (the full set of specs was given): drop day-old files no spec names."""
    out_dir = Path(out_dir)
    files_dir = out_dir / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    say = log or (lambda msg: None)
    keys = [s.key for s in specs]
    if len(set(keys)) != len(keys):
        raise ValueError("report keys must be unique")

    reports = {s.key: make_report(s) for s in specs}
    names = {s.key: s.file_name(render_digest(s, reports[s.key])) for s in specs if s.fmt != "html"}
    with _locked(out_dir / ".build.lock"):
        todo = [s for s in specs if s.fmt != "html" and not (files_dir / names[s.key]).exists()]
        if todo:
            say(f"building {len(todo)} report files in {files_dir} (LibreOffice for PDF/DOC/XLS)")
            sources = dict(zip([s.key for s in todo], _pool_map(_source_bytes, todo, workers)))
            results: dict[str, bytes] = {}
            stems = {s.key: f"f{i:03d}" for i, s in enumerate(todo)}
            batches: dict[tuple, dict[str, bytes]] = {}
            for s in todo:
                src_ext, data = sources[s.key]
                if s.fmt in ("docx", "xlsx"):
                    results[s.key] = data
                    continue
                if s.fmt in ("pdf", "scan"):
                    job = (src_ext, "pdf", None) if src_ext == "docx" else \
                        ("html", "pdf:writer_pdf_Export", "HTML (StarWriter)")
                elif s.fmt in ("doc", "wps"):
                    job = ("docx", "doc:MS Word 97", None)
                else:  # xls
                    job = ("xlsx", "xls:MS Excel 97", None)
                batches.setdefault(job, {})[stems[s.key]] = data
            by_stem = {v: k for k, v in stems.items()}
            for (src_ext, target, infilter), files in batches.items():
                say(f"  soffice: {len(files)} x {src_ext} -> {target}")
                for stem, data in soffice_batch(files, src_ext, target, infilter).items():
                    results[by_stem[stem]] = data
            for s in todo:
                if s.fmt == "scan":
                    results[s.key] = g.to_scanned_pdf(results[s.key], dpi=150)
                _write(files_dir / names[s.key], results[s.key])
        if prune:
            _prune(files_dir, set(names.values()))

    built = {}
    for s in specs:
        rep = reports[s.key]
        path = None if s.fmt == "html" else files_dir / names[s.key]
        sha = hashlib.sha256(path.read_bytes()).hexdigest() if path else None
        built[s.key] = Built(s, rep, path, sha, truth_of(rep))
    return built


def _prune(files_dir: Path, keep: set, max_age: float = 86400) -> None:
    """Drop files no spec names any more, once they are a day old (another server may use them)."""
    now = time.time()
    for path in files_dir.iterdir():
        try:
            if path.name not in keep and now - path.stat().st_mtime > max_age:
                path.unlink()
        except OSError:
            pass
