"""One pipeline: `citekb build` loads, checks and formats once for the site and the handouts."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from click.testing import CliRunner

import citekb.checks.rules
import citekb.cli.run
import citekb.project.load
import citekb.site.mkdocs_plugin
import citekb.site.references
from citekb.cli.main import main
from support import SITES

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

HANDOUT = """---
title: Take a break
handout: true
reviewed: 2026-01-05
---
# Take a break

!!! note "Remember"
    Rest helps [@nasem2020].
"""


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, calls: list[str]) -> None:
    real = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)


def test_build_loads_checks_and_formats_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    (root / "docs" / "break.md").write_text(HANDOUT, encoding="utf-8")
    calls: list[str] = []
    _counting(monkeypatch, citekb.project.load, "load_project", calls)
    _counting(monkeypatch, citekb.checks.rules, "run_checks", calls)
    for name in ("load_project", "run_checks"):  # the CLI's own bindings
        _counting(monkeypatch, citekb.cli.run, name, calls)
    _counting(monkeypatch, citekb.site.references, "site_references", calls)
    _counting(monkeypatch, citekb.site.mkdocs_plugin.CitekbPlugin, "preload", calls)
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--no-cache"])
    assert result.exit_code == 0, result.output
    # MkDocs runs in this process and its plugin takes the project the check loaded
    assert sorted(calls) == ["load_project", "preload", "run_checks", "site_references"]
    assert (root / "site" / "handouts" / "break.pdf").is_file()
    page = (root / "site" / "health" / "index.html").read_text(encoding="utf-8")
    assert 'class="citekb-cite"' in page


def test_a_warm_build_loads_nothing_and_still_writes_handouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    (root / "docs" / "break.md").write_text(HANDOUT, encoding="utf-8")
    assert CliRunner().invoke(main, ["build", "--root", str(root)]).exit_code == 0
    (root / "site" / "handouts" / "break.pdf").unlink()
    calls: list[str] = []
    _counting(monkeypatch, citekb.project.load, "load_project", calls)
    _counting(monkeypatch, citekb.checks.rules, "run_checks", calls)
    for name in ("load_project", "run_checks"):  # the CLI's own bindings
        _counting(monkeypatch, citekb.cli.run, name, calls)
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert calls == []
    assert (root / "site" / "handouts" / "break.pdf").is_file()


def test_handouts_render_with_the_sites_markdown_extensions(tmp_path: Path) -> None:
    """The site lists `admonition`; the handout shows the box as the site does, without ¶."""
    import subprocess

    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    yml = root / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    assert "  - toc:\n      permalink: true\n" in text  # the site's anchors get a "¶"
    yml.write_text(text.replace("markdown_extensions:", "markdown_extensions:\n  - admonition"))
    (root / "docs" / "break.md").write_text(HANDOUT, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", str(root / "site" / "handouts" / "break.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Remember\nRest helps (National Academies" in text
    assert "!!!" not in text and "¶" not in text


def test_each_page_is_scanned_once_per_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are scanned when loaded; the site and the handouts reuse those clusters."""
    import citekb.pages.citations
    import citekb.pages.page
    import citekb.site.markdown_ext

    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    (root / "docs" / "break.md").write_text(HANDOUT, encoding="utf-8")
    scanned: list[str] = []
    real = citekb.pages.citations.scan_clusters

    def counted(text: str, path: str = "", **kwargs: Any) -> Any:
        scanned.append(path)
        return real(text, path, **kwargs)

    for module in (citekb.pages.citations, citekb.pages.page, citekb.site.markdown_ext):
        monkeypatch.setattr(module, "scan_clusters", counted)  # each place that calls it
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert sorted(scanned) == ["docs/break.md", "docs/health.md", "docs/index.md"]
    page = (root / "site" / "break" / "index.html").read_text(encoding="utf-8")
    assert 'class="citekb-cite"' in page and "Print this handout (PDF)" in page


def test_an_edit_reuses_every_entrys_export_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site's downloads are joined from per-entry blocks cached across builds."""
    import citekb.sources.export

    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    assert CliRunner().invoke(main, ["build", "--root", str(root)]).exit_code == 0
    before = (root / "site" / "references" / "cited.bib").read_text(encoding="utf-8")
    page = root / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    calls: list[str] = []
    _counting(monkeypatch, citekb.sources.export, "entry_blocks", calls)
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert calls == []
    assert (root / "site" / "references" / "cited.bib").read_text(encoding="utf-8") == before
