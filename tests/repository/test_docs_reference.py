"""The reference pages document every option and every command that exists."""

from __future__ import annotations

import re

import click

from citekb.cli.main import main
from citekb.core.config import OPTIONS, Config
from citekb.core.options import GROUPS
from support import REPO


def test_every_option_is_documented() -> None:
    text = (REPO / "manual" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    assert documented == {o.name for o in OPTIONS}


def test_the_manual_lists_each_option_under_its_group() -> None:
    """One source of truth: the groups of the ``Config`` fields are the manual's sections."""
    text = (REPO / "manual" / "configuration.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    listed = {
        section.splitlines()[0]: re.findall(r"^\| `([a-z_]+)` \|", section, re.M)
        for section in sections
    }
    for name, heading in GROUPS:
        assert listed[heading] == [o.name for o in OPTIONS if o.group == name], heading
    assert {o.group for o in OPTIONS} == {name for name, _ in GROUPS}
    assert {o.name for o in OPTIONS} < set(Config.__dataclass_fields__)


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
