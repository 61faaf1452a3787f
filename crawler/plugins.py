"""The ``xxgk`` command's plugins: packages that add commands to it through the
``register_commands`` hook, as sqlite-utils and Datasette let theirs. The archive's commands
come this way; so does any installed package with an ``xxgk`` entry point."""

from __future__ import annotations

import click
import pluggy

import archive.cli

hookspec = pluggy.HookspecMarker("xxgk")


class Hooks:
    @hookspec
    def register_commands(self, cli: click.Group) -> None:
        """Add commands to ``cli`` (the ``xxgk`` group)."""


pm = pluggy.PluginManager("xxgk")
pm.add_hookspecs(Hooks)
pm.register(archive.cli, name="archive")
pm.load_setuptools_entrypoints("xxgk")
