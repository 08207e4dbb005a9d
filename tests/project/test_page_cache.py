"""Unchanged pages are not parsed again: each comes back from cache_dir/pages/, findings and all."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

import citekb.pages.page
import citekb.project.worker
from citekb.project.load import load_project
from support import SITES

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names: list[str] = []
    real = citekb.pages.page.parse_page

    def counted(shown: str, *args: Any, **kwargs: Any) -> Any:
        names.append(shown)
        return real(shown, *args, **kwargs)

    monkeypatch.setattr(citekb.project.worker, "parse_page", counted)  # where the loader calls it
    return names


def _copy(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(SITES / name, root, ignore=shutil.ignore_patterns(".citekb-cache"))
    return root


def test_cached_pages_equal_fresh_ones_findings_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path, "defects")
    parsed = _parsed(monkeypatch)
    fresh = load_project(root, cache=True)
    assert parsed and len(list((root / ".citekb-cache" / "pages").iterdir())) == len(parsed)
    parsed.clear()
    again = load_project(root, cache=True)
    assert parsed == []
    assert again.pages == fresh.pages
    assert again.diagnostics == fresh.diagnostics
    assert any(d.path.startswith("docs/") for d in fresh.diagnostics)  # page findings survive


def test_an_edit_parses_that_page_alone_and_its_old_file_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path, "basic")
    load_project(root, cache=True)
    folder = root / ".citekb-cache" / "pages"
    before = {p.name for p in folder.iterdir()}
    page = root / "docs" / "health.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    parsed = _parsed(monkeypatch)
    edited = load_project(root, cache=True)
    assert parsed == ["docs/health.md"]
    after = {p.name for p in folder.iterdir()}
    assert len(after) == len(before) and len(after - before) == 1
    assert edited.pages == load_project(root).pages  # the uncached load agrees
    page.unlink()
    load_project(root, cache=True)
    assert len(list(folder.iterdir())) == len(before) - 1


def test_no_cache_reads_and_writes_no_page_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path, "basic")
    parsed = _parsed(monkeypatch)
    load_project(root)
    load_project(root)
    assert len(parsed) == 2 * len(list((root / "docs").glob("*.md")))
    assert not (root / ".citekb-cache" / "pages").exists()


def test_page_files_are_written_without_fsync_and_stale_temporaries_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    root = _copy(tmp_path, "basic")
    folder = root / ".citekb-cache" / "pages"
    folder.mkdir(parents=True)
    stale = folder / ".0123.json.citekb-999999999-x.tmp"  # left by a killed process
    stale.write_text("half", encoding="utf-8")
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    load_project(root, cache=True)
    assert synced == []  # cache files need no sync: a torn one fails its seal
    assert not stale.exists()
    assert all(p.suffix == ".json" and not p.name.startswith(".") for p in folder.iterdir())
