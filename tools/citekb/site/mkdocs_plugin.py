"""The ``citekb`` MkDocs plugin: a thin adapter around the core and the Markdown extension.

Before any page renders it loads the project once (pages, library, evidence), logs every
diagnostic as ``path:line:column: message`` under ``mkdocs.plugins.citekb`` (so ``--strict``
fails), formats the cited works and hands them to :class:`~citekb.site.markdown_ext.CitekbExtension`.
It also generates the bibliography page, ships the CSS/JS, and in serve watches the bibliography
and evidence files. After the build it runs the post-build pass (:mod:`citekb.site.postbuild`),
the one code path for backlinks, downloads and print links that ``citekb build`` also runs after
Zensical.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config as MkConfig
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from citekb.checks.policy import apply_policy
from citekb.checks.presentation import SITE_URL_CODES
from citekb.checks.rules import check_library, run_checks
from citekb.core.config import OPTIONS, Config, ConfigError, parse_options
from citekb.core.diagnostics import Code, escape_controls
from citekb.pages.page import THEME_FIELDS
from citekb.project.cache import add_contents, cache_folder, load_state, save_state
from citekb.project.clock import today
from citekb.project.load import bibliography_files, load_project, style_engine
from citekb.render.style import StyleError, style_path
from citekb.site.build import (
    ASSET_URIS,
    ASSETS,
    FormatCache,
    cache_file,
    cached_references,
    citeproc_failures,
    fingerprint,
)
from citekb.site.markdown_ext import BIBLIOGRAPHY_MARKER, CitekbExtension
from citekb.site.pagemeta import page_facts, page_meta_html
from citekb.site.postbuild import SiteProject, backlinks, cited_files, fix_site, write_output
from citekb.site.progress import terminal_progress
from citekb.site.sitedata import SiteData
from citekb.site.urls import add_print_link, output_path

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import MutableMapping, Sequence

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page as MkPage

    from citekb.core.diagnostics import Diagnostic
    from citekb.core.model import Cluster, Entry
    from citekb.core.options import Option
    from citekb.pages.page import Page
    from citekb.project.load import Project
    from citekb.render.style import References
    from citekb.sources.evidence import Evidence

log = logging.getLogger("mkdocs.plugins.citekb")
#: How mkdocs.yml names the Markdown extension for engines without plugins.
EXTENSION_NAMES = ("citekb.site.project_ext", "citekb.site.markdown_ext")


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


def _mkdocs_option(option: Option) -> Any:
    """The MkDocs config option for one row of citekb's option table."""
    default = list(option.default) if isinstance(option.default, tuple) else option.default
    kinds: dict[str, Any] = {
        "bool": bool,
        "int": int,
        "number": (int, float),
        "str": str,
        "str?": str,
        "list[str]": list,
        "dict[str,str]": dict,
        "dict[str,list]": dict,
    }
    # citekb checks every option itself first; a kind without its own row is only its shape
    kind = kinds.get(option.kind, type(default) if default is not None else object)
    if option.kind == "str?":
        return c.Optional(c.Type(kind)) if default is None else c.Type(kind, default=default)
    return c.Type(kind, default=default)


class CitekbConfig(MkConfig):  # type: ignore[no-untyped-call]
    """The plugin's options, typed for MkDocs; made from ``OPTIONS``, the ``Config`` fields.

    citekb validates them first with its own messages, so ``citekb check`` and ``mkdocs build``
    accept and refuse the same options.
    """

    locals().update({option.name: _mkdocs_option(option) for option in OPTIONS})
    enabled = c.Type(bool, default=True)  # spelled out for type checkers; the same as the table's


