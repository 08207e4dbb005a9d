"""Crash testing: ``citekb build`` killed (SIGKILL) at random points, again and again, never
leaves state that makes a later build differ from a clean one, byte for byte.

The site is small but has what the caches hold: citations, a forest plot drawn from evidence
records, a bibliography page, downloads and a PDF handout. Every tenth kill, and after the last,
a build runs to the end and its output is compared with a build from a clean copy.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from security_helpers import TOOLS

REPO = Path(__file__).resolve().parents[2]
SITE = Path(__file__).parent / "crash_site"
KILLS = int(os.environ.get("CITEKB_CRASH_KILLS", "50"))
ENV = {
    **os.environ,
    "PYTHONPATH": TOOLS,
    "SOURCE_DATE_EPOCH": "1767225600",
    "NO_MKDOCS_2_WARNING": "1",
    "NO_COLOR": "1",
}


def _copy(target: Path) -> Path:
    shutil.copytree(SITE, target)
    shutil.copytree(REPO / "references", target / "references")
    return target


def _build(root: Path) -> float:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "citekb.cli.main", "build"],
        cwd=root,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return time.monotonic() - started


def _tree(root: Path) -> dict[str, bytes]:
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _kill_during_build(root: Path, after: float) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "citekb.cli.main", "build"],
        cwd=root,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the build and any helper it forks: one group to kill
    )
    try:
        process.wait(timeout=after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _assert_same(got: dict[str, bytes], want: dict[str, bytes], when: str) -> None:
    assert sorted(got) == sorted(want), when
    differ = [name for name in want if got[name] != want[name]]
    assert not differ, f"{when}: {differ} differ from a clean build"


def test_a_build_after_random_kills_equals_a_clean_build(tmp_path: Path) -> None:
    clean = _copy(tmp_path / "clean")
    duration = _build(clean)
    want = _tree(clean)
    assert any(name.endswith(".pdf") for name in want) and "index.html" in want
    assert b"citekb-forest" in want["index.html"] or b"<svg" in want["index.html"]

    root = _copy(tmp_path / "killed")
    chance = random.Random(int(os.environ.get("CITEKB_CRASH_SEED", "21")))
    for kill in range(1, KILLS + 1):
        _kill_during_build(root, chance.uniform(0.0, duration * 1.2))
        if kill % 10 == 0 or kill == KILLS:
            _build(root)
            _assert_same(_tree(root), want, f"after {kill} kills")


def test_a_warm_build_equals_a_cold_build(tmp_path: Path) -> None:
    """The second build reuses the cached check and project state; its handout still draws
    the forest plot from the evidence records (it once said "no evidence record")."""
    root = _copy(tmp_path / "kb")
    _build(root)
    cold = _tree(root)
    _build(root)
    _assert_same(_tree(root), cold, "warm build")
    assert b"could not be drawn" not in cold["index.html"]
