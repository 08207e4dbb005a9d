"""``citekb status``: every page by the date its next review is due, most overdue first."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from citekb.cli.edit import usage_on_config_error
from citekb.cli.options import root_option

if TYPE_CHECKING:
    from pathlib import Path


@click.command("status")
@root_option
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
def status(root: Path, fmt: str) -> None:
    """List pages by review due date: overdue, due within 90 days, later, undated.

    "Today" is the date of SOURCE_DATE_EPOCH when it is set.
    """
    from citekb.cli import run  # lazy: the project stack; keeps citekb --help fast

    with usage_on_config_error():
        day = run.today()
        project = run.load_project(root.resolve(), library_checks=run.check_library)
    months = project.config.review_months
    rows = run.review_rows(project.pages, months, day)
    if fmt == "json":
        data = {
            "today": day.isoformat(),
            "review_months": months,
            "pages": [r.to_json() for r in rows],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = [("DUE", "REVIEWED", "STATE", "PAGE", "TITLE")]
    for row in rows:
        table.append(
            (
                row.next_due.isoformat() if row.next_due else "-",
                row.reviewed.isoformat() if row.reviewed else "-",
                row.state,
                row.path,
                row.title,
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for line in table:
        padded = [cell.ljust(width) for cell, width in zip(line[:4], widths, strict=True)]
        click.echo("  ".join([*padded, line[4]]))
    overdue = sum(r.state == "overdue" for r in rows)
    click.echo(f"\n{overdue} of {len(rows)} pages overdue for review (today is {day})", err=True)