class CitekbPlugin(BasePlugin[CitekbConfig]):  # type: ignore[no-untyped-call]
    """Render citations, per-page references and a bibliography with backlinks.

    Every hook returns at once when ``enabled: false``, as Material's plugins do.
    """

    def __init__(self) -> None:
        self.options: dict[str, Any] = {}
        self.site = SiteData()
        self.root = Path()
        self.settings: Config | None = None
        self.cache: FormatCache | None = None
        self.exports: FormatCache = FormatCache(None)  # export blocks by entry, across builds
        self.state: _State | None = None
        self.state_key = ""
        self.state_dirty = False
        self.seen = 0
        self.today: dt.date | None = None
        self.by_name: dict[str, Page] = {}
        self._preloaded: tuple[Project, Sequence[Diagnostic]] | None = None
        self.urls: dict[str, str] = {}
        self.order: tuple[str, ...] = ()  # page names in navigation order
        self._site: SiteProject | None = None  # what the pass needs, made once per build
        self._found: list[Diagnostic] = []  # what the pass found
        self.bib_url = ""
        self.limited: set[str] = set()  # pages not to render (page-limit)

    def preload(self, project: Project, diagnostics: Sequence[Diagnostic]) -> None:
        """Use a project ``citekb build`` has already loaded and checked (for one build)."""
        self._preloaded = (project, diagnostics)

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Options are validated by citekb's own table, so ``citekb check`` reads the same."""

        self.options = dict(options)
        try:
            parse_options(self.options)
        except ConfigError as exc:
            return [("citekb", ValidationError(str(exc)))], []
        self.config = CitekbConfig(config_file_path=config_file_path)
        self.config.load_dict(self.options)
        return self.config.validate()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Runs first, so every later hook can rely on ``settings``."""

        if not self.config.enabled:
            return config
        self.root = Path(config.config_file_path or ".").resolve().parent
        docs = Path(config.docs_dir)
        docs_dir = (
            docs.relative_to(self.root).as_posix() if docs.is_relative_to(self.root) else str(docs)
        )
        self.settings = parse_options(
            self.options,
            docs_dir=docs_dir,
            site_url=config.site_url or "",
            site_name=config.site_name or "",
            site_author=config.site_author or "",
        )
        self.site = SiteData(
            xref_prefixes=self.settings.xref_prefixes,
            searchable=self.settings.search_references,
        )
        # a `citekb.site.project_ext` entry (for Zensical) gives way to the plugin's own
        config.markdown_extensions[:] = [
            e for e in config.markdown_extensions if e not in EXTENSION_NAMES
        ]
        for name in EXTENSION_NAMES:
            config.mdx_configs.pop(name, None)
        config.markdown_extensions.append(CitekbExtension(self.site))  # type: ignore[arg-type]
        for uri in ASSET_URIS:
            target = config.extra_javascript if uri.endswith(".js") else config.extra_css
            if uri not in [str(t) for t in target]:
                target.append(uri)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Once every file is known: load (or reuse) the project, then add generated files."""

        if not self.config.enabled:
            return files
        assert self.settings is not None
        style = style_path(self.settings.style, self.root)
        self.today = _today()
        self.state_key = fingerprint(
            self.root, self.settings, extra=f"{_file_digest(style)}\0{self.today}"
        )
        state = load_state(self._state_file(), self.state_key, _State)
        if state is None:
            state = self._load(style)
            self.state_dirty = True
        self.state = state
        self.by_name = {p.name: p for p in state.pages}
        self.site.refs = state.refs
        self.site.cited = frozenset(state.entries)  # refs hold more with \full_bibliography
        self.site.clusters = state.clusters
        self.site.pages = {page.path: page for page in state.pages}
        self.site.evidence = state.evidence
        self.seen = len(state.clusters)
        self.limited = limited_pages(state.diagnostics)
        for file in outside_files(files, state.diagnostics, self.settings.docs_dir):
            files.remove(file)  # never publish what a link out of the project points to
        log_diagnostics(state.diagnostics)
        for message in state.warnings:
            log.warning("%s", message)
        for uri in ASSET_URIS:
            if files.get_file_from_path(uri) is None:
                content = (ASSETS / PurePosixPath(uri).name).read_bytes()
                files.append(File.generated(config, uri, content=content))
        page = self.settings.bibliography_page
        if page and files.get_file_from_path(page) is None:
            files.append(
                File.generated(config, page, content=f"# Bibliography\n\n{BIBLIOGRAPHY_MARKER}\n")
            )
        exports = cache_file(self.root, self.settings.cache_dir, "exports")
        if self.exports.path != exports:
            self.exports = FormatCache(exports)
        # backlinks, downloads and print links: the post-build pass, with MkDocs' own URLs;
        # the backlinks also render with the page, so that the search index has them
        self.urls = {f.src_uri: f.url for f in files.documentation_pages()}
        self.bib_url = self.urls.get(page, "") if page else ""
        self.site.backlinks = backlinks(state.pages, self.urls, self.bib_url)
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """ "Cited on" lists follow the navigation, which is known only now."""
        if self.state is not None:
            self.order = tuple(p.file.src_uri for p in nav.pages)
            self.site.backlinks = backlinks(self.state.pages, self.urls, self.bib_url, self.order)
        return nav

    def _load(self, style: Path) -> _State:
        """Read and check the project, and format every cited work."""

        assert self.settings is not None
        if self._preloaded is not None and self._preloaded[0].root == self.root:
            project, found = self._preloaded
            diagnostics = list(found)
        else:
            project = load_project(
                self.root, self.settings, cache=True, library_checks=check_library
            )
            diagnostics = run_checks(project, self.today)
        # the handouts' web address is the handout writer's to report, not a site problem
        diagnostics = [d for d in diagnostics if d.code not in SITE_URL_CODES]
        self._preloaded = None
        try:
            engine = style_engine(self.settings, self.root)
        except StyleError as exc:
            raise PluginError(f"citekb: {exc}") from None
        engine.progress = terminal_progress("citekb: formatting references")
        path = cache_file(self.root, self.settings.cache_dir, engine.id)
        if self.cache is None or self.cache.path != path:
            self.cache = FormatCache(path)
        try:
            refs = cached_references(project, engine, self.cache)
        except StyleError as exc:  # the file read, but citeproc-py cannot use it
            raise PluginError(f"citekb: {exc}") from None
        keys = [c.key for p in project.pages for c in p.citations]
        diagnostics += apply_policy(citeproc_failures(project, refs), self.settings, project.texts)
        warnings: list[str] = []
        entries = {k: e for k in dict.fromkeys(keys) if (e := project.library.get(k))}
        return _State(
            project.pages, diagnostics, refs, warnings, entries=entries, evidence=project.evidence
        )

    def on_page_markdown(
        self, markdown: str, /, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        if not self.config.enabled:
            return markdown
        assert self.settings is not None
        escape_theme_fields(page.meta)
        self.site.page = f"{self.settings.docs_dir}/{page.file.src_uri}"
        if self.site.page in self.limited:
            page.meta = {}  # MkDocs read it; nothing may walk an alias bomb
            return "This page is not rendered: it passes a citekb limit.\n"
        return markdown

    def on_page_content(
        self, html: str, /, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        """After the title, a handout's link to its PDF (which ``citekb build`` writes); after
        the References, the page's review dates, "Cite this page" and JSON-LD."""

        if not self.config.enabled or self.settings is None or self.state is None:
            return html
        if page.meta.get("handout") is True:
            html = add_print_link(html, page.file.src_uri, page.url)
        parsed = self.by_name.get(page.file.src_uri)
        if parsed is None:  # a generated page, such as the bibliography
            return html
        facts = page_facts(parsed, self.settings, page.canonical_url or "")
        cited = [self.state.entries[k] for k in _cited(parsed) if k in self.state.entries]
        return f"{html}\n{page_meta_html(facts, cited)}"

    def on_post_page(self, output: str, /, *, page: MkPage, config: MkDocsConfig) -> str:
        """The post-build pass, one page at a time before MkDocs writes it: download links and
        print links (the same :func:`~citekb.site.postbuild.fix_site` that runs over the whole
        built site for engines without plugins; here it is given this page's URL alone)."""

        url = self.urls.get(page.file.src_uri)
        if not self.config.enabled or self.state is None or self.settings is None or url is None:
            return output
        if self._site is None:
            state = self.state
            self._site = SiteProject(
                state.pages, state.refs, self.settings, state.entries, self.order
            )
        path = output_path(url)
        files, found = fix_site(
            {path: output},
            self._site,
            urls={page.file.src_uri: url},
            assets=False,
            exports=self.exports,
            bibliography=False,
            site_files=False,
        )
        self._found.extend(found)
        return files.get(path, output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return

        if self._site is not None:  # the site's download files, once every page is built
            for name, text in cited_files(self._site, self.exports).items():
                write_output(Path(config.site_dir) / name, text)
        log_diagnostics(self._found)
        self._found, self._site = [], None
        if self.cache is not None:
            self.cache.save()
        self.exports.save()
        if self.state is not None and (self.state_dirty or len(self.state.clusters) != self.seen):
            save_state(self._state_file(), self.state_key, self.state)
        self.state_dirty = False

    def _state_file(self) -> Path | None:
        assert self.settings is not None
        folder = cache_folder(self.root, self.settings.cache_dir)
        return folder / "project.json" if folder is not None else None

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        if not self.config.enabled:
            return server
        assert self.settings is not None
        for path in watched_paths(self.root, self.settings):
            server.watch(str(path))
        return server


@dataclass
class _State:
    """What a build derives from unchanged inputs, cached on disk between builds."""

    pages: tuple[Page, ...]
    diagnostics: list[Diagnostic]
    refs: References
    warnings: list[str] = field(default_factory=list)
    clusters: dict[str, list[Cluster]] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)  # every cited work, for downloads
    evidence: Evidence | None = None  # for forest plots


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
    import html

    for name in THEME_FIELDS:
        if isinstance(meta.get(name), str):
            meta[name] = html.escape(meta[name])


def outside_files(files: Files, diagnostics: Sequence[Diagnostic], docs_dir: str) -> list[File]:
    """The files at or under a path that ``outside-project`` refused (a link out, a device)."""

    refused = {d.path for d in diagnostics if d.code == Code.OUTSIDE_PROJECT}
    if not refused:
        return []
    out = []
    for file in files:
        path = PurePosixPath(docs_dir, file.src_uri)
        if str(path) in refused or any(str(p) in refused for p in path.parents):
            out.append(file)
    return out


def _cited(page: Page) -> list[str]:
    return list(dict.fromkeys(c.key for c in page.citations))


def _today() -> dt.date:
    """Today, or the day ``SOURCE_DATE_EPOCH`` names; a malformed value stops the build."""

    try:
        return today()
    except ConfigError as exc:
        raise PluginError(f"citekb: {exc}") from None


def _file_digest(path: Path) -> str:
    """A digest of one file's name and content (the style: its edits must show)."""
    import hashlib

    digest = hashlib.sha256()
    add_contents(digest, [path])
    return digest.hexdigest()


def watched_paths(root: Path, config: Config) -> list[Path]:
    """What ``mkdocs serve`` watches besides the docs: each bibliography file the globs match
    (not their folders: a root-level ``library.bib`` must not watch ``site/`` or the cache),
    the evidence file, and ``references/`` so that a new bib file is noticed."""

    paths = list(bibliography_files(root, config)[0])
    if config.evidence:
        paths.append(root / config.evidence)
    paths.append(root / "references")
    return sorted({p for p in paths if p.exists()})
