"""The README's everyday commands work as written after the setup command and the one
activation step the README shows first: each program is on the PATH the activation gives, each
subcommand and spider exists, and the read-only ones run on a real archive."""

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from archive_fixtures import ROOT, marked_data

README = (ROOT / "README.md").read_text(encoding="utf-8")
VENV_BIN = ROOT / ".venv" / "bin"


def everyday() -> tuple[str, list[str]]:
    """The activation block and the commands of the README's "Everyday use" section."""
    section = README.split("## Everyday use", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    commands = [line.split("  #")[0].strip() for line in blocks[1].splitlines() if line.strip()]
    return blocks[0].strip(), commands


def shell(command: str, data: Path) -> subprocess.CompletedProcess:
    """``command`` in bash from the project's folder, after the README's activation step."""
    activate, _ = everyday()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(XXGK_DATA=str(data), PATH="/usr/bin:/bin")
    return subprocess.run(["bash", "-c", f"{activate} && {command}"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


pytestmark = pytest.mark.skipif(not (VENV_BIN / "xxgk").exists(),
                                reason="scripts/setup.sh has not made .venv here")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return marked_data(tmp_path_factory, "readme")


def test_the_activation_step_puts_both_programs_on_the_path(data):
    activate, commands = everyday()
    assert activate == ". .venv/bin/activate"
    programs = {shlex.split(c)[0] for c in commands}
    assert programs == {"xxgk", "scrapy"}
    for program in programs:
        r = shell(f"command -v {program}", data)
        assert r.stdout.strip() == str(VENV_BIN / program), r.stderr


def test_every_subcommand_and_spider_exists(data):
    _, commands = everyday()
    spiders = shell("scrapy list", data).stdout.split()
    for c in commands:
        words = shlex.split(c.split("|")[0])
        if words[0] == "scrapy" and words[1] == "crawl":
            name = words[2]
            assert name in spiders or re.fullmatch(r"\d{6}", name), c
        elif words[0] == "xxgk":
            sub = [w for w in words[1:3] if not w.startswith("-") and not re.search(r"[^\x00-\x7f]", w)]
            r = shell("xxgk " + " ".join(sub) + " --help", data)
            assert r.returncode == 0 and "Usage: xxgk" in r.stdout, (c, r.stderr)


@pytest.mark.parametrize("command,expect", [
    ("xxgk search 行政复议 纠正", "淮安市"),
    ("xxgk reports --json | head", '"organ"'),
    ("scrapy list", "pengyang"),
])
def test_read_only_commands_run_as_written(data, command, expect):
    _, commands = everyday()
    assert command in commands
    r = shell(command, data)
    assert r.returncode == 0 and expect in r.stdout, r.stderr[-2000:]
