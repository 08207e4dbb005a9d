"""citekb's Markdown extension fed by a whole knowledge base, for engines without MkDocs plugins.

List it in ``mkdocs.yml`` for Zensical (the MkDocs plugin takes its place under MkDocs and
ProperDocs)::

    markdown_extensions:
      - citekb.site.project_ext:
          project: .

It reads the knowledge base in ``project`` (the folder of its ``mkdocs.yml``, relative to the
working folder): citekb's options, the bibliography and the evidence, so that every page shares
one set of references (the same year suffixes everywhere), as with the plugin. Other options
are :class:`~citekb.site.markdown_ext.CitekbExtension`'s.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from citekb.checks.rules import check_library
from citekb.project.load import check_style, load_config, load_project
from citekb.site.markdown_ext import CitekbExtension
from citekb.site.references import cached_references, fingerprint
from citekb.site.sitedata import SiteData

_PROJECTS: dict[str, tuple[str, SiteData]] = {}
_LOCK = threading.Lock()


def project_site(folder: str) -> SiteData:
    """The site-wide references of the knowledge base in ``folder``, loaded once per change.

    Engines make a new extension for every page, so the result is kept per folder and read
    again only when an input file (page, bibliography, evidence, config) changes.
    """

    root = Path(folder).resolve()
    with _LOCK:
        config = load_config(root)
        check_style(config, root)
        key = fingerprint(root, config, extra="project_ext")
        cached = _PROJECTS.get(str(root))
        if cached is not None and cached[0] == key:
            return cached[1]
        project = load_project(root, config, library_checks=check_library)
        refs = cached_references(project)
        cited = frozenset(c.key for page in project.pages for c in page.citations)
        data = SiteData(
            refs=refs,
            xref_prefixes=config.xref_prefixes,
            cited=cited,
            searchable=config.search_references,
        )
        _PROJECTS[str(root)] = (key, data)
        return data


class ProjectExtension(CitekbExtension):
    """:class:`CitekbExtension` with the site data of ``project``, read when a page first needs
    it: MkDocs makes the extension to validate ``mkdocs.yml`` (from any working folder) before
    the plugin takes its place, and that must not read anything."""

    def __init__(self, project: str = ".", **kwargs: Any) -> None:
        super().__init__(None, **kwargs)
        self.folder = str(project)

    def site_data(self) -> SiteData:
        if self.site is None:
            self.site = project_site(self.folder)
        return self.site


def makeExtension(**kwargs: Any) -> ProjectExtension:
    """The extension for the knowledge base in ``project`` (default: the working folder)."""
    return ProjectExtension(**kwargs)
