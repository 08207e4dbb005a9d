"""Build one synthetic site several ways and print time and peak-memory ratios.

    python benchmarks/build_vs_peers.py [--pages 200] [--cites 10] [--entries 5000] [--skip-csl]

The corpus (:func:`prepare`, written to ``benchmarks/_work/``): an index page and 200 pages,
each a title, a section heading every three paragraphs and 10 paragraphs of about 65 words with
one citation each (every other one with a page locator), keys drawn at random from a
5,000-entry bib (two thirds articles with a DOI, a third books; 1–6 authors), so that about
1,700 distinct works are cited. Each build runs in a fresh process; CPU time and peak RSS
(``ru_maxrss``) come from ``wait4`` and include worker processes. Variants:

- the floors: the same pages built with no citation plugin (citations left raw) by MkDocs with
  Material, by ProperDocs with Material and by Zensical, each with its own engine's command;
- ``citekb build`` (check, then the site), cold (no caches), warm (nothing changed) and after
  one page is edited (what ``serve`` does on each save);
- ``citekb build --engine properdocs`` and ``--engine zensical``, warm (each in its own
  environment, ``.venv-properdocs`` and ``.venv-zensical``, as ``make engines`` makes them;
  skipped where missing);
- ``mkdocs build`` with the citekb plugin, warm;
- mkdocs-bibtex in its default pybtex mode, and in CSL mode (APA through pandoc, with the
  vendored local ``apa.csl``). The ``bench`` extra is installed first when it is missing.

Fast variants run in rounds, one build of each per round after one untimed build of each, and
report the median of ``--repeat`` rounds (at least 3), so a machine whose speed drifts during
the run shifts every variant alike. Nothing touches the network
but that install. This is a benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
ROOT = HERE.parent
APA = HERE.parent / "tools" / "citekb" / "styles" / "apa.csl"

_PROSE = (
    "social connection loneliness isolation health support trust help receive give family "
    "friends network community study cohort risk mortality review evidence adults older young "
    "relationship attachment independence reliance care stress sleep heart outcome measure"
)
WORDS = tuple(_PROSE.split())
JOURNALS = ("Psychological Science", "BMJ", "PLoS Medicine", "Health Psychology", "Lancet")
FIRST = ("Anna", "Ben", "Chloe", "David", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jonas")
LAST = ("Smith", "Okafor", "Nguyen", "Müller", "García", "Kowalski", "Tanaka", "Olsen", "Rossi")

BASE_CONFIG = """site_name: Benchmark
theme:
  name: material
  font: false
markdown_extensions:
  - toc
  - footnotes
plugins:
  - search
