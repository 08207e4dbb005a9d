"""Shared fixtures: build small knowledge bases on disk."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from citekb.render.style import Engine

MKDOCS_YML = """\
site_name: Test KB
site_url: https://kb.example.org/
theme:
  name: material
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
plugins:
  - search
  - citekb:
      bibliography: [references/*.bib]
"""

MakeSite = "Callable[[Mapping[str, str | bytes]], Path]"


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Write ``{relative path: content}`` under a fresh root with a default mkdocs.yml."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        root = tmp_path / "kb"
        root.mkdir(exist_ok=True)
        if "mkdocs.yml" not in files:
            (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture(scope="session")
def apa() -> Engine:
    """The shipped APA style's engine (its caches are per style, so one serves every test)."""
    from citekb.render.style import Engine, style_path

    return Engine(style_path("apa"))
