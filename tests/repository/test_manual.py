"""citekb's manual is a site of its own: built from ``mkdocs.manual.yml``, absent from the
knowledge base's navigation and docs folder."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from citekb.core.config import parse_config
from support import REPO

if TYPE_CHECKING:
    from pathlib import Path

MANUAL = REPO / "manual"
PAGES = ("diagnostics", "configuration", "ci", "pandoc", "engines", "untrusted")


def test_the_knowledge_base_holds_no_page_of_the_manual() -> None:
    config = parse_config((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    named = {path for path, _line, _col in config.nav}
    assert named and not any(p.startswith("reference/") for p in named)
    assert not (REPO / "docs" / "reference").exists()
    docs = {p.stem for p in (REPO / "docs").rglob("*.md")}
    assert not docs & set(PAGES)


def test_the_manual_builds_from_its_own_config(tmp_path: Path) -> None:
    out = tmp_path / "manual"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(REPO / "mkdocs.manual.yml"),
            "-d",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    for page in PAGES:
        html = (out / page / "index.html").read_text(encoding="utf-8")
        assert "<h1" in html, page
        assert "//fonts.googleapis.com" not in html, page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="diagnostics/"' in home


def test_the_readme_links_the_manual() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/reference" not in readme
    for page in PAGES[:2]:
        assert f"(manual/{page}.md)" in readme
    assert "mkdocs.manual.yml" in readme
