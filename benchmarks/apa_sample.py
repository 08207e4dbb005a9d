"""Draw the hand-judged APA sample: 20 references from each library, rendered by both tools.

The keys come from the sorted keys that both citekb and pandoc render, drawn with
``random.Random(SEED).sample`` (one generator for all libraries, in the order given), as for
the "APA errors per 100 references" table in ``benchmarks/README.md``.

With ``--judged FILE`` (a file of hand judgements such as ``apa_heldout_2026.yaml``) it prints
instead the errors per library for each tool, and every reference whose rendering changed since
it was judged (compared by SHA-256 prefix), which must be judged again.

Usage: python benchmarks/apa_sample.py --seed 2026 [--judged FILE] BIB...
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import apa_conformance as ac


def tally(judged: list[dict[str, Any]], current: dict[tuple[str, str], tuple[str, str]]) -> str:
    """Errors per library and tool, and the judged references whose rendering changed."""
    counts: dict[tuple[str, str], int] = {}
    stale = []
    for item in judged:
        where = (str(item["file"]), str(item["key"]))
        for tool in ("citekb", "pandoc"):
            errors = item[tool] if isinstance(item[tool], list) else []
            counts[(where[0], tool)] = counts.get((where[0], tool), 0) + len(errors)
        texts = current.get(where)
        if texts is None or (ac.digest(texts[0]), ac.digest(texts[1])) != (
            item["citekb_sha"],
            item["pandoc_sha"],
        ):
            stale.append(f"{where[0]} {where[1]}")
    files = list(dict.fromkeys(str(item["file"]) for item in judged))
    lines = ["library | citekb | pandoc"]
    for name in files:
        lines.append(f"{name} | {counts[(name, 'citekb')]} | {counts[(name, 'pandoc')]}")
    total = [sum(counts[(name, tool)] for name in files) for tool in ("citekb", "pandoc")]
    lines.append(f"all {len(judged)} | {total[0]} | {total[1]}")
    lines += [f"CHANGED since judged: {s}" for s in stale]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bib", nargs="+", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-library", type=int, default=20)
    parser.add_argument("--judged", type=Path, help="hand judgements to count and check")
    args = parser.parse_args(argv)
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    rng = random.Random(args.seed)
    current: dict[tuple[str, str], tuple[str, str]] = {}
    for bib in args.bib:
        ours = ac.citekb_references(bib)
        theirs = ac.pandoc_references(bib, pandoc)
        keys = sorted(set(ours) & set(theirs))
        for key in rng.sample(keys, min(args.per_library, len(keys))):
            current[(bib.name, key)] = (ours[key], theirs[key])
            if args.judged:
                continue
            same = ours[key] == theirs[key]
            print(f"[{bib.name} {key}] {'SAME' if same else 'DIFF'}")
            print("  C:", ours[key])
            if not same:
                print("  P:", theirs[key])
    if args.judged:
        import yaml

        judged = yaml.safe_load(args.judged.read_text(encoding="utf-8")) or []
        print(tally(judged, current))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
