"""``citekb init [DIR]``: start a knowledge base that ``citekb check`` and ``build`` accept.

A few questions, each with a default that Enter (or ``--yes``) takes; every answer also has an
option. Nothing is overwritten: if any file it would write exists, it writes none (exit 2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from citekb.cli.starter import Answers, country_name, default_paper, starter_files
from citekb.project.atomic import write_new

if TYPE_CHECKING:
    from collections.abc import Callable


def _ask(
    yes: bool,
    given: str | None,
    text: str,
    default: str,
    check: Callable[[str], str] | None = None,
) -> str:
    """The option's value, else the default under ``--yes``, else the person's answer (asked
    again while ``check`` refuses it; by default any printable text)."""
    check = check or _printable
    if given is not None:
        return check(given)
    if yes:
        return default
    return str(click.prompt(text, default=default, show_default=True, value_proc=check))


def _printable(value: str) -> str:
    """``value`` without surrounding spaces; control characters are refused (a NUL or a
    terminal escape has no place in a name or an address, and mkdocs.yml would refuse it)."""
    value = value.strip()
    if not value.isprintable():
        raise click.BadParameter("remove the control characters from the answer")
    return value


def _site_url(value: str) -> str:
    """An http(s) address, or "" for none; anything else is refused."""
    value = _printable(value)
    if value and not value.startswith(("https://", "http://")):
        raise click.BadParameter(
            f"{value!r} is not a web address: it must start with https:// (or leave it empty)",
            param_hint="site_url",
        )
    return value


def _answers(
    yes: bool,
    name: str | None,
    site_url: str | None,
    health: bool | None,
    country: str | None,
    paper: str | None,
) -> Answers:
    name = " ".join(_ask(yes, name, "Site name", Answers.name).split()) or Answers.name
    site_url = _ask(yes, site_url, "Site address (site_url; Enter: set it later)", "", _site_url)
    if health is None:
        health = False if yes else click.confirm("Is this health content?", default=False)
    if health:
        country = _ask(yes, country, "Country for the crisis lines on handouts", "US")
    country = country_name(country or "")
    if paper is None:
        choice = click.Choice(("a4", "letter"), case_sensitive=False)
        default = default_paper(country)
        paper = default if yes else click.prompt("Handout paper", default=default, type=choice)
    return Answers(name, site_url, health, country, str(paper).lower())


@click.command("init")
@click.argument(
    "directory", default=".", type=click.Path(file_okay=False, path_type=Path), required=False
)
@click.option("--yes", "-y", is_flag=True, help="Take every default; ask nothing.")
@click.option("--name", help="The site's name (site_name).")
@click.option("--site-url", help="Where the site will be published (site_url).")
@click.option(
    "--health/--no-health",
    default=None,
    help="Health content: MedicalWebPage, disclaimer and crisis lines.  [default: no]",
)
@click.option("--country", help="Whose crisis lines go on handouts (health content).")
@click.option(
    "--paper",
    type=click.Choice(("a4", "letter"), case_sensitive=False),
    help="Handout paper size.  [default: letter for the US and Canada, else a4]",
)
def init(
    directory: Path,
    yes: bool,
    name: str | None,
    site_url: str | None,
    health: bool | None,
    country: str | None,
    paper: str | None,
) -> None:
    """Start a knowledge base in DIRECTORY (default: here): mkdocs.yml, a sample entry and
    page, the bibliography page, .gitignore and a CI workflow. Overwrites nothing."""
    files = starter_files(_answers(yes, name, site_url, health, country, paper), dt.date.today())
    existing = [path for path in files if (directory / path).exists()]
    if existing:
        raise click.UsageError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} in "
            f"{directory}; citekb init overwrites nothing (run it in an empty folder, or move "
            "those files away)"
        )
    for path, text in files.items():
        target = directory / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_new(target, text)
        except OSError as exc:
            raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from None
        click.echo(f"wrote {target.as_posix()}")
    where = "" if directory == Path() else f"cd {directory} && "
    click.echo(f"\nNext: {where}citekb check && citekb build   (site in site/)")
