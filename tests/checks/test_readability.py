"""The ``reading-level`` check: Flesch-Kincaid grade of handout prose, offline."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from citekb.checks.readability import check_reading_level, grade, reading_prose, syllables
from citekb.checks.rules import run_checks
from citekb.pages.page import parse_page
from citekb.project.load import load_project
from support import REPO

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path


HARD = """\
---
title: Hard handout
handout: true
---

# Hard handout

## Key points

- Interpersonal disconnection constitutes a substantial physiological risk factor
  comparable to established cardiovascular determinants [@smith2020].

Epidemiological investigations consistently demonstrate that individuals experiencing
persistent psychological isolation exhibit considerably elevated inflammatory biomarkers,
compromised immunological functioning and accelerated neurocognitive deterioration.
"""

EASY = """\
---
title: Easy handout
handout: true
---

# Easy handout

## Key points

- Friends help you feel well [@smith2020].
- You can start small.

Call a friend this week. Ask for one small thing. See how it feels.
"""


def page(text: str, name: str = "h.md") -> object:
    return parse_page(f"docs/{name}", name, text)[0]


def test_hard_prose_fails_with_path_line_and_grade() -> None:
    found = check_reading_level([page(HARD)], 8)  # type: ignore[list-item]
    assert [(d.code, d.location, d.severity.value) for d in found] == [
        ("reading-level", "docs/h.md:6:1", "warning")
    ]
    assert "above the maximum of 8" in found[0].message
    assert grade(reading_prose(page(HARD))) > 15  # type: ignore[arg-type]


def test_easy_prose_passes() -> None:
    assert check_reading_level([page(EASY)], 8) == []  # type: ignore[list-item]
    assert grade(reading_prose(page(EASY))) < 4  # type: ignore[arg-type]


def test_maximum_is_configurable_and_only_handouts_are_checked() -> None:
    assert check_reading_level([page(HARD)], 40) == []  # type: ignore[list-item]
    not_handout = HARD.replace("handout: true", "handout: false")
    assert check_reading_level([page(not_handout)], 8) == []  # type: ignore[list-item]


def test_prose_drops_headings_citations_and_ends_each_bullet() -> None:
    text = reading_prose(page(EASY))  # type: ignore[arg-type]
    assert text == (
        "Friends help you feel well. You can start small. "
        "Call a friend this week. Ask for one small thing. See how it feels."
    )


@pytest.mark.parametrize(
    ("word", "count"), [("the", 1), ("people", 2), ("independence", 4), ("physiological", 6)]
)
def test_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


def test_grade_is_textstat_formula_on_known_counts() -> None:
    # 6 words, 1 sentence (textstat ignores none: 6 > 2 words), 6 syllables
    assert grade("The cat sat on the mat.") == pytest.approx(0.39 * 6 + 11.8 * 1 - 15.59)
    assert grade("") == 0.0


def test_never_downloads_nltk_data(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network use")

    monkeypatch.setattr(nltk, "download", no_network)
    monkeypatch.setattr(nltk.data, "find", no_network)
    assert grade("Interpersonal disconnection is a physiological risk.") > 8


def test_run_checks_reports_reading_level(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    bib = "@book{smith2020, author={Smith, J.}, title={T}, publisher={P}, year={2020}}\n"
    root = make_site({"references/a.bib": bib, "docs/hard.md": HARD, "docs/easy.md": EASY})
    found = [d for d in run_checks(load_project(root)) if d.code == "reading-level"]
    assert [d.path for d in found] == ["docs/hard.md"]


def test_the_knowledge_base_handouts_meet_grade_8() -> None:
    project = load_project(REPO)
    handouts = [p for p in project.pages if p.meta.get("handout") is True]
    assert len(handouts) >= 3
    assert check_reading_level(project.pages, 8) == []


def test_prose_uses_the_pages_own_citations_and_does_not_rescan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import citekb.pages.citations

    text = (
        "---\ntitle: T\nhandout: true\n---\n\n# T\n\n"
        "See [@box-one] and [see @fig-two, p. 3; @smith2020]. Also @jones2019 [p. 4] says so.\n"
    )
    # "box" is this site's cross-reference prefix, so @fig-two is a citation here
    found = parse_page("docs/h.md", "h.md", text, xref_prefixes=("box",))[0]
    assert [c.key for c in found.citations] == ["fig-two", "smith2020", "jones2019"]

    def no_rescan(*args: object, **kwargs: object) -> None:
        raise AssertionError("citations scanned again")

    monkeypatch.setattr(citekb.pages.citations, "scan_clusters", no_rescan)
    monkeypatch.setattr(citekb.pages.citations, "scan", no_rescan)
    monkeypatch.setattr(citekb.pages.page, "scan_clusters", no_rescan)  # its own binding
    assert reading_prose(found) == "See [@box-one] and. Also says so."