"""
VARIANTS = {
    "plain": "",
    "plain-properdocs": "site_dir: site-plain-properdocs\n",
    "plain-zensical": "site_dir: site-plain-zensical\n",
    "citekb": (
        "  - citekb:\n      bibliography: [refs.bib]\n      evidence: null\n"
        "      cache_dir: cache\n      bibliography_page: null\n"
        "      ignore: [unused-entry, missing-field]\n"
    ),
    "bibtex-pybtex": "  - bibtex:\n      bib_file: refs.bib\n",
    "bibtex-csl": "  - bibtex:\n      bib_file: refs.bib\n      csl_file: apa.csl\n",
}


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def write_bib(path: Path, entries: int, rng: random.Random) -> list[str]:
    keys = []
    out = []
    for i in range(entries):
        key = f"{rng.choice(LAST).lower()}{1980 + i % 45}{i}"
        keys.append(key)
        authors = " and ".join(
            f"{rng.choice(LAST)}, {rng.choice(FIRST)}" for _ in range(rng.randint(1, 6))
        )
        year = 1980 + i % 45
        fields = {"author": authors, "year": str(year)}
        if i % 3 == 0:
            kind = "book"
            fields.update(title=words(rng, 6).capitalize(), publisher="Academic Press")
        else:
            kind = "article"
            fields.update(
                title=words(rng, 8).capitalize(),
                journal=rng.choice(JOURNALS),
                volume=str(rng.randint(1, 60)),
                number=str(rng.randint(1, 12)),
                pages=f"{i % 300 + 1}--{i % 300 + 15}",
                doi=f"10.5555/bench.{i}",
            )
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
        out.append(f"@{kind}{{{key},\n{body}\n}}\n")
    path.write_text("\n".join(out), encoding="utf-8")
    return keys


def write_pages(docs: Path, pages: int, cites: int, keys: list[str], rng: random.Random) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Benchmark\n\nA synthetic knowledge base.\n")
    for n in range(pages):
        lines = [f"# Page {n}\n"]
        for c in range(cites):
            if c % 3 == 0:
                lines.append(f"## Section {c // 3}\n")
            key = rng.choice(keys)
            cite = f"[@{key}, p. {rng.randint(1, 300)}]" if c % 2 else f"[@{key}]"
            lines.append(f"{words(rng, 40).capitalize()} {cite}. {words(rng, 25).capitalize()}.\n")
        (docs / f"page-{n:03d}.md").write_text("\n".join(lines), encoding="utf-8")


def prepare(pages: int, cites: int, entries: int) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    rng = random.Random(20261122)
    WORK.mkdir(parents=True)
    keys = write_bib(WORK / "refs.bib", entries, rng)
    write_pages(WORK / "docs", pages, cites, keys, rng)
    shutil.copy(APA, WORK / "apa.csl")
    for name, plugin in VARIANTS.items():
        config = BASE_CONFIG + plugin
        if name.startswith("plain-"):  # the floor of another engine: its own site folder
            config = plugin + BASE_CONFIG
        (WORK / f"{name}.yml").write_text(config, encoding="utf-8")
    shutil.copy(WORK / "citekb.yml", WORK / "mkdocs.yml")  # what `citekb build` reads


def ensure_peer() -> None:
    """Install the ``bench`` extra's mkdocs-bibtex when it is missing (the one network use)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        distribution("mkdocs-bibtex")  # installed, with its plugin entry point
    except PackageNotFoundError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "mkdocs-bibtex>=2.16"], check=True
        )


def edit_one_page(n: int) -> None:
    """Change one page's text, as an author saving in ``serve`` would."""
    page = WORK / "docs" / "page-000.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\nEdit {n}.\n", encoding="utf-8")


@dataclass(frozen=True)
class Run:
    name: str
    seconds: float
    cpu: float  # user + system seconds, worker processes included
    peak_mib: float
    ok: bool


def engine_python(engine: str) -> Path | None:
    """The interpreter of ``engine``'s own environment (``make engines``), if it exists."""
    python = ROOT / f".venv-{engine}" / "bin" / "python"
    return python if python.exists() else None


