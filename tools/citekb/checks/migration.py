"""Leftovers of mkdocs-bibtex in a knowledge base moved to citekb."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citekb.core.diagnostics import Code, Diagnostic, diagnostic

if TYPE_CHECKING:
    from citekb.project.load import Project


def check_migration(project: Project) -> list[Diagnostic]:
    """``leftover-bibtex-plugin`` where ``plugins:`` still lists mkdocs-bibtex's ``bibtex``."""
    return [
        diagnostic(
            Code.LEFTOVER_BIBTEX_PLUGIN,
            "mkdocs.yml",
            line,
            column,
            "plugins still lists `bibtex` (mkdocs-bibtex); citekb renders the citations now,"
            " and the two would both rewrite them",
            "remove the `bibtex` entry: `bib_file`/`bib_dir` become citekb's `bibliography`,"
            " `csl_file` its `style` (see the mkdocs-bibtex page of the manual)",
        )
        for line, column in project.config.bibtex_plugin
    ]
