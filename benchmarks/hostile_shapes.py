"""How `citekb check` scales on hostile input: each shape grown 4x at a time.

Each shape is one page (or bib, or handout page) of a tiny knowledge base, built around a run of
``n`` characters that once made a scanner super-linear: dots after a statistic (40 KB took 28.6 s),
a run of backticks (16 KB took 55 s, about cubic), ``<!--`` or ``<?`` repeated between citations,
and so on. For each shape the script times `citekb check --no-cache` (in this process, after a warm-up,
the least of 3 runs) at ``n``, ``4n``, ``16n`` and ``64n``, and prints the growth factor of the
time from one size to the next: about 4 is linear, 16 quadratic. The time of the same knowledge
base with an empty run is subtracted.

Usage: python benchmarks/hostile_shapes.py [--start 10000] [--steps 4] [--timeout 120] [--repeat 3]
       [SHAPE...]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
YML = "site_name: Hostile\nplugins:\n  - citekb:\n      bibliography: [references/*.bib]\n"
BIB = "@article{smith2020,\n  author = {Smith, Ann},\n  title = {A Study},\n  journal = {J},\n  year = {2020},\n}\n"


def _page(body: str) -> dict[str, str]:
    return {"docs/index.md": f"# Home\n\n{body}\n"}


#: Each shape: ``n`` -> {path: content}, with a run of about ``n`` characters.
SHAPES: dict[str, Callable[[int], dict[str, str]]] = {
    "dots after a statistic": lambda n: _page("Rates rose 40%" + "." * n + " [@smith2020]"),
    "bangs after a statistic": lambda n: _page("Rates rose 40%" + "!" * n + " [@smith2020]"),
    "questions after a statistic": lambda n: _page("Rates rose 40%" + "?" * n + " [@smith2020]"),
    "backtick run": lambda n: _page("Rates rose 40% [@smith2020] " + "`" * n),
    "alternating backtick runs": lambda n: _page(
        "Rates rose 40% " + " ".join("`" * k for k in range(1, int((2 * n) ** 0.5)))
    ),
    "<!-- between citations": lambda n: _page(
        "[@smith2020] " + "<!--" * (n // 4) + " [@smith2020]"
    ),
    "<? between citations": lambda n: _page("[@smith2020] " + "<?" * (n // 2) + " [@smith2020]"),
    "[^ after a statistic": lambda n: _page("Rates rose 40% " + "[^" * (n // 2)),
    "[@ after a statistic": lambda n: _page("Rates rose 40% [" + "@" * n),
    "heading of spaces": lambda n: {"docs/index.md": "# A" + " " * n + "B\n\nSee [@smith2020].\n"},
    "bib author of spaces": lambda n: {
        "references/library.bib": BIB.replace("Smith, Ann", "Smith," + " " * n + "Ann"),
    },
    "handout with one long tag": lambda n: {
        "docs/index.md": "---\nhandout: true\n---\n# Home\n\n<img "
        + "a" * n
        + ">\n\n[@smith2020]\n"
    },
    "handout with many <style>": lambda n: {
        "docs/index.md": "---\nhandout: true\n---\n# Home\n\n"
        + "<style>" * (n // 7)
        + "\n\n[@smith2020]\n"
    },
    "equal headings": lambda n: {
        "docs/index.md": "# Home\n\n" + "## Same\n\n" * (n // 10) + "[@smith2020]\n"
    },
}


def write_kb(root: Path, files: dict[str, str]) -> None:
    """A tiny knowledge base under ``root`` with ``files`` on top."""
    base = {
        "mkdocs.yml": YML,
        "references/library.bib": BIB,
        "docs/index.md": "# Home\n\n[@smith2020]\n",
    }
    for name, text in {**base, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


class _Late(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Late


def time_check(files: dict[str, str], timeout: float, repeat: int = 3) -> float:
    """Least wall seconds of `citekb check --no-cache` in this process (``inf`` past ``timeout``).

    In-process, after a warm-up, so that start-up and import noise do not hide the scan time.
    """
    from citekb.cli.main import main

    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        write_kb(Path(tmp), files)
        for _ in range(repeat):
            out = io.StringIO()
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            start = time.perf_counter()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    main(["check", "--no-cache", "--root", tmp], standalone_mode=False)
            except _Late:
                return float("inf")
            except SystemExit:
                pass
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            best = min(best, time.perf_counter() - start)
            if "Traceback" in out.getvalue():
                sys.exit(f"traceback:\n{out.getvalue()[-2000:]}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=10_000, help="smallest run (characters)")
    parser.add_argument("--steps", type=int, default=4, help="sizes, each 4x the one before")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    os.environ["CITEKB_JOBS"] = "1"  # no helper process: the time is this process's
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (the least counts)")
    parser.add_argument("shapes", nargs="*", help="shape names (default: all)")
    args = parser.parse_args()
    chosen = [s for s in SHAPES if not args.shapes or any(a in s for a in args.shapes)]
    sizes = [args.start * 4**i for i in range(args.steps)]
    print(f"{'shape':32} " + " ".join(f"{n:>9,}" for n in sizes) + "   growth per 4x")
    for name in chosen:
        base = time_check(SHAPES[name](0), args.timeout)
        times: list[float] = []
        for n in sizes:
            elapsed = time_check(SHAPES[name](n), args.timeout, args.repeat)
            times.append(max(elapsed - base, 0.001))
            if elapsed == float("inf"):
                break
        times += [float("inf")] * (len(sizes) - len(times))
        cells = " ".join(
            f"{t:>8.3f}s" if t != float("inf") else f"{'>' + str(int(args.timeout)):>9}"
            for t in times
        )
        growth = " ".join(
            f"{b / a:>5.1f}" if b != float("inf") else "    -" for a, b in pairwise(times)
        )
        print(f"{name:32} {cells}   {growth}", flush=True)


if __name__ == "__main__":
    main()
