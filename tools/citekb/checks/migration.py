"""Leftovers of mkdocs-bibtex in a knowledge base moved to citekb."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citekb.core.diagnostics import Code, Diagnostic, diagnostic

if TYPE_CHECKING:
    from citekb.project.load import Project


def check_migration(project: Project) -> list[Diagnostic]:
    """``leftover-bibtex-plugin`` where ``plugins:`` still lists mkdocs-bibtex's ``bibtex``,
    with the citekb entry that replaces it as the hint."""
    found = []
    for line, column, options in project.config.bibtex_plugin:
        entry = f"- citekb: {{{options}}}" if options else "- citekb"
        found.append(
            diagnostic(
                Code.LEFTOVER_BIBTEX_PLUGIN,
                "mkdocs.yml",
                line,
                column,
                "plugins still lists mkdocs-bibtex's `bibtex`: citekb renders the citations,"
                " and the two would both rewrite them",
                f"replace the `bibtex` entry with `{entry}` (where citekb is not listed yet);"
                " see the manual's page on moving from mkdocs-bibtex",
            )
        )
    return found
