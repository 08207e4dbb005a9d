"""Run MkDocs in this process on a project citekb has already loaded and checked (an I/O edge).

``citekb build`` loads and checks the knowledge base once, then hands that project and its
findings to the plugin instance MkDocs creates, so the plugin neither reads nor checks anything
again; the handouts then reuse the references the site formatted and the site's Markdown
extensions.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from citekb.core.diagnostics import Diagnostic
    from citekb.pages.page import Page
    from citekb.project.load import Project
    from citekb.render.style import References
    from citekb.sources.evidence import Evidence


@dataclass
class MarkdownSetup:
    """The site's Markdown extensions and their options, as MkDocs resolved them."""

    extensions: list[Any] = field(default_factory=list)
    configs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Built:
    """What a build leaves for the handouts: exit status, pages, references, Markdown setup,
    and the evidence records (their forest plots)."""

    status: int
    pages: Sequence[Page] = ()
    refs: References | None = None
    markdown: MarkdownSetup = field(default_factory=MarkdownSetup)
    evidence: Evidence | None = None


@contextmanager
def _repository_not_importable(root: Path) -> Iterator[None]:
    """Take the working folder and ``root`` off ``sys.path`` while MkDocs reads the config,
    as ``python -P`` does: a ``!!python/name:`` tag then cannot import the repository's code."""
    here = {"", str(Path.cwd().resolve()), str(root.resolve())}
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if str(Path(p).resolve() if p else "") not in here]
    try:
        yield
    finally:
        sys.path[:] = saved


@contextmanager
def _mkdocs_logging() -> Iterator[None]:
    """Print MkDocs' log as its own command line does (``INFO    -  message``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def markdown_setup(root: Path) -> MarkdownSetup | None:
    """The Markdown extensions of ``root/mkdocs.yml`` as MkDocs reads them (for handouts made
    apart from an in-process build); None where MkDocs is not installed or cannot read it."""
    try:
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException
    except ImportError:  # another engine's environment (Zensical): the basic extensions
        return None
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner
    try:
        config = load_config(str(root / "mkdocs.yml"))
    except MkDocsException:
        return None
    return MarkdownSetup(list(config.markdown_extensions), dict(config.mdx_configs))


def build_site(
    root: Path, site_dir: Path, preload: tuple[Project, Sequence[Diagnostic]] | None
) -> Built:
    """``mkdocs build --strict`` in this process; the plugin gets ``preload`` when given."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from citekb.site.mkdocs_plugin import CitekbPlugin  # heavy: click, jinja2, markdown, mkdocs

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with _mkdocs_logging(), _repository_not_importable(root):
        try:
            config = load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(site_dir))
            plugin = config.plugins.get("citekb")
            if isinstance(plugin, CitekbPlugin) and preload is not None:
                plugin.preload(*preload)
            setup = MarkdownSetup(list(config.markdown_extensions), dict(config.mdx_configs))
            build(config)
        except MkDocsException as exc:  # Abort, ConfigurationError, PluginError, BuildError
            logging.getLogger("mkdocs").error("%s", exc)
            return Built(1)
    session = plugin.session if isinstance(plugin, CitekbPlugin) else None
    if session is None or session.state is None:
        return Built(0, markdown=setup)
    state = session.state
    return Built(0, state.pages, session.works.refs, setup, state.evidence)
