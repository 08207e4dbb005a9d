"""Count the instructions citekb spends rendering one work, with valgrind's cachegrind.

    python benchmarks/render_instructions.py BIB [--works 400] [--style apa] [--code PATH ...]

Unlike a time, an instruction count is exact whatever else the machine runs, so small changes
to the rendering can be compared. For each ``--code`` (a ``tools`` folder, default this
checkout's; give several to compare them), one process loads the whole bib and formats the
entries after the first, one after another, and another process only loads it and formats
the first (which imports citeproc-py and parses the style); the difference divided by
``--works`` is printed. Both run under ``cachegrind --cache-sim=no`` with
``PYTHONHASHSEED=0``, after one untimed run that compiles the bytecode. Needs ``valgrind`` (Debian: ``apt-get install valgrind``); about 1 minute per code at 400 works.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RENDER = """
import sys
from pathlib import Path
from citekb.render.style import Engine, packaged_style
from citekb.sources.bibtex import load_library
bib, style, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
library, _ = load_library([(bib, Path(bib).read_bytes())])
engine = Engine(packaged_style(style))
for entry in list(library)[: 1 + n]:  # the first loads citeproc-py and the style
    engine.format_any(entry)
"""


def _bytecode_env() -> dict[str, str]:
    """This environment, writing bytecode as a normal install does."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def instructions(code: Path, bib: Path, style: str, works: int) -> int:
    """The instructions of one run of :data:`RENDER` under cachegrind."""
    env = {**_bytecode_env(), "PYTHONPATH": str(code), "PYTHONHASHSEED": "0"}
    valgrind = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
    ]
    run = subprocess.run(
        [*valgrind, sys.executable, "-c", RENDER, str(bib), style, str(works)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")
    return int(found[1].replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bib", type=Path)
    parser.add_argument("--works", type=int, default=400)
    parser.add_argument("--style", default="apa")
    parser.add_argument("--code", type=Path, action="append", help="a tools folder (repeatable)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    codes = args.code or [ROOT / "tools"]
    print(f"{args.bib.name}: the first {args.works} works in {args.style}, one process")
    for code in codes:
        subprocess.run(  # compile the bytecode, so that neither counted run compiles it
            [sys.executable, "-c", RENDER, str(args.bib), args.style, "1"],
            env={**_bytecode_env(), "PYTHONPATH": str(code)},
            check=True,
        )
        fixed = instructions(code, args.bib, args.style, 0)
        total = instructions(code, args.bib, args.style, args.works)
        per_work = (total - fixed) / args.works
        print(f"{code}: {per_work / 1e6:.2f} million instructions a work")
    return 0


if __name__ == "__main__":
    sys.exit(main())
