"""APA 7 sentence case: tricky titles, the project's own library (golden), and the style hook."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekb.core.model import Entry, Library
from citekb.render import richtext as rt
from citekb.render.style import Engine, references_for, style_path
from citekb.sources.bibtex import load_library
from citekb.sources.sentence_case import sentence_case
from support import GOLDEN, REPO

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Loneliness and Social Isolation as Risk Factors for Mortality: A Meta-Analytic Review",
            "Loneliness and social isolation as risk factors for mortality: A meta-analytic review",
        ),
        # the first word after a colon is capitalised even when written in lower case
        (
            "Self-Reliance vs. Dependence: what I've Learned",
            "Self-reliance vs. dependence: What I've learned",
        ),
        # braces keep anything as written, including proper nouns the rules cannot know
        (
            "The {U.S. Surgeon General}'s Advisory on {Social Connection}",
            "The {U.S. Surgeon General}'s advisory on {Social Connection}",
        ),
        # acronyms and words with inner capitals are kept
        (
            "COVID-19 and PTSD Among {EdD} Holders Using iPhone Apps",
            "COVID-19 and PTSD among {EdD} holders using iPhone apps",
        ),
        # a full stop ends a sentence, a roman numeral in braces stays
        (
            "Affectional Bonds. {I}. Aetiology and Psychopathology",
            "Affectional bonds. {I}. Aetiology and psychopathology",
        ),
        # names of peoples and languages, months; "may" is a verb unless braced
        (
            "English and Canadian Samples in {May} 2020 May Differ",
            "English and Canadian samples in {May} 2020 may differ",
        ),
        # LaTeX commands are not case-folded; dashes join words
        (r"\emph{Attached}: Find---and Keep---Love", r"\emph{Attached}: Find---and keep---love"),
        (
            "What Is Toxic Independence\u2014and 5 Signs You Have It",
            "What is toxic independence\u2014and 5 signs you have it",
        ),
        ("Attachment and Loss, Vol. 1: Attachment", "Attachment and loss, Vol. 1: Attachment"),
        ("Why? Because We Said So!", "Why? Because we said so!"),
        ("  ", "  "),
        ("", ""),
    ],
)
def test_tricky_titles(raw: str, expected: str) -> None:
    assert sentence_case(raw) == expected


@given(st.text(alphabet="aBcD {}:.-\\'", max_size=40))
def test_only_letter_case_changes(raw: str) -> None:
    out = sentence_case(raw)
    assert out.lower() == raw.lower()
    assert len(out) == len(raw)


def test_braced_text_is_never_changed() -> None:
    raw = "{Don't Touch} This {NeSTed {Case}} Here"
    out = sentence_case(raw)
    assert "{Don't Touch}" in out and "{NeSTed {Case}}" in out


def _entry(kind: str, **fields: str) -> Entry:
    return Entry("k", kind, {"year": "2020", "author": "Doe, Jane", **fields}, "refs.bib", 1)


def test_journal_names_keep_title_case_and_chapters_get_a_sentence_case_book() -> None:
    engine = Engine(style_path("apa"))
    article = _entry(
        "article", title="Social Ties and Health", journal="Journal of Health and Social Behavior"
    )
    chapter = _entry(
        "incollection",
        title="Loneliness",
        booktitle="Handbook of Individual Differences in Social Behavior",
        publisher="Guilford Press",
    )
    art = rt.to_text(next(iter(engine.format_entries([article]).values())).reference)
    assert "Social ties and health. Journal of Health and Social Behavior." in art
    chap = rt.to_text(next(iter(engine.format_entries([chapter]).values())).reference)
    assert "Handbook of individual differences in social behavior" in chap


def test_other_styles_keep_titles_as_written(tmp_path: Path) -> None:
    style = tmp_path / "plain.csl"
    style.write_bytes(style_path("apa").read_bytes().replace(b"/styles/apa<", b"/styles/plain<"))
    engine = Engine(style)
    assert not engine.sentence_case
    formatted = engine.format_entries([_entry("book", title="Big Title Here", publisher="P")])
    assert "Big Title Here" in rt.to_text(next(iter(formatted.values())).reference)


def test_holt_lunstad_2015_in_this_projects_library() -> None:
    library = _project_library()
    refs = references_for(library, ["holtlunstad2015"], Engine(style_path("apa")))
    text = rt.to_text(refs.entries["holtlunstad2015"].reference)
    assert (
        "Loneliness and social isolation as risk factors for mortality: A meta-analytic review."
        in text
    )
    assert "Perspectives on Psychological Science" in text  # the journal keeps title case


def test_proper_nouns_in_this_projects_titles_survive_sentence_case() -> None:
    library = _project_library()
    refs = references_for(library, [e.key for e in library.entries], Engine(style_path("apa")))
    text = "\n".join(rt.to_text(item.reference) for item in refs.ordered())
    for lowered in (
        "Contact samaritans",
        "988 suicide & crisis lifeline",
        "9-8-8: Suicide crisis helpline",
        "holt-lunstad",
        "strange situation",
        "Chicago health",
        "nhs 111",
    ):
        assert lowered not in text, lowered
    assert "on Holt-Lunstad, Smith and Layton’s 2010 meta-analysis" in text
    assert "Contact Samaritans." in text


def _project_library() -> Library:
    path = REPO / "references" / "library.bib"
    library, _ = load_library([(str(path), path.read_bytes())])
    return library


def test_this_projects_library_golden() -> None:
    """Every reference of references/library.bib as plain text (UPDATE_GOLDEN=1 rewrites)."""
    library = _project_library()
    refs = references_for(library, [e.key for e in library.entries], Engine(style_path("apa")))
    actual = "".join(f"{item.key}: {rt.to_text(item.reference)}\n" for item in refs.ordered())
    golden = GOLDEN / "library-references.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")