def build(name: str, config: str, engine: str = "mkdocs") -> Run:
    """One build in a child process: ``ENGINE build`` of ``config``, or with ``config="cli"``
    ``citekb build --engine ENGINE``; its own peak RSS from ``wait4``."""
    python = str(engine_python(engine) or sys.executable) if engine != "mkdocs" else sys.executable
    command = [python, "-m", engine, "build", "-q", "-f", config, "-d", f"site-{name}"]
    if engine == "zensical":
        command = [python, "-m", engine, "build", "-f", config]
    if config == "cli":
        command = [python, "-m", "citekb.cli.main", "build", "--site-dir", f"site-cli-{engine}"]
        command += ["--engine", engine]
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "PYTHONPATH": str(ROOT / "tools"),
    }
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=WORK, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        print(f"  {name} failed:\n{err.decode(errors='replace')[-2000:]}", file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(name, seconds, cpu, usage.ru_maxrss / 1024, child.returncode == 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--cites", type=int, default=10)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of fast variants (median)")
    parser.add_argument("--skip-csl", action="store_true", help="skip mkdocs-bibtex CSL mode")
    args = parser.parse_args()
    args.repeat = max(args.repeat, 3)

    prepare(args.pages, args.cites, args.entries)
    print(f"{args.pages} pages x {args.cites} citations, {args.entries} entries in {WORK}")
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")

    ensure_peer()
    others = [e for e in ("properdocs", "zensical") if engine_python(e)]
    edits = iter(range(1_000_000))

    def edited() -> Run:
        edit_one_page(next(edits))
        return build("citekb build (1 page edited)", "cli")

    # name -> one build; the fast variants run in rounds, one of each per round, so that a
    # machine that drifts (other load, CPU clocks) shifts every variant alike
    fast: dict[str, Callable[[], Run]] = {
        "plain Material (mkdocs)": lambda: build("plain Material (mkdocs)", "plain.yml"),
        "citekb build (warm)": lambda: build("citekb build (warm)", "cli"),
        "citekb build (1 page edited)": edited,
        "mkdocs + citekb plugin (warm)": lambda: build(
            "mkdocs + citekb plugin (warm)", "citekb.yml"
        ),
    }
    for engine in others:
        fast[f"plain {engine}"] = partial(build, f"plain {engine}", f"plain-{engine}.yml", engine)
        fast[f"citekb build --engine {engine} (warm)"] = partial(
            build, f"citekb build --engine {engine} (warm)", "cli", engine
        )
    fast["mkdocs-bibtex pybtex"] = lambda: build("mkdocs-bibtex pybtex", "bibtex-pybtex.yml")

    shutil.rmtree(WORK / "cache", ignore_errors=True)
    cold = build("citekb build (cold)", "cli")
    for run in fast.values():  # untimed: each engine's own caches warm up first
        run()
    rounds: dict[str, list[Run]] = {name: [] for name in fast}
    for _ in range(args.repeat):
        for name, run in fast.items():
            rounds[name].append(run())
    medians = {
        name: sorted(runs, key=lambda r: r.seconds)[len(runs) // 2] for name, runs in rounds.items()
    }
    order = ["plain Material (mkdocs)", *(f"plain {e}" for e in others)]
    order += ["citekb build (warm)", "citekb build (1 page edited)"]
    order += [f"citekb build --engine {e} (warm)" for e in others]
    order += ["mkdocs + citekb plugin (warm)", "mkdocs-bibtex pybtex"]
    results = [medians[name] for name in order]
    results.insert(1 + len(others), cold)
    if not args.skip_csl:
        results.append(build("mkdocs-bibtex CSL (pandoc)", "bibtex-csl.yml"))

    plain = results[0].seconds
    plain_cpu = results[0].cpu
    print(
        f"\n{'variant':40} {'wall s':>8} {'x plain':>8} {'CPU s':>8} {'x plain':>8} {'peak MiB':>9}"
    )
    for run in results:
        flag = "" if run.ok else "  (FAILED)"
        print(
            f"{run.name:40} {run.seconds:8.2f} {run.seconds / plain:8.2f} {run.cpu:8.2f}"
            f" {run.cpu / plain_cpu:8.2f} {run.peak_mib:9.0f}{flag}"
        )
    by_name = {r.name: r for r in results}
    warm = by_name["citekb build (warm)"].seconds
    edit = by_name["citekb build (1 page edited)"].seconds
    cold = by_name["citekb build (cold)"].seconds
    print(f"\ncitekb build warm / plain Material: {warm / plain:.2f} (goal <= 1.15)")
    print(f"citekb build after one edit / plain Material: {edit / plain:.2f} (goal <= 1.25)")
    for engine in others:
        ours = by_name[f"citekb build --engine {engine} (warm)"].seconds
        floor = by_name[f"plain {engine}"].seconds
        print(f"citekb build --engine {engine} warm / plain {engine}: {ours / floor:.2f}")
    if "mkdocs-bibtex CSL (pandoc)" in by_name:
        csl = by_name["mkdocs-bibtex CSL (pandoc)"].seconds
        print(f"mkdocs-bibtex CSL / citekb build cold: {csl / cold:.1f}x (goal >= 5)")


if __name__ == "__main__":
    main()
