"""One site build of a knowledge base, as the MkDocs plugin's hooks drive it.

:class:`SiteSession` holds what a build knows and does: the settings, the project (loaded once,
or handed over by ``citekb build``, or reused from the cache of the last build), the formatted
references the Markdown extension renders, each page's review line and "Cite this page", the
post-build pass page by page, and what is saved when the build ends. It knows nothing of
MkDocs' types: :mod:`citekb.site.mkdocs_plugin` adapts each hook to one call here, as
Material's plugins hand their work to managers.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from citekb.checks.policy import apply_policy
from citekb.checks.presentation import SITE_URL_CODES
from citekb.checks.rules import check_library, run_checks
from citekb.core.config import Config, parse_options
from citekb.core.diagnostics import Code, escape_controls
from citekb.pages.page import THEME_FIELDS
from citekb.project.atomic import write_output
from citekb.project.cache import cache_folder, load_state, save_state
from citekb.project.clock import today
from citekb.project.files import FormatCache, file_digest
from citekb.project.load import bibliography_files, load_project, style_engine
from citekb.render.style import References, style_path
from citekb.site.markdown_ext import BIBLIOGRAPHY_MARKER
from citekb.site.pagemeta import page_facts, page_meta_html
from citekb.site.postbuild import SiteProject, backlinks, cited_files, fix_site
from citekb.site.progress import terminal_progress
from citekb.site.references import (
    ASSET_URIS,
    ASSETS,
    cache_file,
    cached_references,
    citeproc_failures,
    fingerprint,
    works_key,
)
from citekb.site.searchless import Hidden
from citekb.site.sitedata import SiteData
from citekb.site.urls import add_print_link, output_path

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping, MutableMapping, Sequence

    from citekb.core.diagnostics import Diagnostic
    from citekb.core.model import Cluster, Entry
    from citekb.pages.page import Page
    from citekb.project.load import Project
    from citekb.sources.evidence import Evidence

log = logging.getLogger("mkdocs.plugins.citekb")

#: What a page past a citekb limit (``page-limit``, an alias bomb) shows instead of itself.
NOT_RENDERED = "This page is not rendered: it passes a citekb limit.\n"


@dataclass
class SiteState:
    """What a build derives from unchanged inputs, cached on disk between builds
    (``project.json``): the pages as the site needs them (the prose blocks that only the
    checks read left out), and the key of the cited works, which are kept apart."""

    pages: tuple[Page, ...]
    diagnostics: list[Diagnostic]
    works: str  # the key of the :class:`CitedWorks` in ``works.json``
    warnings: list[str] = field(default_factory=list)
    clusters: dict[str, list[Cluster]] = field(default_factory=dict)
    evidence: Evidence | None = None  # for forest plots


@dataclass(frozen=True)
class CitedWorks:
    """The formatted references and every cited entry (for downloads), cached apart
    (``works.json``): they change with the library, the style or the keys cited, not with
    a page's prose, so an edit neither formats nor rewrites them."""

    refs: References
    entries: dict[str, Entry] = field(default_factory=dict)


