"""The pages that ``nav:`` in ``mkdocs.yml`` names, with their lines (for the ``nav-missing-page``
check), and the plugin entries it lists (a leftover mkdocs-bibtex entry, for instance).

The YAML is only composed into nodes, never constructed, so no tag can run anything.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from collections.abc import Mapping

_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")
_MAX_NODES = 100_000  # a nav bigger than this is not a real site's


def nav_pages(text: str) -> tuple[tuple[str, int, int], ...]:
    """Every docs-relative page in ``nav:`` with its 1-based line and column; () if none."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return ()  # the config loader reports broken YAML itself
    if not isinstance(root, yaml.MappingNode):
        return ()
    nav = next((v for k, v in root.value if getattr(k, "value", None) == "nav"), None)
    found: list[tuple[str, int, int]] = []
    stack: list[yaml.Node] = [nav] if nav is not None else []
    seen = 0
    while stack and seen < _MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, yaml.ScalarNode):
            value = str(node.value).strip()
            if value and not _EXTERNAL.match(value):
                mark = node.start_mark
                found.append((value.removeprefix("./"), mark.line + 1, mark.column + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for _, v in reversed(node.value))
    return tuple(found)


def plugin_lines(text: str) -> tuple[tuple[str, int, int], ...]:
    """Each entry of ``plugins:`` by name, with its 1-based line and column; () if none."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return ()
    if not isinstance(root, yaml.MappingNode):
        return ()
    plugins = next((v for k, v in root.value if getattr(k, "value", None) == "plugins"), None)
    if isinstance(plugins, yaml.SequenceNode):
        items = list(plugins.value)
    elif isinstance(plugins, yaml.MappingNode):
        items = [k for k, _ in plugins.value]
    else:
        return ()
    found: list[tuple[str, int, int]] = []
    for item in items[:_MAX_NODES]:
        if isinstance(item, yaml.MappingNode) and item.value:
            item = item.value[0][0]
        if isinstance(item, yaml.ScalarNode):
            mark = item.start_mark
            found.append((str(item.value), mark.line + 1, mark.column + 1))
    return tuple(found)


def bibtex_options(mkdocs: Mapping[str, Any]) -> str:
    """citekb's options for what mkdocs-bibtex's entry says: ``bib_file``/``bib_dir`` become
    ``bibliography``, ``csl_file`` becomes ``style`` ("" when there is nothing to carry)."""
    plugins = mkdocs.get("plugins")
    items = plugins if isinstance(plugins, list) else [plugins] if plugins else []
    found: Any = next((i["bibtex"] for i in items if isinstance(i, dict) and "bibtex" in i), None)
    if not isinstance(found, dict):
        return ""
    out: list[str] = []
    files = [
        f if key == "bib_file" else f"{f.rstrip('/')}/**/*.bib"
        for key in ("bib_file", "bib_dir")
        if isinstance(f := found.get(key), str) and f and "://" not in f
    ]
    if files:
        out.append(f"bibliography: [{', '.join(files)}]")
    if isinstance(csl := found.get("csl_file"), str) and csl and "://" not in csl:
        out.append(f"style: {csl}")
    return ", ".join(out)
