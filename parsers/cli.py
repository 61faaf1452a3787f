"""``xxgk parse FILE...``: report files in, template cells out."""

from __future__ import annotations

import json
import sys

import click

from .api import ParseError
from .sandbox import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits, parse_isolated
from .summary import render


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (docs/schema.md).")
@click.option("--text", "with_text", is_flag=True, help="With --json, include the full text.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds allowed for one file.")
@click.option("--memory", default=DEFAULT_MEMORY // 2**20, show_default=True,
              help="MiB of memory allowed for one file.")
def parse_command(files, as_json, with_text, timeout, memory):
    """Parse annual-report FILES (HTML, PDF, DOC, DOCX, WPS, XLS, XLSX, images, text).

    The format is told from the bytes. Each file is parsed in a child process with time and
    memory limits; a file that cannot be parsed gets a one-line error on standard error and the
    rest are still parsed. The exit status is 1 if any file failed.
    """
    limits = Limits(timeout=timeout, memory=memory * 2**20)
    failed = 0
    for path in files:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            report = parse_isolated(data, limits)
        except (ParseError, OSError) as exc:
            failed += 1
            msg = str(exc) if isinstance(exc, ParseError) else (exc.strerror or str(exc))
            click.echo(f"xxgk parse: {path}: error: {msg}", err=True)
            if as_json:
                click.echo(json.dumps({"file": path, "error": msg}, ensure_ascii=False))
            continue
        if as_json:
            obj = {"file": path, **report.to_json(with_text=with_text)}
            click.echo(json.dumps(obj, ensure_ascii=False))
        else:
            click.echo(render(path, report))
            click.echo()
    sys.exit(1 if failed else 0)
