"""Punctuation where CSL pieces join (render/csl_punctuation.py), rendered by citekb's engine."""

from __future__ import annotations

import pytest
from test_csl_flipflop import render

from citekb.render.csl_punctuation import merge


@pytest.mark.parametrize(
    ("left", "right", "merged"),
    [
        (":", ":", ":"),
        (".", ":", ".:"),
        (";", ":", ";"),
        ("!", ":", "!"),
        (":", ".", ":"),
        ("?", ".", "?"),
        (",", ".", ",."),
        (":", "!", "!"),
        (";", "?", "?"),
        ("?", "!", "?!"),
        (".", ",", ".,"),
        (",", ",", ","),
    ],
)
def test_the_citeproc_js_table(left: str, right: str, merged: str) -> None:
    assert merge(left, right) == merged


def test_marks_merge_at_joins_also_across_formatting_and_quotes() -> None:
    group = '<group delimiter=". "><text variable="title"{attrs}/><text value="x"/></group>'
    assert render(group.format(attrs=""), {"title": "Why?"}) == ["Why? x"]
    assert render(group.format(attrs=' font-style="italic"'), {"title": "Life:"}) == [
        "<i>Life:</i> x"
    ]
    quoted = group.format(attrs=' quotes="true"')
    assert render(quoted, {"title": "Why?"}, locale="en-GB") == ["‘Why?’ x"]
    # a field's own punctuation is kept: only joins merge
    assert render('<text variable="title"/>', {"title": "Why?: a study"}) == ["Why?: a study"]
    assert render('<text variable="title" suffix="!"/>', {"title": "Go;"}) == ["Go!"]


def test_punctuation_in_quote_moves_periods_commas_and_marks() -> None:
    layout = '<text variable="title" quotes="true" suffix="{mark}"/><text value=" x"/>'
    for mark in ".,?!":
        assert render(layout.format(mark=mark), {"title": "A"}) == [f"“A{mark}” x"]
    for mark in ":;":
        assert render(layout.format(mark=mark), {"title": "A"}) == [f"“A”{mark} x"]
    assert render(layout.format(mark="."), {"title": "A"}, locale="en-GB") == ["‘A’. x"]


def test_french_guillemets_get_narrow_spaces() -> None:
    assert render('<text variable="title"/>', {"title": "His « Anonymous » Life"}) == [
        "His «\u202fAnonymous\u202f» Life"
    ]
