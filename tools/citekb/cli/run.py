"""What the commands of :mod:`citekb.cli.main` do below the command line.

Loaded on a command's first use, not at import: it brings in the project loader, the checks,
the site build and the handouts, which ``citekb --help`` does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from citekb.checks.presentation import SITE_URL_CODES
from citekb.checks.review import review_rows
from citekb.checks.rules import check_library, run_checks
from citekb.cli.edit import usage_on_config_error
from citekb.cli.paths import config_or_default, read_sources, scan_sources
from citekb.cli.report import render
from citekb.core.config import ConfigError
from citekb.core.diagnostics import Diagnostic, Severity, escape_controls
from citekb.core.identifiers import resolve_keys
from citekb.handouts.writer import write_handouts
from citekb.project.cache import cache_folder, load_state, save_state
from citekb.project.clock import today
from citekb.project.load import Project, check_style, load_config, load_project, relative
from citekb.project.worker import paused_gc
from citekb.site.mkdocs_run import build_site, markdown_setup
from citekb.site.references import fingerprint
from citekb.site.urls import HANDOUTS_DIR

if TYPE_CHECKING:
    from pathlib import Path

    from citekb.core.config import Config
    from citekb.core.model import Citation
    from citekb.site.mkdocs_run import Built

__all__ = [
    "SITE_URL_CODES",
    "Project",
    "build_site",
    "check_library",
    "check_style",
    "checked",
    "cited_in",
    "config_or_default",
    "load",
    "load_config",
    "load_project",
    "project_config",
    "read_sources",
    "review_rows",
    "scan_sources",
    "today",
    "write_site_handouts",
]


def project_config(root: Path) -> Config:
    """The knowledge base's config; no mkdocs.yml or no docs folder is a usage error."""

    with usage_on_config_error():
        config = load_config(root.resolve())
        if not (root / config.docs_dir).is_dir():
            raise ConfigError(f"mkdocs.yml: docs_dir {config.docs_dir!r} is not a folder in {root}")
    return config


def load(root: Path, only: set[str] | None = None) -> Project:
    """Load the project, turning configuration errors into exit code 2."""
    with usage_on_config_error():
        return load_project(root, only=only, library_checks=check_library)


def checked(
    root: Path, *, use_cache: bool, config: Config | None = None
) -> tuple[list[Diagnostic], int, Project | None]:
    """Every finding, the number of files read, and the project when it had to be loaded
    (``config``: ``root``'s, when the caller has read it already).

    The last result is reused when nothing changed (then no project is loaded). It is kept in
    ``cache_dir``, keyed by the config and the content of every input file and of citekb's
    own code, and sealed with this machine's key (:mod:`citekb.project.cache`).
    """
    root = root.resolve()
    with usage_on_config_error():
        config = config or load_config(root)
        check_style(config, root)  # the gate: a style the build cannot use stops the check
        day = today()
    folder = cache_folder(root, config.cache_dir) if use_cache else None
    state = folder / "check.json" if folder is not None else None
    key = fingerprint(root, config, extra=f"check\0{day}") if state else ""
    cached = load_state(state, key, tuple[list[Diagnostic], int])
    if cached is not None:
        found, checked = cached
        return found, checked, None
    with paused_gc(), usage_on_config_error():
        project = load_project(root, config, cache=use_cache, library_checks=check_library)
        result = (run_checks(project, day), project.checked)
    save_state(state, key, result)
    return result[0], result[1], project


def cited_in(project: Project, where: tuple[str, ...]) -> list[tuple[Citation, ...]]:
    """Each page's resolved citations, or those of the files in ``where``."""
    if not where:
        return [page.citations for page in project.pages]
    sources = read_sources(where, project.root)
    found = scan_sources(sources, project.config)
    pairs = [(text, cites) for (_, text), cites in zip(sources, found, strict=True)]
    return resolve_keys(project.library, pairs)[1]


def write_site_handouts(project: Project, site: Path, built: Built | None = None) -> int:
    """Write the PDF handouts into ``site/handouts``; 1 when any error, else 0.

    After a build they reuse its references and Markdown extensions; alone, they read the
    extensions from ``mkdocs.yml`` and format the references themselves.
    """

    if not any(page.is_handout for page in project.pages):
        return 0
    setup = built.markdown if built is not None else markdown_setup(project.root)
    refs = built.refs if built is not None else None
    result = write_handouts(project, site / HANDOUTS_DIR, refs=refs, markdown=setup)
    for path in result.written:
        click.echo(f"wrote {escape_controls(relative(path, project.root))}")
    if result.diagnostics:
        report = render("text", list(result.diagnostics), files=project.checked)
        click.echo(report, nl=False, err=True)
    return 1 if any(d.severity is Severity.ERROR for d in result.diagnostics) else 0
