"""Check issue 19's "Done means" list on real libraries, with citekb's APA rendering alone.

    python benchmarks/apa_done_means.py BIB... [--show 5]

Every entry of each ``.bib`` is formatted with ``tools/citekb/styles/apa.csl`` and the reference
list is built as a site builds it (year letters, added names). Each rule below is checked on
every reference (plain text) against the entry's own fields, and the failures are counted per
rule, with the first few keys and texts (``--show``):

- ``?.``/``!.``/``..``: no title followed by a doubled stop ("..." is an ellipsis, not one).
- ``ed. label``: no lower-case "ed." / "eds." / "trans." role label (an edition's "2nd ed." is
  APA's own lower case and is not counted).
- ``raw key``: no biblatex localisation key printed raw ("Newseries", "Patentus").
- ``acronym``: a word of the title with a capital after its first letter (ICASSP, volBrain,
  N2pc) or written lower-case with a digit or capital (npj, iPhone) keeps its case.
- ``year letters``: works that share an author-date citation and get letters a, b, … have the
  same author list.
- ``arXiv``: an e-print on arXiv names the archive and links to it (one published in a journal
  or proceedings is cited as published, APA 10.1).
- ``original date``: an entry with ``origdate``/``origyear`` shows "(Original work published
  YEAR)" and cites "YEAR/…".
- ``own case``: a title in another language (``langid``/``language``) keeps every capital it
  was written with.
- ``and others``: an author list ending in "and others" is not rendered as a complete list.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

ROOT = Path(__file__).resolve().parent.parent

DOUBLED = re.compile(r"[?!]\.|(?<!\.)\.\.(?!\.)")
ROLE = re.compile(r"(?<![A-Za-z])(eds?|trans)\.(?=[)&,;]| &)")
EDITION = re.compile(r"\d+(?:st|nd|rd|th|\.) ed\.|[Rr]ev\. ed\.")
#: a word whose case is its identity: a capital after its first letter, or a lower-case word
#: with a digit or a capital (ICASSP, volBrain, N2pc, 4E, npj is not caught: no signal)
CASED = re.compile(r"(?<![\w\\])(?=\w*[A-Z])[A-Za-z]\w*[A-Z0-9]\w*|(?<![\w\\])[a-z]+[A-Z]\w*")
URL = re.compile(r"https?://\S+")


def _plain(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


def load(bib: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The library's entries and citekb's formatted references, both by key."""
    sys.path.insert(0, str(ROOT / "tools"))
    from citekb.render.style import Engine, build_references, style_path
    from citekb.sources.bibtex import load_library

    library, _ = load_library([(str(bib), bib.read_bytes())])
    engine = Engine(style_path("apa"))
    refs = build_references(engine.format_entries(list(library.by_key.values())))
    return dict(library.by_key), {f.key: f for f in refs.ordered()}


def failures(entries: Mapping[str, Any], refs: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(rule, key) for every failed check."""
    from citekb.render import richtext as rt
    from citekb.sources.biblatex_fields import LOCALISATION_KEYS, is_english
    from citekb.sources.csl import latex_to_text

    raw = [k for k, v in LOCALISATION_KEYS.items() if k not in v.casefold().split()]
    raw_keys = re.compile(r"\b(?:" + "|".join(raw) + r")\b", re.I)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, done in refs.items():
        entry = entries[key]
        fields = {k.casefold(): v for k, v in entry.fields.items()}
        text = _plain(rt.to_text(done.reference))
        bare = URL.sub("", text)
        if DOUBLED.search(bare):
            yield "?./!./..", key
        if any(
            not EDITION.search(bare[max(0, m.start() - 6) : m.end()]) for m in ROLE.finditer(bare)
        ):
            yield "ed. label", key
        if raw_keys.search(bare):
            yield "raw key", key
        title = latex_to_text(fields.get("title", ""))
        words = set(CASED.findall(title))
        if any(w not in text and w[:1].upper() + w[1:] not in text for w in words):
            yield "acronym", key
        if not is_english(fields) and title:
            caps = [w for w in re.findall(r"\w+", title)[1:] if w[:1].isupper()]
            if any(w not in text for w in caps):
                yield "own case", key
        kind = (fields.get("eprinttype") or fields.get("archiveprefix") or "").casefold()
        published = any(fields.get(k) for k in ("journaltitle", "journal", "booktitle", "doi"))
        linked = "arXiv" in text and ("arxiv.org" in text or "doi.org" in text)
        if kind == "arxiv" and fields.get("eprint") and not published and not linked:
            yield "arXiv", key
        orig = fields.get("origdate") or fields.get("origyear")
        dated = fields.get("date") or fields.get("year")
        if orig and dated and (year := orig[:4]).isdigit():
            cite = rt.to_text(done.cite)
            if (
                f"(Original work published {year}" not in text
                or f"{year}" not in cite.split("/")[0]
            ):
                yield "original date", key
        honest = " et al." in text or "\u2026" in text or "..." in text
        if re.search(r"\band\s+others\s*$", fields.get("author", "")) and not honest:
            yield "and others", key
        if done.year[-1:].isalpha() and done.year[:-1][-4:].isdigit():
            shared[(rt.to_text(done.author), done.year[:-1])].append(key)
    for keys in shared.values():
        if len({tuple(n.casefold() for n in refs[k].names) for k in keys}) > 1:
            yield from (("year letters", k) for k in keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bib", nargs="+", type=Path)
    parser.add_argument("--show", type=int, default=3, help="examples per rule")
    args = parser.parse_args(argv)
    from citekb.render import richtext as rt

    total, counts = 0, Counter[str]()
    for bib in args.bib:
        entries, refs = load(bib)
        total += len(refs)
        found = list(failures(entries, refs))
        counts.update(rule for rule, _ in found)
        print(f"{bib.name}: {len(refs)} references, {len(found)} failures")
        shown: Counter[str] = Counter()
        for rule, key in found:
            if shown[rule] < args.show:
                shown[rule] += 1
                print(f"  [{rule}] {key}: {_plain(rt.to_text(refs[key].reference))}")
    print(f"all: {total} references")
    for rule in ("?./!./..", "ed. label", "raw key", "acronym", "year letters", "arXiv"):
        print(f"  {rule}: {counts[rule]}")
    for rule in ("original date", "own case", "and others"):
        print(f"  {rule}: {counts[rule]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
