"""What changed on a portal between two of its crawls: reports added, removed (and why), revised
in place (which cells, which lines), changed only in their page frame, moved to a new URL, and
fetch errors that are new.

    diffs = diff_crawls(arc)                   # compare the last two crawls of each portal, store
    render_text(diffs) / render_markdown(diffs) / as_json(diffs)

- ``model``: the kinds of change and the Diff;
- ``compare``: two crawls -> a Diff, read through :mod:`archive.queries`, nothing written;
- ``revision``: one report's two versions -> changed cells, text diff, page frame or content;
- ``store``: a Diff as rows of the ``changes`` table (the archive's writer stores them);
- ``render``: text, Markdown, JSON;
- ``run``: the whole diff, as ``xxgk diff`` and the nightly job run it.
"""

from .compare import compare, crawl_pairs
from .model import KINDS, NEWS, Diff, DiffError, Kind
from .render import as_json, render_markdown, render_text
from .run import diff_crawls

__all__ = ["KINDS", "NEWS", "Diff", "DiffError", "Kind", "as_json", "compare", "crawl_pairs",
           "diff_crawls", "render_markdown", "render_text"]
