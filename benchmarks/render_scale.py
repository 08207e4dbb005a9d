"""Time rendering N references (parse of the whole bib included) with citekb and with pandoc.

    python benchmarks/render_scale.py BIB [--sizes 300,1000,3000] [--pandoc-max 1000]
        [--style apa] [--repeat 1] [--code PATH]

Each run is a fresh process. citekb loads the whole bib (``load_library``), formats the first
N entries with the style (no cache, worker processes as in a site build) and builds the
reference list; pandoc 3.x (``pypandoc-binary``, the ``test`` extra; citekb never needs it at
run time) reads the same bib and renders the same N keys (``nocite``) with ``--citeproc`` and
the same CSL file. pandoc's citeproc is quadratic: sizes above ``--pandoc-max`` skip it.
``--code`` times another checkout's ``tools`` folder (e.g. ``git archive main tools``) with
the same bib, to compare before and after. The tools run in rounds (one run of each per
round, ``--repeat`` rounds), so a host whose speed drifts slows both alike; the table gives
the medians in seconds and the median of the rounds' ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CITEKB = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from citekb.render.style import Engine, build_references, style_path
from citekb.sources.bibtex import load_library
bib, style, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
library, _ = load_library([(bib, Path(bib).read_bytes())])
entries = list(library)[:n]
engine = Engine(style_path(style))
refs = build_references(engine.format_entries(entries), layout=engine.layout)
assert len(refs.order) == len({e.key for e in entries}), len(refs.order)
print(time.perf_counter() - start)
"""


def keys_of(bib: Path) -> list[str]:
    """Entry keys in file order (first of each), as both tools see them."""
    text = bib.read_text(encoding="utf-8", errors="replace")
    found = re.findall(
        r"^\s*@(?!(?:string|preamble|comment)\b)\w+\s*[{(]\s*([^,\s]+)\s*,", text, re.M | re.I
    )
    return list(dict.fromkeys(found))


def cpu() -> float:
    """CPU seconds of the waited-for child processes and theirs (the worker processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_citekb(bib: Path, style: str, n: int, code: Path) -> tuple[float, float]:
    """Wall seconds (of the whole process, measured from outside as pandoc's are) and CPU
    seconds. The child may cache compiled bytecode, as Python does on any normal install (this
    sandbox sets ``PYTHONDONTWRITEBYTECODE``, which would compile every import on every run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(code)
    start, before = time.perf_counter(), cpu()
    subprocess.run(
        [sys.executable, "-c", CITEKB, str(bib), style, str(n)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, cpu() - before


def time_pandoc(bib: Path, csl: Path, keys: list[str]) -> tuple[float, float]:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "doc.md"
        nocite = " ".join(f"@{k}" for k in keys)
        doc.write_text(f"---\nnocite: {json.dumps(nocite)}\n---\n\nText.\n", encoding="utf-8")
        start, before = time.perf_counter(), cpu()
        subprocess.run(
            [
                pandoc,
                str(doc),
                "--citeproc",
                f"--csl={csl}",
                f"--bibliography={bib}",
                "-t",
                "html",
                "-o",
                str(Path(tmp) / "out.html"),
            ],
            capture_output=True,
            check=True,
        )
        return time.perf_counter() - start, cpu() - before


def _median(runs: list[tuple[float, float]], index: int) -> float:
    return statistics.median(run[index] for run in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bib", type=Path)
    parser.add_argument("--sizes", default="300,1000,3000")
    parser.add_argument("--pandoc-max", type=int, default=1000, help="skip pandoc above this")
    parser.add_argument("--style", default="apa")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--code", type=Path, default=ROOT / "tools", help="citekb to time")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.code))
    from citekb.render.style import style_path

    csl = style_path(args.style)
    keys = keys_of(args.bib)
    size = args.bib.stat().st_size / 1e6
    print(
        f"{args.bib.name}: {size:.1f} MB, {len(keys)} entries; style {csl.name}; code {args.code}"
    )
    print(
        "wall and CPU seconds (medians of the rounds); ratio: median of each round's pandoc / citekb wall"
    )
    print(f"{'refs':>6}  {'citekb':>7}  {'cpu':>7}  {'pandoc':>7}  {'cpu':>7}  {'ratio':>6}")
    # untimed first runs: bytecode compiled and the bib in the page cache, for both tools alike
    time_citekb(args.bib, args.style, 10, args.code)
    time_pandoc(args.bib, csl, keys[:10])
    for n in (int(s) for s in args.sizes.split(",")):
        # rounds, one run of each tool per round: a host whose speed drifts during the run
        # slows both alike, and the ratio is the median of the rounds' ratios
        ours, theirs = [], []
        for _ in range(args.repeat):
            ours.append(time_citekb(args.bib, args.style, n, args.code))
            if n <= args.pandoc_max:
                theirs.append(time_pandoc(args.bib, csl, keys[:n]))
        row = f"{n:>6}  {_median(ours, 0):>7.2f}  {_median(ours, 1):>7.2f}"
        if theirs:
            ratio = statistics.median(t[0] / o[0] for o, t in zip(ours, theirs, strict=True))
            row += f"  {_median(theirs, 0):>7.2f}  {_median(theirs, 1):>7.2f}  {ratio:>5.1f}x"
        else:
            row += f"  {'skipped':>7}"
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
