"""Round two (low): `check`'s helper process ends with its parent, and `fmt` and `add --to`
rewrite no file outside the project through a committed link, even one named explicitly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from security_helpers import BIB, TOOLS, no_traceback, run

PARENT = """
import os, sys, time
from pathlib import Path
from citekb.project.worker import sharing

def slow(path, shown):
    print("helper", os.getpid(), flush=True)
    time.sleep(300)
    return None, []

items = [(f"docs/p{i}.md", f"p{i}.md", Path("x")) for i in range(400)]
with sharing(items, [], ("fig",), slow) as share:
    time.sleep(300)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the helper needs two cores")
def test_the_helper_process_dies_with_its_parent_on_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": TOOLS}
    env.pop("CITEKB_JOBS", None)
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        assert line.startswith("helper "), line
        helper = int(line.split()[1])
        assert helper != parent.pid and _alive(helper)
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 15
        while _alive(helper) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(helper), "the helper outlived its parent"
    finally:
        parent.kill()
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


@pytest.mark.parametrize("explicit", [True, False])
def test_fmt_rewrites_no_file_outside_through_a_link(site, tmp_path: Path, explicit: bool) -> None:
    outside = tmp_path / "outside.bib"
    original = "@article{ x ,title={Outside}}\n"
    outside.write_text(original, encoding="utf-8")
    root = site({})
    (root / "references" / "linked.bib").symlink_to(outside)
    args = ["fmt", "references/linked.bib"] if explicit else ["fmt"]
    result = run(root, *args, timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "references/linked.bib:0:0: error[outside-project]" in result.stderr
    assert outside.read_text(encoding="utf-8") == original


@pytest.mark.parametrize("exists", [True, False])
def test_add_to_writes_no_file_outside_through_a_link(site, tmp_path: Path, exists: bool) -> None:
    outside = tmp_path / "outside.bib"
    if exists:
        outside.write_text("% outside\n", encoding="utf-8")
    root = site({})
    (root / "references" / "more.bib").symlink_to(outside)
    entry = BIB.replace("smith2020", "jones2021").replace("2020", "2021")
    result = run(root, "add", "--to", "references/more.bib", stdin=entry, timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "references/more.bib:0:0: error[outside-project] not written: it resolves to" in (
        result.stderr
    )
    assert (
        (outside.read_text(encoding="utf-8") == "% outside\n") if exists else (not outside.exists())
    )


def test_fmt_refuses_a_fifo_named_explicitly(site) -> None:
    root = site({})
    os.mkfifo(root / "references" / "pipe.bib")
    result = run(root, "fmt", "references/pipe.bib", timeout=30)
    no_traceback(result)
    assert result.returncode == 1
    assert "references/pipe.bib:0:0: error[outside-project]" in result.stderr
