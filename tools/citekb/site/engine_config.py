"""What an engine without MkDocs plugins (Zensical) needs for one run, added by citekb.

A knowledge base set up for MkDocs lists citekb only as a plugin, and may have no bibliography
page (the plugin generates it). For a run of such an engine citekb writes, next to
``mkdocs.yml``, a small config that inherits it (``INHERIT``) and adds citekb's Markdown
extension, and a bibliography page when there is none; both are removed after the run. The
project's ``mkdocs.yml`` is never rewritten or re-serialised: the added file holds only
citekb's own keys, quoted as JSON strings.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from citekb.project.atomic import write_new
from citekb.project.files import mkdocs_data

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from citekb.core.config import Config

#: The config written for the run, in the project root (Zensical reads the folder of its
#: config file as the project root, and wants docs_dir and site_dir inside it).
RUN_CONFIG = ".citekb-engine.yml"
EXTENSION = "citekb.site.project_ext"
#: What MkDocs always runs; written out when mkdocs.yml lists no extensions, since the list
#: added for the run would otherwise replace the engine's defaults.
MKDOCS_DEFAULTS = ("toc", "tables", "fenced_code")
_BIBLIOGRAPHY = "# Bibliography\n\n<!-- citekb:bibliography -->\n"
_HEADER = "# Written by citekb for one engine run and removed after it; edit mkdocs.yml instead.\n"


def extension_names(data: Any) -> list[str]:
    """The names under ``markdown_extensions`` in a parsed ``mkdocs.yml``."""
    items = data.get("markdown_extensions") if isinstance(data, dict) else None
    if isinstance(items, dict):
        return [str(k) for k in items]
    if not isinstance(items, list):
        return []
    names = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            names.extend(str(k) for k in item)
    return names


def run_config_text(data: Any, parent: str = "mkdocs.yml") -> str | None:
    """The added config for a parsed ``mkdocs.yml`` (``data``), or None when it lists
    citekb's extension already."""
    names = extension_names(data)
    if EXTENSION in names:
        return None
    has_list = isinstance(data, dict) and data.get("markdown_extensions") is not None
    defaults = "" if has_list else "".join(f"  - {json.dumps(n)}\n" for n in MKDOCS_DEFAULTS)
    return (
        f"{_HEADER}INHERIT: {json.dumps(parent)}\n"
        f'markdown_extensions:\n{defaults}  - {EXTENSION}:\n      project: "."\n'
    )


@contextmanager
def engine_run(root: Path, config: Config) -> Iterator[Path]:
    """The config file to run the engine with (``mkdocs.yml``, or the added one), with a
    bibliography page in place for the run; what was added is removed afterwards."""

    mkdocs = root / "mkdocs.yml"
    data = mkdocs_data(root)
    text = run_config_text(data)
    added: list[Path] = []
    try:
        page = config.bibliography_page
        if page:
            path = root / config.docs_dir / page
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                write_new(path, _BIBLIOGRAPHY)
                added.append(path)
        if text is None:
            yield mkdocs
            return
        run = root / RUN_CONFIG
        run.unlink(missing_ok=True)  # left by a run that was killed
        write_new(run, text)
        added.append(run)
        yield run
    finally:
        for path in reversed(added):
            path.unlink(missing_ok=True)
