"""Unchanged bib files are not parsed again: the library comes back from cache_dir/library.json."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any

import citekb.sources.bibtex
from citekb.project.cache import machine_key
from citekb.project.load import load_project
from support import SITES

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = citekb.sources.bibtex.load_library

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(citekb.sources.bibtex, "load_library", counted)
    return calls


def test_a_cached_library_equals_a_fresh_one_diagnostics_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "defects"
    shutil.copytree(SITES / "defects", root, ignore=shutil.ignore_patterns(".citekb-cache"))
    calls = _parses(monkeypatch)
    fresh = load_project(root, cache=True)
    again = load_project(root, cache=True)
    assert calls == [1]  # the second load read library.json
    assert (root / ".citekb-cache" / "library.json").is_file()
    assert again.library.entries == fresh.library.entries
    assert again.diagnostics == fresh.diagnostics
    assert any(d.path.endswith(".bib") for d in again.diagnostics)  # bib findings survive


def test_no_cache_parses_and_an_edit_invalidates_but_a_touch_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root, ignore=shutil.ignore_patterns(".citekb-cache"))
    calls = _parses(monkeypatch)
    load_project(root, cache=True)
    load_project(root)  # the default, as for citations, refs and export: no cache
    assert calls == [1, 1]
    bib = root / "references" / "library.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(
        text.replace("Perspectives on Psychological", "Perspectives in"), encoding="utf-8"
    )
    entry = load_project(root, cache=True).library.get("holtlunstad2015")
    assert entry is not None and entry.get("journal") == "Perspectives in Science"
    stat = bib.stat()
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000))
    load_project(root, cache=True)
    assert calls == [1, 1, 1]  # keyed by content: the same bytes need no new parse


def test_a_cache_sealed_elsewhere_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request can commit .citekb-cache/, but only this machine's key seals a cache."""
    first = tmp_path / "first"
    shutil.copytree(SITES / "basic", first, ignore=shutil.ignore_patterns(".citekb-cache"))
    load_project(first, cache=True)
    assert (first / ".citekb-cache" / "library.json").is_file()
    checkout = tmp_path / "checkout"
    shutil.copytree(first, checkout)  # the same content and cache
    calls = _parses(monkeypatch)
    load_project(checkout, cache=True)
    assert calls == []  # sealed here, and the same bib: the cache serves
    machine_key.cache_clear()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    try:
        load_project(checkout, cache=True)
    finally:
        machine_key.cache_clear()
    assert calls == [1]
