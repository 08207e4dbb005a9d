"""How `citekb check` scales: a synthetic knowledge base, timed against bare bibtexparser.

Generates 2,000 pages with 10 citations each and a 20,000-entry bib with about 1% defects
(unknown keys, each a typo of a real key that gets a suggestion; missing fields; bad DOIs), then prints:
- the wall time of `citekb check` (a fresh process, as a user runs it), from scratch
  (`--no-cache`) and again with nothing changed (the cached result);
- its ratio to a bare `bibtexparser.parse_file` of the same bib in a fresh process (goal <= 1.5);
- the growth from a quarter to the full size (goal: linear, ratio about 4);
- the wall time of `citekb --help` (goal <= 0.2 s);
- the cold check again with `CITEKB_JOBS=1` (one process) and with the other core kept busy by a
  spinning process, to show how it degrades without a free second core;
- peak memory (RSS, from ``wait4``, helper process included) of the cold check and of the bare parse;
- the CPU time (user + sys, helper process included, from ``wait4``) of each, and the load
  average before and after: on a shared machine wall times follow the load, CPU times much less.

Usage: python benchmarks/check_scale.py [--pages 2000] [--entries 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

WORDS = "social connection loneliness health support attachment secure base help need".split()  # noqa: SIM905


def make_kb(root: Path, pages: int, entries: int, seed: int = 7) -> None:
    """Write mkdocs.yml, docs/*.md and references/library.bib under ``root``."""
    rng = random.Random(seed)
    (root / "docs").mkdir(parents=True)
    (root / "references").mkdir()
    (root / "mkdocs.yml").write_text(
        "site_name: Bench\nplugins:\n  - citekb:\n      bibliography: [references/*.bib]\n"
        "      ignore: [unused-entry]\n",
        encoding="utf-8",
    )
    bib = []
    for i in range(entries):
        defect = i % 100 == 0
        doi = "10.9999/bad doi" if i % 100 == 50 else f"10.5555/bench.{i}"
        author = "" if defect else f"  author = {{Author{i}, Ann and Other, Bob}},\n"
        bib.append(
            f"@article{{key{i},\n{author}  title = {{A study of {' '.join(rng.sample(WORDS, 4))}}},\n"
            f"  journal = {{Journal of Benchmarks}},\n  year = {{{1950 + i % 70}}},\n"
            f"  volume = {{{i % 40}}},\n  pages = {{{i % 300}--{i % 300 + 9}}},\n  doi = {{{doi}}}\n}}\n"
        )
    (root / "references" / "library.bib").write_text("\n".join(bib), encoding="utf-8")
    for p in range(pages):
        lines = [f"---\ntitle: Page {p}\n---\n", f"# Page {p}\n"]
        for c in range(10):
            key = f"key{rng.randrange(entries)}"
            if (p * 10 + c) % 100 == 3:  # 1% unknown: a typo of a real key, as people make them
                key = "kye" + key[3:]
            lines.append(
                f"People who {' '.join(rng.sample(WORDS, 5))} do better [@{key}, p. {c + 1}].\n"
            )
        lines.append("\n```python\nprint('@notacitation')\n```\n")
        (root / "docs" / f"page{p}.md").write_text("\n".join(lines), encoding="utf-8")


# Python caches compiled bytecode on any normal install; a sandbox that turns the cache off
# would time the compiling of citekb's modules on every run instead.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


PEAK: dict[str, float] = {}  # command name -> largest peak RSS seen, MiB


def wall(cmd: list[str], cwd: Path, repeat: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of ``cmd`` in a fresh process, after one untimed run."""
    return timed(cmd, cwd, repeat, env)[0]


def timed(
    cmd: list[str], cwd: Path, repeat: int, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Median wall time and median CPU time (user + sys, the helper process included) of
    ``cmd`` in a fresh process, after one untimed run."""
    times, cpus = [], []
    for run in range(repeat + 1):
        start = time.perf_counter()
        child = subprocess.Popen(
            cmd, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, _, usage = os.wait4(child.pid, 0)
        if run:
            times.append(time.perf_counter() - start)
            cpus.append(usage.ru_utime + usage.ru_stime)
        name = " ".join(cmd[2:4])
        PEAK[name] = max(PEAK.get(name, 0.0), usage.ru_maxrss / 1024)
    return statistics.median(times), statistics.median(cpus)


@contextmanager
def busy_core() -> Iterator[None]:
    """Keep one core busy with a spinning process (as another CI job would)."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def measure(pages: int, entries: int, repeat: int, *, full: bool = False) -> dict[str, float]:
    """Cold check (``--no-cache``), warm check (nothing changed since the last run), bare parse;
    with ``full`` also the cold check in one process and with the other core busy."""
    root = Path(tempfile.mkdtemp(prefix="citekb-bench-"))
    try:
        make_kb(root, pages, entries)
        check = [sys.executable, "-m", "citekb.cli.main", "check"]
        out: dict[str, float] = {}
        out["cold"], out["cold_cpu"] = timed([*check, "--no-cache"], root, repeat)
        wall(check, root, 1)  # fills the cache
        out["warm"], out["warm_cpu"] = timed(check, root, repeat)
        parse = "import bibtexparser; bibtexparser.parse_file('references/library.bib')"
        out["bare"], out["bare_cpu"] = timed([sys.executable, "-c", parse], root, repeat)
        if full:
            one = {**ENV, "CITEKB_JOBS": "1"}
            out["jobs1"], out["jobs1_cpu"] = timed([*check, "--no-cache"], root, repeat, one)
            with busy_core():
                out["busy"] = wall([*check, "--no-cache"], root, repeat)
                out["busy_bare"] = wall([sys.executable, "-c", parse], root, repeat)
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    load = os.getloadavg()[0]
    help_time = wall([sys.executable, "-m", "citekb.cli.main", "--help"], Path.cwd(), 5)
    quarter = measure(args.pages // 4, args.entries // 4, args.repeat)
    PEAK.clear()
    m = measure(args.pages, args.entries, args.repeat, full=True)
    full, bare = m["cold"], m["bare"]
    print(f"size: {args.pages} pages x 10 citations, {args.entries} entries")
    print(f"load average (1 min) before / after: {load:.2f} / {os.getloadavg()[0]:.2f}")
    print(f"citekb --help:                 {help_time:6.2f} s   (goal <= 0.20 s)")
    print(f"citekb check, cold (full):     {full:6.2f} s   (goal <= 2 s)")
    print(
        f"citekb check, warm (full):     {m['warm']:6.2f} s   (nothing changed since the last run)"
    )
    print(f"bibtexparser.parse_file:       {bare:6.2f} s")
    print(f"ratio cold check / bare parse: {full / bare:6.2f}     (goal <= 1.5)")
    print(f"cold, CITEKB_JOBS=1:           {m['jobs1']:6.2f} s   (ratio {m['jobs1'] / bare:.2f})")
    bare_cpu = m["bare_cpu"]
    print(
        f"CPU time (user+sys): cold {m['cold_cpu']:.2f} s, CITEKB_JOBS=1 {m['jobs1_cpu']:.2f} s"
        f" (ratio {m['jobs1_cpu'] / bare_cpu:.2f}, goal <= 2), warm {m['warm_cpu']:.2f} s,"
        f" bare parse {bare_cpu:.2f} s"
    )
    print(
        f"cold, other core busy:         {m['busy']:6.2f} s   (bare parse then"
        f" {m['busy_bare']:.2f} s, ratio {m['busy'] / m['busy_bare']:.2f})"
    )
    print(
        f"citekb check, cold (quarter):  {quarter['cold']:6.2f} s   (bare {quarter['bare']:.2f} s)"
    )
    print(f"growth quarter -> full:        {full / quarter['cold']:6.2f}x    (linear = 4x)")
    for name, mib in PEAK.items():
        print(f"peak RSS {name[:28]:28} {mib:6.0f} MiB")


if __name__ == "__main__":
    main()
