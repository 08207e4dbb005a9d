"""The ``citekb`` MkDocs plugin: each hook adapts MkDocs' objects to one call of a
:class:`~citekb.site.session.SiteSession`, which holds the build's state and does its work.

Before any page renders the session loads the project once (pages, library, evidence), logs
every diagnostic as ``path:line:column: message`` under ``mkdocs.plugins.citekb`` (so
``--strict`` fails), formats the cited works and hands them to
:class:`~citekb.site.markdown_ext.CitekbExtension`. The plugin adds that extension, the CSS/JS
and the bibliography page to MkDocs' config and files, and in serve watches the bibliography and
evidence files. After the build the session runs the post-build pass
(:mod:`citekb.site.postbuild`), the one code path for backlinks, downloads and print links that
``citekb build`` also runs after Zensical.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config as MkConfig
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

from citekb.core.config import OPTIONS, ConfigError, parse_options
from citekb.render.style import StyleError
from citekb.site.markdown_ext import CitekbExtension
from citekb.site.references import ASSET_URIS
from citekb.site.session import NOT_RENDERED, SiteSession

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page as MkPage
    from mkdocs.utils.templates import TemplateContext

    from citekb.core.diagnostics import Diagnostic
    from citekb.core.options import Option
    from citekb.project.load import Project

#: How mkdocs.yml names the Markdown extension for engines without plugins.
EXTENSION_NAMES = ("citekb.site.project_ext", "citekb.site.markdown_ext")


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
        self.session = SiteSession()

    def preload(self, project: Project, diagnostics: Sequence[Diagnostic]) -> None:
        """Use a project ``citekb build`` has already loaded and checked (for one build)."""
        self.session.preload(project, diagnostics)

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Options are validated by citekb's own table, so ``citekb check`` reads the same."""

        self.session.options = dict(options)
        try:
            parse_options(self.session.options)
        except ConfigError as exc:
            return [("citekb", ValidationError(str(exc)))], []
        self.config = CitekbConfig(config_file_path=config_file_path)
        self.config.load_dict(self.session.options)
        return self.config.validate()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Runs first, so every later hook can rely on the session's settings."""

        if not self.config.enabled:
            return config
        root = Path(config.config_file_path or ".").resolve().parent
        docs = Path(config.docs_dir)
        site = self.session.configure(
            root,
            docs_dir=docs.relative_to(root).as_posix() if docs.is_relative_to(root) else str(docs),
            site_url=config.site_url or "",
            site_name=config.site_name or "",
            site_author=config.site_author or "",
        )
        # a `citekb.site.project_ext` entry (for Zensical) gives way to the plugin's own
        config.markdown_extensions[:] = [
            e for e in config.markdown_extensions if e not in EXTENSION_NAMES
        ]
        for name in EXTENSION_NAMES:
            config.mdx_configs.pop(name, None)
        config.markdown_extensions.append(CitekbExtension(site))  # type: ignore[arg-type]
        for uri in ASSET_URIS:
            target = config.extra_javascript if uri.endswith(".js") else config.extra_css
            if uri not in [str(t) for t in target]:
                target.append(uri)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Once every file is known: load (or reuse) the project, then add generated files."""

        if not self.config.enabled:
            return files
        session = self.session
        with _stops_the_build():
            session.start()
        assert session.settings is not None
        for file in outside_files(files, session.refused(), session.settings.docs_dir):
            files.remove(file)  # never publish what a link out of the project points to
        for uri, content in session.generated(
            lambda u: files.get_file_from_path(u) is not None
        ).items():
            files.append(File.generated(config, uri, content=content))
        session.set_urls({f.src_uri: f.url for f in files.documentation_pages()})
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """ "Cited on" lists follow the navigation, which is known only now."""
        self.session.set_order([p.file.src_uri for p in nav.pages])
        return nav

    def on_page_markdown(
        self, markdown: str, /, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        if not self.config.enabled:
            return markdown
        if not self.session.begin_page(page.file.src_uri, page.meta):
            page.meta = {}  # MkDocs read it; nothing may walk an alias bomb
            return NOT_RENDERED
        return markdown

    def on_page_content(
        self, html: str, /, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        """After the title, a handout's link to its PDF; after the References, the page's
        review dates, "Cite this page" and JSON-LD."""

        if not self.config.enabled:
            return html
        return self.session.page_content(
            html,
            page.file.src_uri,
            page.url,
            page.canonical_url or "",
            handout=page.meta.get("handout") is True,
        )

    @event_priority(50)  # before the search plugin reads the page
    def on_page_context(
        self, context: TemplateContext, /, *, page: MkPage, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Keep the blocks that search skips anyway out of its parser's way (put back in
        :meth:`on_post_page`)."""

        if self.config.enabled and page.content:
            page.content = self.session.hide_from_search(page.content, page.file.src_uri)
        return context

    @event_priority(50)  # the page whole again before other plugins read it
    def on_post_page(self, output: str, /, *, page: MkPage, config: MkDocsConfig) -> str:
        """The post-build pass, one page at a time before MkDocs writes it."""

        if not self.config.enabled:
            return output
        return self.session.post_page(output, page.file.src_uri)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled:
            self.session.finish(Path(config.site_dir))

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        if not self.config.enabled:
            return server
        for path in self.session.watched():
            server.watch(str(path))
        return server


@contextmanager
def _stops_the_build() -> Iterator[None]:
    """A style citeproc-py cannot use, or a malformed ``SOURCE_DATE_EPOCH``, stops the build
    with MkDocs' own error."""
    try:
        yield
    except (StyleError, ConfigError) as exc:
        raise PluginError(f"citekb: {exc}") from None


def outside_files(files: Files, refused: set[str], docs_dir: str) -> list[File]:
    """The files at or under a path that ``outside-project`` refused (a link out, a device)."""

    if not refused:
        return []
    out = []
    for file in files:
        path = PurePosixPath(docs_dir, file.src_uri)
        if str(path) in refused or any(str(p) in refused for p in path.parents):
            out.append(file)
    return out
