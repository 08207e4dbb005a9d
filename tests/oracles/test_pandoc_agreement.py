"""benchmarks/pandoc_agreement.py on hand-written documents: counts, agreement and exit status."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from support import BENCHMARKS

if TYPE_CHECKING:
    from pathlib import Path

SCRIPT = BENCHMARKS / "pandoc_agreement.py"

MANUSCRIPT = """\
---
title: "A manuscript citing @meta"
---

[@tag:smith]: doi:10.1/x

Intro [@doi:10.1/x; @tag:smith] and @url:https://example.org/a/b.html said so.

(@good) An example.

As @good shows, [see @pmid:123, p. 3] and [@*].

Note.[^1]

[^1]: In a note, [-@isbn:978-0-465-07691-8].

![Caption [@fig-source].](figure.png)
"""

KNITR = """\
Text [@a].

```{r setup, include=FALSE}
x <- "@b"
```

After @c.
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_agreement_on_own_documents(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "paper.md").write_text(MANUSCRIPT, encoding="utf-8")
    (tmp_path / "book.Rmd").write_text(KNITR, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("@ignored", encoding="utf-8")
    run = _run(str(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[1].split() == ["2", "2", "2", "100.00%", "100.00%", str(tmp_path / "book.Rmd")]
    paper = ["8", "8", "8", "100.00%", "100.00%", str(tmp_path / "sub" / "paper.md")]
    assert lines[2].split() == paper
    assert lines[3].split()[:5] == ["10", "10", "10", "100.00%", "100.00%"]
    assert lines[3].endswith("overall (2 documents)")


def test_a_difference_is_shown_and_fails_the_goal(tmp_path: Path) -> None:
    doc = tmp_path / "url.md"
    doc.write_text("See https://example.com/@user and [@a].\n", encoding="utf-8")
    run = _run(str(doc), "--diff")
    assert run.returncode == 1
    assert run.stdout.splitlines()[1].split()[:4] == ["2", "1", "1", "50.00%"]
    assert "only pandoc: {('user', 'in-text'): 1}  only citekb: {}" in run.stdout
    assert _run(str(doc), "--goal", "50").returncode == 0
