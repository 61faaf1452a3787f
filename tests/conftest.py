"""Where the tests find report files, and helpers to compare cells.

Report files that came from other repositories (the seed reports, the real PDFs) are not part
of the project: they stay in the shared corpus beside it (``<project root>/../shared/corpus``),
and a test that needs one is skipped, saying why, when that folder is absent. The project's own
expected cells of the real reports are in ``tests/data/real``, named after the corpus's PDFs.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS_DIR = CORPUS / "seeds"  # seed reports (text), each with its expected cells beside it
REAL_DIR = CORPUS / "real"  # real reports, a folder per repository they came from (MANIFEST.tsv)
CORPUS_MISSING = f"{CORPUS} not found: files from other repositories are not part of the project"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=CORPUS_MISSING)

SEEDS = sorted(SEEDS_DIR.glob("*.txt"))
# The real reports whose cells we know: tests/data/real/<name>.truth.json.
REAL_NAMES = sorted(p.name.removesuffix(".truth.json") for p in (DATA / "real").glob("*.truth.json"))
REAL_PDFS = sorted((p for name in REAL_NAMES for p in REAL_DIR.glob(f"*/{name}.pdf")),
                   key=lambda p: p.name)


def corpus_params(paths: list[Path]) -> list:
    """Parameters for a test over corpus files: one skipped case, giving the reason, when the
    corpus is absent."""
    if CORPUS.is_dir():
        return paths
    return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=CORPUS_MISSING))]


def _corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(CORPUS_MISSING)


def seed(name: str) -> Path:
    """A seed report of the corpus (the test is skipped without the corpus)."""
    _corpus()
    return SEEDS_DIR / f"{name}.txt"


def real_pdf(name: str) -> Path:
    """The corpus's copy of the real report `name` (the test is skipped without the corpus)."""
    _corpus()
    found = list(REAL_DIR.glob(f"*/{name}.pdf"))
    assert len(found) == 1, f"{name}.pdf: {len(found)} copies under {REAL_DIR}"
    return found[0]


def real_truth(name: str) -> dict:
    """Our expected cells and failed checks of the real report `name`."""
    return load_truth(DATA / "real" / f"{name}.truth.json")


def cell_map(obj: dict) -> dict:
    return {(c["table"], c["row"], c["col"]): c["value"] for c in obj["cells"]}


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