class SiteSession:
    """The state and the work of one plugin instance, across the builds of a ``serve``.

    Its methods follow a build's order: :meth:`configure`, :meth:`start` (once every file is
    known), :meth:`set_urls` and :meth:`set_order`, then per page :meth:`begin_page`,
    :meth:`page_content` and :meth:`post_page`, and :meth:`finish`. :meth:`start` raises
    ``StyleError`` or ``ConfigError`` for what stops the build.
    """

    def __init__(self) -> None:
        self.options: dict[str, Any] = {}  # the plugin entry, as written
        self.site = SiteData()
        self.root = Path()
        self.settings: Config | None = None
        self.cache: FormatCache | None = None
        self.exports: FormatCache = FormatCache(None)  # export blocks by entry, across builds
        self.state: SiteState | None = None
        self.works = CitedWorks(References())
        self._key = ""
        self._dirty = False
        self._seen = 0
        self._today: dt.date | None = None
        self._by_name: dict[str, Page] = {}
        self._preloaded: tuple[Project, Sequence[Diagnostic]] | None = None
        self._urls: dict[str, str] = {}
        self._order: tuple[str, ...] = ()  # page names in navigation order
        self._pass: SiteProject | None = None  # what the pass needs, made once per build
        self._found: list[Diagnostic] = []  # what the pass found
        self._bib_url = ""
        self._limited: set[str] = set()  # pages not to render (page-limit)
        self._hidden = Hidden()  # blocks kept from the search plugin's parser, by page

    def preload(self, project: Project, diagnostics: Sequence[Diagnostic]) -> None:
        """Use a project ``citekb build`` has already loaded and checked (for one build)."""
        self._preloaded = (project, diagnostics)

    def configure(self, root: Path, **site: str) -> SiteData:
        """Read the settings (``site``: docs_dir, site_url, site_name, site_author) and return
        the site data the Markdown extension renders with."""
        self.root = root
        self.settings = parse_options(self.options, **site)
        self.site = SiteData(
            xref_prefixes=self.settings.xref_prefixes,
            searchable=self.settings.search_references,
        )
        return self.site

    def start(self) -> SiteState:
        """Once every file is known: load (or reuse) the project and format the cited works;
        log every diagnostic."""
        assert self.settings is not None
        style = style_path(self.settings.style, self.root)
        self._today = today()
        self._key = fingerprint(
            self.root, self.settings, extra=f"{file_digest(style)}\0{self._today}"
        )
        state: SiteState | None = load_state(self._state_file("project"), self._key, SiteState)
        works = load_state(self._state_file("works"), state.works, CitedWorks) if state else None
        if state is None or works is None:
            state, works = self._load(style)
            self._dirty = True
        self.state, self.works = state, works
        self._by_name = {p.name: p for p in state.pages}
        self.site.refs = works.refs
        self.site.cited = frozenset(works.entries)  # refs hold more with \full_bibliography
        self.site.clusters = state.clusters
        self.site.pages = {page.path: page for page in state.pages}
        self.site.evidence = state.evidence
        self._seen = len(state.clusters)
        self._limited = limited_pages(state.diagnostics)
        log_diagnostics(state.diagnostics)
        for message in state.warnings:
            log.warning("%s", message)
        exports = cache_file(self.root, self.settings.cache_dir, "exports")
        if self.exports.path != exports:
            self.exports = FormatCache(exports)
        return state

    def refused(self) -> set[str]:
        """Paths (reported, under the root) that ``outside-project`` refused: never published."""
        found = self.state.diagnostics if self.state is not None else ()
        return {d.path for d in found if d.code == Code.OUTSIDE_PROJECT}

    def generated(self, exists: Callable[[str], bool]) -> dict[str, bytes | str]:
        """The files the site gains, by docs-relative URI, unless ``exists``: the stylesheet and
        the preview script, and the bibliography page."""
        assert self.settings is not None
        out: dict[str, bytes | str] = {}
        for uri in ASSET_URIS:
            if not exists(uri):
                out[uri] = (ASSETS / PurePosixPath(uri).name).read_bytes()
        page = self.settings.bibliography_page
        if page and not exists(page):
            out[page] = f"# Bibliography\n\n{BIBLIOGRAPHY_MARKER}\n"
        return out

    def set_urls(self, urls: Mapping[str, str]) -> None:
        """Each page's URL by docs-relative name: the backlinks render with the page (so that
        the search index has them), and the post-build pass uses the engine's own URLs."""
        assert self.settings is not None and self.state is not None
        page = self.settings.bibliography_page
        self._urls = dict(urls)
        self._bib_url = self._urls.get(page, "") if page else ""
        self.site.backlinks = backlinks(self.state.pages, self._urls, self._bib_url)

    def set_order(self, order: Sequence[str]) -> None:
        """ "Cited on" lists follow the navigation, which is known only now."""
        if self.state is not None:
            self._order = tuple(order)
            self.site.backlinks = backlinks(
                self.state.pages, self._urls, self._bib_url, self._order
            )

    def begin_page(self, name: str, meta: MutableMapping[str, Any]) -> bool:
        """Before a page's Markdown renders: escape its theme fields; False when it must not
        render (then it shows :data:`NOT_RENDERED`, and its front matter must be dropped)."""
        assert self.settings is not None
        escape_theme_fields(meta)
        self.site.page = f"{self.settings.docs_dir}/{name}"
        return self.site.page not in self._limited

    def page_content(
        self, content: str, name: str, url: str, canonical_url: str, *, handout: bool
    ) -> str:
        """After the title, a handout's link to its PDF (which ``citekb build`` writes); after
        the References, the page's review dates, "Cite this page" and JSON-LD."""
        if self.settings is None or self.state is None:
            return content
        if handout:
            content = add_print_link(content, name, url)
        parsed = self._by_name.get(name)
        if parsed is None:  # a generated page, such as the bibliography
            return content
        facts = page_facts(parsed, self.settings, canonical_url)
        entries = self.works.entries
        cited = [entries[k] for k in _cited(parsed) if k in entries]
        return f"{content}\n{page_meta_html(facts, cited)}"

    def hide_from_search(self, content: str, name: str) -> str:
        """A page's HTML without the blocks the search index skips anyway, for the search
        plugin to parse (:mod:`citekb.site.searchless`); :meth:`post_page` puts them back."""
        return self._hidden.hide(name, content)

    def post_page(self, output: str, name: str) -> str:
        """The post-build pass, one page at a time before the engine writes it: the blocks
        hidden from search put back, then download links and print links (the same
        :func:`~citekb.site.postbuild.fix_site` that runs over the whole built site for
        engines without plugins; here it is given this page's URL alone)."""
        output = self._hidden.show(name, output)
        url = self._urls.get(name)
        if self.state is None or self.settings is None or url is None:
            return output
        if self._pass is None:
            works = self.works
            self._pass = SiteProject(
                self.state.pages, works.refs, self.settings, works.entries, self._order
            )
        path = output_path(url)
        files, found = fix_site(
            {path: output},
            self._pass,
            urls={name: url},
            assets=False,
            exports=self.exports,
            bibliography=False,
            site_files=False,
        )
        self._found.extend(found)
        return files.get(path, output)

    def finish(self, site_dir: Path) -> None:
        """After the build: the site's download files, what the pass found, and the caches."""
        if self._pass is not None:  # the site's download files, once every page is built
            for name, text in cited_files(self._pass, self.exports).items():
                write_output(site_dir / name, text)
        log_diagnostics(self._found)
        self._found, self._pass = [], None
        if self.cache is not None:
            self.cache.save()
        self.exports.save()
        if self.state is not None and (self._dirty or len(self.state.clusters) != self._seen):
            save_state(self._state_file("project"), self._key, self.state)
        self._dirty = False

    def watched(self) -> list[Path]:
        """What ``serve`` watches besides the docs (:func:`watched_paths`)."""
        assert self.settings is not None
        return watched_paths(self.root, self.settings)

    def _load(self, style: Path) -> tuple[SiteState, CitedWorks]:
        """Read and check the project, and format every cited work (unless the cited works
        are cached under the same key)."""
        assert self.settings is not None
        if self._preloaded is not None and self._preloaded[0].root == self.root:
            project, found = self._preloaded
            diagnostics = list(found)
        else:
            project = load_project(
                self.root, self.settings, cache=True, library_checks=check_library
            )
            diagnostics = run_checks(project, self._today)
        # the handouts' web address is the handout writer's to report, not a site problem
        diagnostics = [d for d in diagnostics if d.code not in SITE_URL_CODES]
        self._preloaded = None
        key = works_key(project, self.settings, file_digest(style))
        kept = self.state is not None and self.state.works == key  # serve's last build
        works = self.works if kept else load_state(self._state_file("works"), key, CitedWorks)
        if works is None:
            works = self._format(project)
            save_state(self._state_file("works"), key, works)
        failed = citeproc_failures(project, works.refs)
        diagnostics += apply_policy(failed, self.settings, project.texts)
        pages = tuple(replace(page, cited=()) for page in project.pages)
        return SiteState(pages, diagnostics, key, evidence=project.evidence), works

    def _format(self, project: Project) -> CitedWorks:
        assert self.settings is not None
        engine = style_engine(self.settings, self.root)
        engine.progress = terminal_progress("citekb: formatting references")
        path = cache_file(self.root, self.settings.cache_dir, engine.id)
        if self.cache is None or self.cache.path != path:
            self.cache = FormatCache(path)
        refs = cached_references(project, engine, self.cache)
        keys = [c.key for p in project.pages for c in p.citations]
        entries = {k: e for k in dict.fromkeys(keys) if (e := project.library.get(k))}
        return CitedWorks(refs, entries)

    def _state_file(self, name: str) -> Path | None:
        """``project.json`` or ``works.json`` in the cache folder (None: no cache)."""
        assert self.settings is not None
        folder = cache_folder(self.root, self.settings.cache_dir)
        return folder / f"{name}.json" if folder is not None else None


