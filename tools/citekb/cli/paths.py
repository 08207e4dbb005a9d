"""The Markdown files a command reads (an I/O edge): files anywhere, folders, standard input."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from citekb.cli.edit import usage_on_config_error
from citekb.core.config import Config
from citekb.pages.citations import scan
from citekb.project.load import load_config, read_text, relative

if TYPE_CHECKING:
    from pathlib import Path

    from citekb.core.model import Citation

#: How standard input (``-``) is named in the output.
STDIN = "<stdin>"


def markdown_files(path: Path) -> list[Path]:
    """A folder's ``*.md`` files (any case of the suffix), recursively, as the loader finds pages."""
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".md")


def read_sources(paths: tuple[str, ...], root: Path) -> list[tuple[str, str]]:
    """``(reported path, text)`` of every file named or under a folder named, each once.

    ``-`` reads standard input. A path that does not exist, or a file that cannot be read as
    UTF-8, is a usage error (exit 2) naming it.
    """
    from pathlib import Path

    out: dict[str, str] = {}
    for name in paths:
        if name == "-":
            out.setdefault(STDIN, sys.stdin.read())
            continue
        path = Path(name)
        if not path.exists():
            raise click.UsageError(f"no such file or folder: {name}")
        for file in markdown_files(path) if path.is_dir() else [path]:
            shown = relative(file, root)
            if shown in out:
                continue
            text, problems = read_text(file, shown)
            if text is None:
                raise click.UsageError(f"{shown}: {problems[0].message}")
            out[shown] = text
    return list(out.items())


def scan_sources(sources: list[tuple[str, str]], config: Config) -> list[list[Citation]]:
    """Each source's citations, as written (no key resolved, alias lines included)."""

    return [scan(text, shown, xref_prefixes=config.xref_prefixes) for shown, text in sources]


def config_or_default(root: Path) -> Config:
    """The knowledge base's config, or the defaults outside one (no ``mkdocs.yml``)."""

    if not (root / "mkdocs.yml").is_file():
        return Config()
    with usage_on_config_error():
        return load_config(root.resolve())
