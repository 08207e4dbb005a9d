"""citekb's CSL-JSON date reading and date ranges on citeproc-py (``render/csl_dates.py``)
and the note-field variables (``render/csl_notefields.py``): rendered by the adapted engine."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_csl_sort import render

from citekb.render.csl_dates import clean_parts
from citekb.render.csl_notefields import note_variables

TEXT_DATE = '<date variable="issued" form="text" date-parts="year-month-day"/>'


def issued(*rows: list[Any]) -> dict[str, Any]:
    return {"issued": {"date-parts": list(rows)}}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["1999", "21"], ["2001", "22"]], "Spring 1999\u2013Summer 2001"),
        ([[1999, 22], [1999, 21]], "Summer\u2013Spring 1999"),
        ([[1965, 16]], "Winter 1965"),
        ([["2000", "", ""]], "2000"),
        ([[1965, 60, 1]], "1965"),
    ],
)
def test_seasons_and_empty_parts(rows: list[list[Any]], expected: str) -> None:
    assert render([issued(*rows)], mode="citation", citation=TEXT_DATE) == expected


def test_season_in_a_numeric_month_is_its_term() -> None:
    date = '<date variable="issued"><date-part name="month" form="numeric"/></date>'
    assert render([issued([1965, 13])], mode="citation", citation=date) == "Spring"


LOCALE = """<locale><date form="text" delimiter=" ">
  <date-part name="day" range-delimiter="_D_"/><date-part name="month" range-delimiter="_M_"/>
  <date-part name="year" range-delimiter="_Y_"/></date></locale>"""


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([[1999, 1, 2], [1999, 1, 4]], "2_D_4 January 1999"),
        ([[1999, 1, 2], [1999, 3, 4]], "2 January_M_4 March 1999"),
        ([[1999, 1, 2], [2000, 1, 4]], "2 January 1999_Y_4 January 2000"),
    ],
)
def test_range_delimiter_of_the_largest_differing_part(
    rows: list[list[int]], expected: str
) -> None:
    out = render([issued(*rows)], mode="citation", macros=LOCALE, citation=TEXT_DATE)
    assert out == expected


@given(st.lists(st.one_of(st.integers(-3000, 3000), st.text(max_size=4)), max_size=4))
def test_clean_parts_never_fails(parts: list[Any]) -> None:
    numbers, season = clean_parts(parts)
    assert all(isinstance(n, int) for n in numbers)
    assert len(numbers) <= 1 or 1 <= numbers[1] <= 12
    assert season is None or 1 <= season <= 4


def test_note_field_variables() -> None:
    item = {
        "id": "x",
        "title": "Commentary",
        "note": "reviewed-title: Decrease\ngenre: Peer\nPMID: 117\nreviewed-author: Hall || W.C.",
    }
    reviewed = (
        '<group delimiter=", "><text variable="genre"/><text variable="reviewed-title"/>'
        '<names variable="reviewed-author"><label form="verb-short" suffix=" "/>'
        '<name initialize-with=". "/></names><text variable="note"/></group>'
    )
    out = render([item], mode="citation", citation=reviewed)
    assert out == "Peer, Decrease, by W. C. Hall, PMID: 117"


def test_note_lines_do_not_override_the_item() -> None:
    item = {"title": "Own", "note": "title: Other\nsome text"}
    assert note_variables(item, set(), set(), {"title"}) == item


def test_journal_abbreviation_is_the_short_container_title() -> None:
    item = {"container-title": "American Law Journal", "journalAbbreviation": "Am. L.J."}
    short = '<text variable="container-title" form="short" strip-periods="true"/>'
    assert render([item], mode="citation", citation=short) == "Am LJ"
