"""The CI integrations name commands and options that exist in the click app.

``.pre-commit-hooks.yaml``, ``action.yml``, the repository's workflow and the "Use citekb in
your CI" page all spell out ``citekb`` command lines; a renamed option must fail here first.
"""

from __future__ import annotations

import re

import click
import pytest
import yaml
from click.testing import CliRunner

from citekb.cli.main import main
from support import REPO

_COMMAND = re.compile(r"\bcitekb ([a-z][a-z-]*)((?: [^\n|&;#>]*)?)")
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _load(name: str) -> dict[object, object]:
    data = yaml.safe_load((REPO / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict | list)
    return data  # type: ignore[return-value]


def _options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}


def _check_script(script: str, extra_options: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """Every ``citekb CMD --opt`` in ``script`` exists; returns the commands found."""
    found = []
    for name, rest in _COMMAND.findall(script):
        command = main.get_command(click.Context(main), name)
        assert command is not None, f"`citekb {name}` is not a command"
        found.append(name)
        for option in _OPTION.findall(rest):
            assert option in _options(command), f"`citekb {name}` has no option {option}"
    for option in extra_options:
        assert any(
            option in _options(main.get_command(click.Context(main), n))  # type: ignore[union-attr]
            for n in found
        ), f"{option} is not an option of {found}"
    return found


def test_pre_commit_hooks_name_existing_commands() -> None:
    hooks = _load(".pre-commit-hooks.yaml")
    assert isinstance(hooks, list)
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"citekb-check", "citekb-fmt"}
    for hook in hooks:
        assert hook["language"] == "python"
        assert _check_script(hook["entry"], hook.get("args", [])) == [hook["id"].split("-", 1)[1]]
    # fmt takes the staged files as arguments; check reads the whole knowledge base.
    assert by_id["citekb-fmt"].get("pass_filenames", True) is True
    assert by_id["citekb-check"]["pass_filenames"] is False
    assert re.search(by_id["citekb-fmt"]["files"], "references/library.bib")


def test_action_inputs_are_used_and_map_to_check_options() -> None:
    action = _load("action.yml")
    inputs = action["inputs"]
    assert isinstance(inputs, dict)
    assert set(inputs) == {"working-directory", "strict", "format", "version"}
    steps = action["runs"]["using"] == "composite" and action["runs"]["steps"]  # type: ignore[index]
    text = yaml.safe_dump(steps)
    for name in inputs:
        assert f"inputs.{name}" in text, f"input {name} is never used"
    scripts = "\n".join(step.get("run", "") for step in steps)
    commands = _check_script(scripts, ["--format", "--strict"])
    assert commands == ["check"]
    check = main.get_command(click.Context(main), "check")
    assert check is not None
    formats = next(p for p in check.params if p.name == "fmt").type
    assert isinstance(formats, click.Choice)
    assert inputs["format"]["default"] in formats.choices
    for choice in formats.choices:
        assert str(choice) in str(inputs["format"]["description"])


def test_workflow_runs_check_tests_build_and_deploys_pages_from_main() -> None:
    workflow = _load(".github/workflows/ci.yml")
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    steps = jobs["build"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert _check_script(runs) == ["check", "fmt", "build"]
    assert "citekb check --format github" in runs
    assert "pytest" in runs
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    deploy = jobs["deploy"]
    assert "refs/heads/main" in deploy["if"]
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_ci_docs_page_shows_only_real_commands_and_every_integration() -> None:
    page = (REPO / "manual" / "ci.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```\w*\n(.*?)```", page, re.S))
    commands = set(_check_script(blocks))
    assert {"check", "fmt"} <= commands
    prose = page.replace("`", "")
    for hook in ("citekb-check", "citekb-fmt"):
        assert hook in page
    for name in _load("action.yml")["inputs"]:  # type: ignore[union-attr]
        assert f"`{name}`" in page, f"the action input {name} is undocumented"
    for name in ("fmt", "export", "add", "new page"):
        assert f"citekb {name}" in prose


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_documented_shell_completion_works(shell: str) -> None:
    page = (REPO / "manual" / "ci.md").read_text(encoding="utf-8")
    assert f"_CITEKB_COMPLETE={shell}_source citekb" in page
    result = CliRunner().invoke(
        main, [], prog_name="citekb", env={"_CITEKB_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0
    assert "_CITEKB_COMPLETE" in result.output


def test_completion_offers_the_new_commands() -> None:
    env = {"_CITEKB_COMPLETE": "bash_complete", "COMP_WORDS": "citekb f", "COMP_CWORD": "1"}
    result = CliRunner().invoke(main, [], prog_name="citekb", env=env)
    assert result.output.split() == ["plain,fmt"]
