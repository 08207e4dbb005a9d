"""How fast the PDF handouts are written, in-process (goal: <= 0.5 s per handout).

Loads the knowledge base once, then prints:
- the first handout, cold (WeasyPrint imports, fontconfig and font loading);
- each handout, warm: the median of ``--repeat`` runs of render + atomic write;
- all handouts together, warm (``write_handouts``, including formatting the references).

Usage: python benchmarks/handouts.py [--root .] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from citekb.handouts.writer import (
        handout_slug,
        write_handout,
        write_handouts,
    )
    from citekb.project.load import load_project
    from citekb.site.references import cached_references

    project = load_project(args.root)
    pages = [p for p in project.pages if p.is_handout]
    if not pages:
        print("no page has `handout: true`", file=sys.stderr)
        return 1
    refs = cached_references(project)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        problems = write_handout(pages[0], refs, project.config, out)
        cold = time.perf_counter() - start
        if problems:
            print(f"{pages[0].path}: {problems[0].message}", file=sys.stderr)
            return 1
        print(f"first handout, cold: {cold:.3f} s")
        worst = 0.0
        for page in pages:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                write_handout(page, refs, project.config, out)
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            worst = max(worst, median)
            print(
                f"{handout_slug(page.name):32} {median:.3f} s per handout (median of {args.repeat})"
            )
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            write_handouts(project, out)
            runs.append(time.perf_counter() - start)
        together = statistics.median(runs)
        print(f"all {len(pages)} handouts together: {together:.3f} s (median of {args.repeat})")
        print(f"slowest handout {worst:.3f} s: goal <= 0.5 s {'met' if worst <= 0.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
