"""Attack 1: a cache committed to the repository, or placed where `cache_dir` points, runs
no code; a damaged or foreign cache is ignored and rebuilt."""

from __future__ import annotations

import json
import os
import pickle
from typing import TYPE_CHECKING

import pytest
from security_helpers import SITE_YML, no_traceback, run

from citekb.project.cache import read_sealed

if TYPE_CHECKING:
    from pathlib import Path


class Payload:
    """Unpickling this runs a shell command that creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def plant(folder: Path, marker: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    evil = pickle.dumps(Payload(marker))
    for name in ("check.pickle", "project.pickle", "check.json", "project.json"):
        (folder / name).write_bytes(evil)


@pytest.mark.parametrize("cache_dir", [".citekb-cache", "elsewhere/cache"])
def test_check_never_unpickles_a_cache(site, tmp_path: Path, cache_dir: str) -> None:
    marker = tmp_path / "pwned"
    yml = SITE_YML + f"      cache_dir: {cache_dir}\n"
    root = site({"mkdocs.yml": yml, "docs/index.md": "# Home\n\nSee [@nosuch2020].\n"})
    plant(root / cache_dir, marker)
    result = run(root, "check")
    no_traceback(result)
    assert not marker.exists(), "a committed cache ran code"
    assert result.returncode == 1
    assert "docs/index.md:3:6: error[unknown-key]" in result.stdout  # checked, not cached
    # the rebuilt cache is JSON of this run, and the second run reads it
    saved = json.loads(read_sealed(root / cache_dir / "check.json") or "null")
    assert saved["format"].startswith("citekb-cache")
    again = run(root, "check")
    assert again.stdout == result.stdout and again.returncode == 1
    assert not marker.exists()


def test_build_never_unpickles_a_cache(site, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = site({})
    plant(root / ".citekb-cache", marker)
    result = run(root, "build", "-f", "mkdocs.yml", "-d", "out", module="mkdocs")
    no_traceback(result)
    assert not marker.exists(), "a committed project cache ran code"
    assert result.returncode == 0, result.stderr
    assert "ref-smith2020" in (root / "out" / "index.html").read_text(encoding="utf-8")
    assert json.loads(read_sealed(root / ".citekb-cache" / "project.json") or "null")["state"]


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 200_000,  # nests past every recursion limit
        b'{"format": "citekb-cache-4", "key": "x", "state": [[1, 2], "no"]}',
        b"\xff\xfe not json",
        json.dumps({"apa": "[" * 5000}).encode(),
    ],
    ids=["deep", "wrong-shape", "binary", "string"],
)
def test_a_damaged_cache_is_rebuilt(site, content: bytes) -> None:
    root = site({"docs/index.md": "# Home\n\nSee [@nosuch2020].\n", "docs/h.md": HANDOUT})
    (root / "site").mkdir()
    run(root, "check")
    run(root, "handouts")
    cache = root / ".citekb-cache"
    names = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert names[:2] == ["check.json", "library.json"], names
    assert len([n for n in names if n.startswith("pages/")]) == 2, names  # two parsed pages
    assert len(names) == 5 and names[4].startswith("references-"), names
    for name in names:  # the check result, the library, the pages and the references
        (cache / name).write_bytes(content)
    result = run(root, "check")
    no_traceback(result)
    assert result.returncode == 1
    assert "error[unknown-key] @nosuch2020 is not in the library" in result.stdout
    handouts = run(root, "handouts")
    no_traceback(handouts)
    assert "wrote site/handouts/h.pdf" in handouts.stdout


HANDOUT = "---\ntitle: Handout\nhandout: true\n---\n# Handout\n\nTalk to people [@smith2020].\n"


@pytest.mark.parametrize("where", ["../outside", "ABSOLUTE", "link"])
def test_a_cache_dir_outside_the_project_is_not_written(site, tmp_path: Path, where: str) -> None:
    """cache_dir may not make citekb write outside the project (CI often runs as root)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    cache_dir = str(outside) if where == "ABSOLUTE" else where
    yml = SITE_YML + f"      cache_dir: {cache_dir}\n"
    root = site({"mkdocs.yml": yml, "docs/index.md": "# Home\n\nSee [@nosuch2020].\n"})
    if where == "link":
        (root / "link").symlink_to(outside)
    result = run(root, "check")
    no_traceback(result)
    assert result.returncode == 1 and "error[unknown-key]" in result.stdout
    assert list(outside.iterdir()) == []
