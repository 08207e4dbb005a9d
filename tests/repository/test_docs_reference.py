"""The reference pages document every option and every command that exists."""

from __future__ import annotations

import re

import click

from citekb.cli.main import main
from citekb.core.config import OPTIONS
from support import REPO


def test_every_option_is_documented() -> None:
    text = (REPO / "manual" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    assert documented == {o.name for o in OPTIONS}


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = []
    for name, command in main.commands.items():
        if isinstance(command, click.Group):
            names += [f"{name} {sub}" for sub in command.commands]
        else:
            names.append(name)
    missing = [n for n in names if f"citekb {n}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"
