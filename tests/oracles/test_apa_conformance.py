"""The APA conformance harness (benchmarks/apa_conformance.py): pandoc's entries parsed, every
difference listed, reviewed decisions matched by digest, and a real run on a small fixture."""

from __future__ import annotations

import sys

import pytest

from support import BENCHMARKS

sys.path.insert(0, str(BENCHMARKS))

from typing import TYPE_CHECKING

import apa_conformance as ac

if TYPE_CHECKING:
    from pathlib import Path


def test_pandoc_entries_are_read_by_key() -> None:
    parser = ac._Entries()
    parser.feed(
        '<div id="refs"><div id="ref-a" class="csl-entry" role="listitem">Smith, J. '
        "(2020). <em>T</em>. <a href='https://x.org'>https://x.org</a>.</div>"
        '<div id="ref-b:c" class="csl-entry">Doe &amp; Roe\u2019s.</div></div>'
    )
    assert parser.out == {"a": "Smith, J. (2020). T. https://x.org.", "b:c": "Doe & Roe's."}


def test_reviewed_differences_match_by_digest_only_while_unchanged() -> None:
    diff = ac.Difference("lib.bib", "k", "A. https://x.org", "A. https://x.org.")
    reviewed = {
        ("lib.bib", "k"): {
            "right": "citekb",
            "rule": "APA 9.35",
            "citekb_sha": ac.digest(diff.citekb),
            "pandoc_sha": ac.digest(diff.pandoc),
        }
    }
    assert "reviewed: citekb right (APA 9.35)" in ac.report(1, [diff], reviewed)
    changed = ac.Difference("lib.bib", "k", "B. https://x.org", diff.pandoc)
    assert "NOT REVIEWED" in ac.report(1, [changed], reviewed)


def test_the_committed_review_file_is_well_formed() -> None:
    reviewed = ac.load_reviewed(ac.REVIEWED)
    assert len(reviewed) >= 100
    for item in reviewed.values():
        assert item["right"] == "citekb" and item["rule"].startswith("APA")
        assert len(item["citekb_sha"]) == len(item["pandoc_sha"]) == 12


def test_a_real_run_lists_pandocs_period_after_a_url(tmp_path: Path) -> None:
    pypandoc = pytest.importorskip("pypandoc")
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@misc{page, author = {Smith, John}, title = {A page}, year = {2020},\n"
        "  howpublished = {\\url{https://example.org/a}}}\n"
        "@book{same, author = {Doe, Jane}, title = {A book}, publisher = {P}, year = {2019}}\n",
        encoding="utf-8",
    )
    compared, diffs = ac.compare(bib, pypandoc.get_pandoc_path())
    assert compared == 2
    assert [(d.key, d.citekb, d.pandoc) for d in diffs] == [
        (
            "page",
            "Smith, J. (2020). A page. https://example.org/a",
            "Smith, J. (2020). A page. https://example.org/a.",
        ),
    ]


def test_the_done_means_checker_flags_each_rule() -> None:
    """benchmarks/apa_done_means.py: each rule fails on a rendering that breaks it and passes
    on citekb's own rendering of the same entry."""
    from dataclasses import replace

    import apa_done_means as dm

    from citekb.core.model import Entry
    from citekb.render.style import Engine, style_path

    entries = {
        "q": Entry(
            "q", "article", {"author": "Ask, A.", "title": "Why?", "date": "2020"}, "r.bib", 1
        ),
        "e": Entry(
            "e", "book", {"editor": "Ed, E.", "title": "An F1 score", "date": "2020"}, "r.bib", 2
        ),
        "o": Entry(
            "o",
            "book",
            {"author": "Old, O.", "title": "T", "date": "1990", "origdate": "1900"},
            "r.bib",
            3,
        ),
    }
    done = Engine(style_path("apa")).format_entries(entries.values())
    assert list(dm.failures(entries, done)) == []
    broken: dict[str, tuple[str]] = {
        "q": ("Ask, A. (2020). Why?. ",),
        "e": ("Ed, E. (ed.). (2020). An f1 score.",),
        "o": ("Old, O. (1990). T.",),
    }
    bad = {k: replace(done[k], reference=broken[k]) for k in entries}
    assert sorted(dm.failures(entries, bad)) == [
        ("?./!./..", "q"),
        ("acronym", "e"),
        ("ed. label", "e"),
        ("original date", "o"),
    ]
