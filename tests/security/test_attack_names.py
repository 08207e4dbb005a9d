"""Attack 6 (names and files): anchors and downloaded works are unique, `@{has space}` is
reported, `add` refuses a key that differs only in case, `fmt` respects a read-only file
and no temporary file outlives a killed write."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

import pypandoc
from security_helpers import TOOLS, no_traceback, run

TWO_KEYS = """\
@article{a/b,
  author = {Slash, Sam}, title = {Slash Work}, journal = {J}, year = {2001},
}
@article{a-b,
  author = {Dash, Dee}, title = {Dash Work}, journal = {J}, year = {2002},
}
"""


def test_keys_a_slash_b_and_a_dash_b_get_their_own_anchors(site) -> None:
    page = "# Home\n\nFirst [@a/b]. Second [@a-b]. Plain [@smith2020].\n"
    root = site({"docs/index.md": page, "references/two.bib": TWO_KEYS})
    result = run(root, "build", "-d", "out", module="mkdocs", timeout=120)
    no_traceback(result)
    html = (root / "out" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'id="(ref-[^"]+)"', html)
    assert sorted(ids) == ["ref-a-b", "ref-a~2f~b", "ref-smith2020"]  # plain keys unchanged
    slash = re.search(r'id="ref-a~2f~b".*?</li>', html, re.S)
    dash = re.search(r'id="ref-a-b".*?</li>', html, re.S)
    assert slash and "Slash work" in slash[0] and dash and "Dash work" in dash[0]
    assert 'href="#ref-a~2f~b"' in html and 'href="#ref-a-b"' in html


def test_pages_a_dash_b_and_a_slash_b_get_their_own_downloads(site) -> None:
    root = site(
        {
            "docs/a-b.md": "# Dash\n\nSee [@a-b].\n",
            "docs/a/b.md": "# Slash\n\nSee [@a/b].\n",
            "references/two.bib": TWO_KEYS,
        }
    )
    result = run(root, "build", "-d", "out", module="mkdocs", timeout=120)
    no_traceback(result)
    dash = (root / "out" / "a-b" / "index.html").read_text(encoding="utf-8")
    slash = (root / "out" / "a" / "b" / "index.html").read_text(encoding="utf-8")
    assert 'data-citekb-keys="[&quot;a-b&quot;]" data-citekb-name="a-b"' in dash
    assert 'data-citekb-keys="[&quot;a/b&quot;]" data-citekb-name="a-b"' in slash
    blocks = json.loads((root / "out" / "references" / "cited-blocks.json").read_text("utf-8"))
    assert json.loads(blocks["a/b"]["csl-json"])["id"] == "a/b"
    assert json.loads(blocks["a-b"]["csl-json"])["id"] == "a-b"


def pandoc_keys(text: str) -> list[str]:
    """Citation keys pandoc reads in ``text`` (its JSON AST)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                found.extend(c["citationId"] for c in node["c"][0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(pypandoc.convert_text(text, "json", format="markdown")))
    return found


def test_a_braced_key_with_a_space_is_reported_as_pandoc_reads_it(site) -> None:
    text = "# Home\n\nSee [@{has space}] and [@{smith2020}].\n"
    assert pandoc_keys(text) == ["smith2020"]  # pandoc: no citation for the spaced key
    root = site({"docs/index.md": text})
    result = run(root, "check")
    no_traceback(result)
    assert result.returncode == 1
    assert "docs/index.md:3:6: error[bad-citation] @{has space} is not a citation" in result.stdout


def test_add_refuses_a_key_that_differs_only_in_case(site) -> None:
    root = site({})
    entry = (
        "@article{SMITH2020, author = {Smith, Bo}, title = {Other}, journal = {J}, year = {2021}}\n"
    )
    result = run(root, "add", stdin=entry)
    no_traceback(result)
    assert result.returncode == 1
    assert "error[duplicate-key] key `SMITH2020` differs only in case from `smith2020`" in (
        result.stderr
    )
    assert "SMITH2020" not in (root / "references" / "library.bib").read_text(encoding="utf-8")


def test_fmt_leaves_a_read_only_bib_alone(site) -> None:
    messy = (
        "@article{smith2020,title={A Study},author={Smith, Ann},journal={Journal},year={2020}}\n"
    )
    root = site({"references/library.bib": messy})
    bib = root / "references" / "library.bib"
    bib.chmod(0o444)
    result = run(root, "fmt")
    no_traceback(result)
    assert result.returncode == 1
    assert (
        "references/library.bib:0:0: error[write-failed] cannot write: the file is read-only"
        in (result.stderr)
    )
    assert "reformatted 0 of 1 file" in result.stderr
    assert bib.read_text(encoding="utf-8") == messy
    assert oct(bib.stat().st_mode & 0o777) == oct(0o444)


SLOW_WRITE = """
import os, sys, time
from pathlib import Path
from citekb.project import atomic
real = os.fsync
def stall(fd):
    print("writing", flush=True)
    time.sleep(60)
atomic.os.fsync = stall
atomic.write_atomic(Path(sys.argv[1]), "new\\n")
"""


def test_no_temporary_file_outlives_a_killed_write(site) -> None:
    root = site({})
    bib = root / "references" / "library.bib"
    assert run(root, "fmt").returncode == 0  # canonical: the run below has nothing to write
    before = bib.read_text(encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, str(bib)],
        env={"PYTHONPATH": TOOLS, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline() == "writing\n"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    left = list(bib.parent.glob(".library.bib.*"))
    assert left, "the killed write should have left its temporary file"
    time.sleep(0.1)
    result = run(root, "fmt")
    no_traceback(result)
    assert "reformatted 0 of 1 file" in result.stderr
    assert list(bib.parent.glob(".library.bib.*")) == []
    assert bib.read_text(encoding="utf-8") == before
