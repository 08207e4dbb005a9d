"""Attack 1, round two: a cache is keyed by what the inputs contain, not by their times, and a
cache file counts only when this machine sealed it, so a planted one is never read."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from security_helpers import BIB, run

from citekb.site.references import export_key
from citekb.sources.bibtex import load_library

if TYPE_CHECKING:
    from pathlib import Path

    from citekb.core.model import Entry

GOOD = "# Home\n\nSee [@smith2020].\n"
BAD = "# Home\n\nSee [@smith2029].\n"  # the same size: one digit differs
HANDOUT = "---\ntitle: Handout\nhandout: true\n---\n# Handout\n\nTalk to people [@smith2020].\n"


def test_a_same_size_edit_with_its_time_restored_is_checked_again(site) -> None:
    root = site({"docs/index.md": GOOD})
    page = root / "docs" / "index.md"
    first = run(root, "check")
    assert first.returncode == 0, first.stdout
    before = page.stat()
    page.write_text(BAD, encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a tarball restores it
    assert page.stat().st_size == before.st_size
    cached = run(root, "check")
    fresh = run(root, "check", "--no-cache")
    assert fresh.returncode == 1 and "error[unknown-key] @smith2029" in fresh.stdout
    assert cached.returncode == 1 and cached.stdout == fresh.stdout


def test_a_same_size_bib_edit_with_its_time_restored_is_loaded_again(site) -> None:
    root = site({})
    bib = root / "references" / "library.bib"
    assert run(root, "check").returncode == 0
    before = bib.stat()
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("smith2020", "smith2021"), encoding="utf-8")
    os.utime(bib, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = run(root, "check")
    assert result.returncode == 1
    assert "docs/index.md:3:6: error[unknown-key] @smith2020" in result.stdout


def _smith() -> Entry:
    """The default bib's entry, as the loader reads it (its export cache key is predictable)."""
    library, _ = load_library([("references/library.bib", BIB.encode())])
    entry = library.get("smith2020")
    assert entry is not None
    return entry


def test_a_planted_export_cache_puts_nothing_into_the_downloads(site) -> None:
    root = site({})
    cache = root / ".citekb-cache"
    cache.mkdir()
    evil = "EVIL <script>alert(1)</script>"
    blocks = {"bibtex": evil, "ris": evil, "csl-json": evil}
    planted = json.dumps({export_key(_smith()): blocks})
    (cache / "references-exports.json").write_text(planted, encoding="utf-8")
    result = run(root, "build", "-f", "mkdocs.yml", "-d", "out", module="mkdocs")
    assert result.returncode == 0, result.stderr
    written = [p for p in (root / "out").rglob("*") if p.suffix in {".bib", ".ris", ".json"}]
    assert any(p.suffix == ".bib" for p in written), written
    for path in written:
        assert "EVIL" not in path.read_text(encoding="utf-8"), path
    assert "smith2020" in next(p for p in written if p.suffix == ".bib").read_text("utf-8")


def test_a_planted_deep_references_cache_is_ignored(site) -> None:
    root = site({"docs/h.md": HANDOUT})
    cache = root / ".citekb-cache"
    cache.mkdir()
    deep: object = "x"
    for _ in range(300):
        deep = {"k": deep}
    for name in ("references-apa.json", "references-exports.json"):
        (cache / name).write_text(json.dumps({"any": deep}), encoding="utf-8")
    result = run(root, "handouts")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote site/handouts/h.pdf" in result.stdout


def test_a_cache_sealed_on_another_machine_is_not_read(site, tmp_path: Path) -> None:
    root = site({"docs/index.md": GOOD})
    state = root / ".citekb-cache" / "check.json"
    mine = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "a")}
    theirs = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "b")}
    assert run(root, "check", env=mine).returncode == 0
    sealed = state.read_bytes()
    assert run(root, "check", env=mine).returncode == 0
    assert state.read_bytes() == sealed  # reused as it was
    assert run(root, "check", env=theirs).returncode == 0
    assert state.read_bytes() != sealed  # not accepted: checked again and sealed anew
    assert state.read_bytes().partition(b"\n")[2] == sealed.partition(b"\n")[2]
    key = (tmp_path / "a" / "citekb" / "cache-key").stat()
    assert key.st_mode & 0o077 == 0  # the key is private to its user
