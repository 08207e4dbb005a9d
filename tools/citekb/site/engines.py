"""The site engines ``citekb build`` and ``serve`` can run: MkDocs, ProperDocs, Zensical.

MkDocs and ProperDocs (a maintained MkDocs 1.x fork that loads MkDocs plugins) run citekb's
plugin, which runs the post-build pass itself. Zensical runs no MkDocs plugins, only Markdown
extensions: citekb adds its own for the run (:mod:`citekb.site.engine_config`) and runs the
pass after it. Each engine runs in a child process of
the same Python, from the project root, reading its ``mkdocs.yml``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


#: In the order the default looks for them.
ENGINES = ("mkdocs", "properdocs", "zensical")
#: What to install for each engine (the command names the package).
INSTALL = {
    "mkdocs": "pip install mkdocs mkdocs-material",
    "properdocs": "pip install properdocs mkdocs-material",
    "zensical": "pip install zensical",
}
#: Engines that run citekb's MkDocs plugin, and with it the post-build pass.
PLUGIN_ENGINES = frozenset({"mkdocs", "properdocs"})


class EngineError(Exception):
    """No usable engine: the CLI exits 2 with this message."""


def installed(name: str) -> bool:
    """Whether this Python can import the engine ``name``."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def choose(requested: str | None, configured: str | None = None) -> str:
    """The engine to run: the one asked for (option, then config), else the first installed."""
    name = requested or configured
    if name:
        if name not in ENGINES:
            raise EngineError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")
        if not installed(name):
            raise EngineError(
                f"the {name} engine is not installed for {sys.executable}: {INSTALL[name]}"
            )
        return name
    for name in ENGINES:
        if installed(name):
            return name
    raise EngineError(
        "no site engine is installed: pip install mkdocs mkdocs-material"
        " (or properdocs, or zensical)"
    )


def environment() -> dict[str, str]:
    """The engine's environment, without Material's and ProperDocs' banners about MkDocs 2."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def command(
    engine: str, root: Path, action: str, *extra: str, config_file: Path | None = None
) -> list[str]:
    """The command line that runs ``engine``'s ``build`` or ``serve`` for the site at ``root``
    (with ``config_file``, default ``root/mkdocs.yml``)."""
    config = str(config_file or root / "mkdocs.yml")
    # -P: the working folder is not importable, so a `!!python/name:` tag in the config
    # cannot import a module that the repository itself adds
    return [sys.executable, "-P", "-m", engine, action, "--config-file", config, *extra]
