"""Precision and recall of ``causal-language`` on the labelled sentence sets (goal: >= 0.9, >= 0.8).

The sets are ``tests/fixtures/wording/causal_sentences.yaml`` (the set the check was tuned on)
and ``causal_sentences_heldout.yaml`` (written after tuning, scored as written). A warning is
expected for a sentence whose wording claims cause and effect and whose cited source is not
randomised. Prints, per set: sentences, causal share, true and false positives, misses,
precision, recall, the time per sentence, and with ``--wrong`` each sentence the check gets
wrong.

Usage: python benchmarks/causal_language.py [--wrong]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wrong", action="store_true", help="list the sentences it gets wrong")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from wording_eval import FIXTURE, load_items, score

    print(
        "| Set | Sentences | Causal | Flagged right | False alarms | Missed | Precision | Recall |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    everything = []
    wrong = []
    for name, label in ((FIXTURE.name, "tuned"), ("causal_sentences_heldout.yaml", "held-out")):
        items = load_items(FIXTURE.parent / name)
        everything += items
        start = time.perf_counter()
        scores = score(items)
        seconds = time.perf_counter() - start
        causal = sum(item.causal for item in items)
        print(
            f"| {label} | {len(items)} | {causal} | {scores.true_positives} | "
            f"{scores.false_positives} | {scores.false_negatives} | {scores.precision:.3f} | "
            f"{scores.recall:.3f} |"
        )
        wrong += [(label, kind, item) for kind, item in scores.wrong()]
    total = score(tuple(everything))
    print(
        f"| both | {len(everything)} | {sum(i.causal for i in everything)} | "
        f"{total.true_positives} | {total.false_positives} | {total.false_negatives} | "
        f"{total.precision:.3f} | {total.recall:.3f} |"
    )
    print(f"\nparse + check of the held-out page: {seconds * 1000:.1f} ms")
    if args.wrong:
        for label, kind, item in wrong:
            print(f"{label}: {kind} ({item.design}): {item.text}")
    ok = all(s.precision >= 0.9 and s.recall >= 0.8 for s in (score(load_items(FIXTURE)), total))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
