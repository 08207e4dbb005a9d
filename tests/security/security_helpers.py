"""Helpers for the attack tests (``tests/security``): a tiny knowledge base, and citekb run as CI runs it.

Every command runs in a fresh process with a timeout (a hang fails the test) and an address
space limit (a memory bomb ends in MemoryError there, not in the test runner).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import citekb

if TYPE_CHECKING:
    from collections.abc import Mapping

#: The folder that holds the ``citekb`` package under test.
TOOLS = str(Path(citekb.__file__).resolve().parent.parent)
MEMORY = 2 << 30  # bytes of address space for each command

SITE_YML = """\
site_name: Attack KB
site_url: https://kb.example.org/
theme:
  name: mkdocs
plugins:
  - citekb:
      bibliography: [references/*.bib]
"""

BIB = """\
@article{smith2020,
  author = {Smith, Ann},
  title = {A Study},
  journal = {Journal},
  year = {2020},
}
"""

Files = "Mapping[str, str | bytes]"


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(
    root: Path,
    *args: str,
    timeout: float = 120,
    stdin: str | None = None,
    module: str = "",
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``citekb ARGS`` (or ``python -m MODULE ARGS``) at ``root`` in a limited fresh process
    (``env``: the environment, by default this one's)."""
    env = {**(env or os.environ), "PYTHONPATH": TOOLS, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    command = [sys.executable, "-m", module or "citekb.cli.main", *args]
    return subprocess.run(
        command,
        cwd=root,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limits,
        check=False,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text[-3000:]
    assert "MemoryError" not in text and "RecursionError" not in text, text[-3000:]
