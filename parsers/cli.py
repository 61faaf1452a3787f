"""``xxgk parse FILE...``: report files in, template cells out."""

from __future__ import annotations

import os
import sys

import click

from .api import ParseError
from .filenames import json_dumps, shown
from .issuer import HINTS
from .limits import MAX_PARSE_BYTES, breach
from .sandbox import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits, parse_isolated
from .summary import render


# Exit statuses, as --help states them.
OK, FAILED, NOT_A_REPORT = 0, 1, 3


def _hint(ctx, param, values) -> dict:
    hints = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or key not in HINTS:
            raise click.BadParameter(f"{value!r}: give KEY=TEXT, KEY one of {', '.join(HINTS)}")
        hints[key] = text
    return hints


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (docs/schema.md).")
@click.option("--text", "with_text", is_flag=True, help="With --json, include the full text.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True,
              help="CPU seconds allowed for one file (the wall clock allows 4x, at least 30 s).")
@click.option("--memory", default=DEFAULT_MEMORY // 2**20, show_default=True,
              help="MiB of memory allowed for one file.")
@click.option("--hint", "hints", multiple=True, callback=_hint, metavar="KEY=TEXT",
              help="What is known of every file, read for organ and year after what the file "
                   "says: title (the page's title), link_text, publisher (发布机构/来源). "
                   "Each file's own name is the file_name hint.")
def parse_command(files, as_json, with_text, timeout, memory, hints):
    """Parse annual-report FILES (HTML, PDF, DOC, DOCX, WPS, XLS, XLSX, images, text).

    The format is told from the bytes. Each file is parsed in a child process with time and
    memory limits; a file that cannot be parsed gets a one-line error on standard error and the
    rest are still parsed. A file that is not a report (a blank form, a notice, anything else)
    says so on its status line and gets no template and no cells.

    \b
    Exit status:
      0  every file is a report
      1  a file could not be parsed (the others were)
      3  every file was parsed, but one or more is not a report
    """
    limits = Limits(timeout=timeout, memory=memory * 2**20)
    failed = not_reports = 0
    for path in files:
        try:
            with open(path, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > MAX_PARSE_BYTES:  # refused before it is read
                    raise ParseError(breach("MAX_PARSE_BYTES", MAX_PARSE_BYTES, f"{size} bytes"))
                data = fh.read()
            report = parse_isolated(data, limits,
                                    hints={"file_name": os.path.basename(path), **hints})
        except (ParseError, OSError) as exc:
            failed += 1
            msg = str(exc) if isinstance(exc, ParseError) else (exc.strerror or str(exc))
            click.echo(f"xxgk parse: {shown(path)}: error: {msg}", err=True)
            if as_json:
                click.echo(json_dumps({"file": path, "error": msg}))
            continue
        not_reports += report.kind != "report"
        if as_json:
            obj = {"file": path, **report.to_json(with_text=with_text)}
            click.echo(json_dumps(obj))
        else:
            click.echo(render(shown(path), report))
            click.echo()
    sys.exit(FAILED if failed else NOT_A_REPORT if not_reports else OK)
