"""Options shared by every command group (kept apart so ``cli`` and ``cli_edit`` both import it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from collections.abc import Callable

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default="current folder",
    help="The knowledge base: the folder with mkdocs.yml.",
)


def site_dir_option(text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--site-dir``, defaulting (as None) to ``site/`` in the root."""
    return click.option(
        "--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=text
    )
