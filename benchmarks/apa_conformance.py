"""Render real bibliographies in APA with citekb and with pandoc's citeproc; list every difference.

Both use the same CSL file (citekb's vendored ``tools/citekb/styles/apa.csl``). Every entry of
each ``.bib`` file is rendered by both (pandoc through ``nocite: '@*'``), the two references
are compared as plain text (spaces collapsed), and each difference is printed, or written as
Markdown with ``--out``. pandoc is a witness, not the judge: a difference is an APA error of one
side or the other (or of neither), which someone must decide against the APA 7 manual. The
decisions already taken are in ``benchmarks/apa_reviewed_differences.yaml`` (``--reviewed``):
a difference listed there (same file name and key, and both texts the same, compared by a
SHA-256 prefix so that the file quotes nothing from the libraries) is marked as reviewed,
with the side that is right and the APA rule. A difference that is not listed, or whose
texts changed, is "NOT REVIEWED". ``--summary`` prints the count per reviewed rule.

pandoc comes from ``pypandoc-binary`` (the ``bench`` extra); citekb never needs it at run time.

Usage: python benchmarks/apa_conformance.py BIB... [--out report.md] [--reviewed FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STYLE = ROOT / "tools" / "citekb" / "styles" / "apa.csl"
REVIEWED = Path(__file__).resolve().parent / "apa_reviewed_differences.yaml"


@dataclass(frozen=True)
class Difference:
    file: str
    key: str
    citekb: str
    pandoc: str


def digest(text: str) -> str:
    """The first 12 hex digits of the text's SHA-256: identifies a rendering without quoting it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def plain(text: str) -> str:
    """Spaces collapsed; typographic apostrophes as straight ones (APA allows either)."""
    return " ".join(html.unescape(text).replace("\u2019", "'").split())


def citekb_references(bib: Path) -> dict[str, str]:
    """Every entry of ``bib`` (first of each key) as citekb's APA reference, plain text."""
    sys.path.insert(0, str(ROOT / "tools"))
    from citekb.render import richtext as rt
    from citekb.render.style import Engine, build_references, style_path
    from citekb.sources.bibtex import load_library

    library, _ = load_library([(str(bib), bib.read_bytes())])
    engine = Engine(style_path("apa"))
    refs = build_references(engine.format_entries(list(library.by_key.values())))
    return {f.key: plain(rt.to_text(f.reference)) for f in refs.ordered()}


class _Entries(HTMLParser):
    """pandoc's ``<div id="ref-KEY" class="csl-entry">`` blocks as key -> text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: dict[str, str] = {}
        self._key: str | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div" and "csl-entry" in (found.get("class") or ""):
            self._key = (found.get("id") or "").removeprefix("ref-")
            self._depth, self._text = 0, []
        elif tag == "div" and self._key is not None:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._key is not None:
            if self._depth:
                self._depth -= 1
                return
            self.out[self._key] = plain("".join(self._text))
            self._key = None

    def handle_data(self, data: str) -> None:
        if self._key is not None:
            self._text.append(data)


def pandoc_references(bib: Path, pandoc: str) -> dict[str, str]:
    """Every entry of ``bib`` as pandoc's citeproc renders it with the same APA style."""
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "all.md"
        doc.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
        copy = Path(tmp) / "library.bib"  # .bib: pandoc reads it as biblatex, as citekb does
        copy.write_bytes(bib.read_bytes())
        done = subprocess.run(
            [
                pandoc,
                str(doc),
                "--citeproc",
                f"--csl={STYLE}",
                f"--bibliography={copy}",
                "-t",
                "html",
                "--wrap=none",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    parser = _Entries()
    parser.feed(done.stdout)
    return parser.out


def compare(bib: Path, pandoc: str) -> tuple[int, list[Difference]]:
    ours = citekb_references(bib)
    theirs = pandoc_references(bib, pandoc)
    out = []
    for key in sorted(ours):
        if key in theirs and ours[key] != theirs[key]:
            out.append(Difference(bib.name, key, ours[key], theirs[key]))
    return len(set(ours) & set(theirs)), out


def load_reviewed(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The reviewed differences by (file, key)."""
    if not path.is_file():
        return {}
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {(str(d["file"]), str(d["key"])): d for d in data if isinstance(d, dict)}


def review_of(d: Difference, reviewed: dict[tuple[str, str], Any]) -> dict[str, Any] | None:
    """The reviewed decision for this difference, if its two texts are the ones reviewed."""
    known = reviewed.get((d.file, d.key))
    if not known:
        return None
    same = known.get("citekb_sha") == digest(d.citekb) and known.get("pandoc_sha") == digest(
        d.pandoc
    )
    return dict(known) if same else None


def report(compared: int, diffs: list[Difference], reviewed: dict[tuple[str, str], Any]) -> str:
    lines = [f"# citekb vs pandoc, APA: {len(diffs)} differences in {compared} references", ""]
    for d in diffs:
        known = review_of(d, reviewed)
        status = f"reviewed: {known['right']} right ({known['rule']})" if known else "NOT REVIEWED"
        lines += [
            f"## {d.file} `{d.key}` ({status})",
            f"- citekb: {d.citekb}",
            f"- pandoc: {d.pandoc}",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bib", nargs="+", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--reviewed", type=Path, default=REVIEWED)
    parser.add_argument("--summary", action="store_true", help="counts per reviewed rule")
    args = parser.parse_args(argv)
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    total, diffs = 0, []
    for bib in args.bib:
        compared, found = compare(bib, pandoc)
        total += compared
        diffs += found
        print(f"{bib.name}: {compared} references, {len(found)} differ", file=sys.stderr)
    reviewed = load_reviewed(args.reviewed)
    text = report(total, diffs, reviewed)
    if args.summary:
        counts: dict[str, int] = {}
        for d in diffs:
            known = review_of(d, reviewed)
            label = f"{known['right']} right: {known['rule']}" if known else "not reviewed"
            counts[label] = counts.get(label, 0) + 1
        for label, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"{count:5d}  {label}", file=sys.stderr)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