def log_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    """``path:line:column: message [code]`` at warning or error level; findings on uncited
    entries (``check_uncited: false``) only as a count, at info level."""
    hidden: set[tuple[str, str]] = set()
    for d in diagnostics:
        if d.uncited:
            hidden.add((d.path, d.uncited))
            continue
        hint = f" ({d.hint})" if d.hint else ""
        level = logging.ERROR if d.severity.value == "error" else logging.WARNING
        where, message = escape_controls(d.location), escape_controls(d.message)
        log.log(level, "%s: %s [%s]%s", where, message, d.code, escape_controls(hint))
    if hidden:
        log.info(
            "%d library entries that no page cites have problems: `citekb check --all-entries`"
            " lists them",
            len(hidden),
        )


def limited_pages(diagnostics: Sequence[Diagnostic]) -> set[str]:
    """Pages that must not be rendered: past a size or nesting limit, or an alias bomb."""

    return {
        d.path
        for d in diagnostics
        if d.code == Code.PAGE_LIMIT
        or (d.code == Code.BAD_FRONTMATTER and d.message.startswith("front matter is too large"))
    }


def escape_theme_fields(meta: MutableMapping[str, Any]) -> None:
    """Escape the front-matter fields a theme writes raw into ``<title>``, the header and
    ``<meta>`` (``check`` reports markup in them as ``bad-frontmatter``)."""
    for name in THEME_FIELDS:
        if isinstance(meta.get(name), str):
            meta[name] = html.escape(meta[name])


def _cited(page: Page) -> list[str]:
    return list(dict.fromkeys(c.key for c in page.citations))


def watched_paths(root: Path, config: Config) -> list[Path]:
    """What ``mkdocs serve`` watches besides the docs: each bibliography file the globs match
    (not their folders: a root-level ``library.bib`` must not watch ``site/`` or the cache),
    the evidence file, and ``references/`` so that a new bib file is noticed."""

    paths = list(bibliography_files(root, config)[0])
    if config.evidence:
        paths.append(root / config.evidence)
    paths.append(root / "references")
    return sorted({p for p in paths if p.exists()})
