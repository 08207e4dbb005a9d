"""Entry types from Zotero, Mendeley, JabRef and biblatex map to CSL types, or are reported."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import markdown
import pytest

from citekb.checks.rules import check_library
from citekb.site.markdown_ext import CitekbExtension
from citekb.sources.bibtex import load_library
from citekb.sources.csl import entry_to_csl
from support import GOLDEN

if TYPE_CHECKING:
    from pathlib import Path

# As Mendeley Desktop exports a newspaper article (its own type name, `{{…}}` titles).
MENDELEY = """@newspaper_article{Smith2020,
author = {Smith, Jane},
journal = {The Guardian},
month = {mar},
day = {4},
title = {{Loneliness is rising among young adults}},
url = {https://www.theguardian.com/society/2020/mar/04/loneliness},
year = {2020}
}
"""


def _csl(kind: str, fields: str = "") -> str:
    bib = f"@{kind}{{k,\n  title = {{T}},\n  year = {{2020}},{fields}\n}}\n"
    library, problems = load_library([("refs.bib", bib.encode())])
    assert not problems
    return str(entry_to_csl(library.by_key["k"])["type"])


@pytest.mark.parametrize(
    ("kind", "csl"),
    [
        ("newspaper_article", "article-newspaper"),
        ("newspaperArticle", "article-newspaper"),  # Zotero
        ("magazine_article", "article-magazine"),
        ("web_page", "webpage"),
        ("webpage", "webpage"),
        ("online", "webpage"),
        ("book_section", "chapter"),
        ("bookSection", "chapter"),
        ("film", "motion_picture"),
        ("video", "motion_picture"),
        ("audio", "song"),
        ("report", "report"),
        ("thesis", "thesis"),
        ("patent", "patent"),
        ("dataset", "dataset"),
        ("software", "software"),
        ("computer_program", "software"),
        ("manual", "report"),
        ("unpublished", "manuscript"),
        ("periodical", "periodical"),
        ("blogPost", "post-weblog"),
        ("generic", "document"),
        ("misc", "document"),
    ],
)
def test_known_types_map_to_csl(kind: str, csl: str) -> None:
    assert _csl(kind) == csl


def test_a_generic_entry_with_a_journal_is_an_article_not_a_chapter() -> None:
    assert _csl("generic", "\n  journal = {J},") == "article-journal"
    assert _csl("generic", "\n  booktitle = {B},") == "chapter"


def test_an_unknown_type_is_reported_with_a_hint() -> None:
    bib = "@misc{fine,\n  title = {T}\n}\n\n@blogpots{odd,\n  title = {T}\n}\n"
    library, _ = load_library([("refs.bib", bib.encode())])
    found = [d for d in check_library(library) if d.code == "unknown-entry-type"]
    assert [(d.path, d.line, d.column, d.severity.value) for d in found] == [
        ("refs.bib", 5, 1, "warning")
    ]
    assert found[0].message == (
        "odd: @blogpots is not a known entry type; it renders as a plain document"
    )
    assert found[0].hint.startswith("did you mean @blogpost?")


def test_mendeley_newspaper_article_renders_as_apa_newspaper_article(tmp_path: Path) -> None:
    bib = tmp_path / "My Collection.bib"
    bib.write_text(MENDELEY, encoding="utf-8")
    html = markdown.markdown(
        "Loneliness is rising [@Smith2020].",
        extensions=[CitekbExtension(bibliography=[str(bib)])],
    )
    item = re.search(r'<li id="ref-Smith2020".*?</li>', html, re.S)
    cite = re.search(r'<a class="citekb-cite".*?</a>', html, re.S)
    assert item and cite
    actual = f"{item.group(0)}\n{cite.group(0)}\n"
    path = GOLDEN / "reference-newspaper-article.html"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")
    # APA 7 (10.1): the date with month and day, the newspaper in italics, no "[Web page]"
    assert (
        "Smith, J. (2020, March 4). Loneliness is rising among young adults. <i>The Guardian</i>."
        in actual
    )
