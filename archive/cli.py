"""The ``xxgk`` command."""

from __future__ import annotations

import click

from parsers.cli import parse_command


@click.group()
@click.version_option(package_name="xxgk-archive")
def main():
    """xxgk-archive: China's open-government-information annual reports, archived."""


main.add_command(parse_command)

if __name__ == "__main__":
    main()
