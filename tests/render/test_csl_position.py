"""CSL ``position`` in citekb's engine (citeproc-py with ``render/csl_position.py``): small
styles and citations rendered, the text asserted (each case fails on citeproc-py alone)."""

from __future__ import annotations

import io
import warnings
from typing import Any

import pytest

from citekb.render.csl_adapter import adapt_citeproc

ITEMS = [
    {"id": "a", "type": "book", "title": "Alpha", "author": [{"family": "Appleton", "given": "A"}]},
    {"id": "b", "type": "book", "title": "Beta", "author": [{"family": "Bloggs", "given": "B"}]},
]


def style(layout: str, cls: str = "note", citation_attrs: str = "") -> str:
    return f"""<style xmlns="http://purl.org/net/xbiblio/csl" class="{cls}" version="1.0">
  <info><id/><title/><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation {citation_attrs}><layout delimiter="; ">{layout}</layout></citation>
</style>"""


NEAR0 = 'near-note-distance="0"'
POSITIONS = """<choose>
  <if position="ibid-with-locator"><text value="IWL"/></if>
  <else-if position="ibid"><text value="IBID"/></else-if>
  <else-if position="near-note"><text value="NEAR"/></else-if>
  <else-if position="subsequent"><text value="SUB"/></else-if>
  <else><text value="FIRST"/></else>
</choose>"""


def render(csl: str, notes: list[list[dict[str, Any]]]) -> list[str]:
    """Each note's citation, rendered in order (``note`` in a cite: its note number)."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        Locator,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    adapt_citeproc()
    warnings.simplefilter("ignore")
    parsed = CitationStylesStyle(io.BytesIO(csl.encode()), validate=False)
    bib = CitationStylesBibliography(parsed, CiteProcJSON([dict(i) for i in ITEMS]), formatter.html)
    out = []
    for number, cites in enumerate(notes, 1):
        items = []
        for cite in cites:
            options = {"locator": Locator("page", cite["page"])} if "page" in cite else {}
            for affix in ("prefix", "suffix"):
                if affix in cite:
                    options[affix] = cite[affix]
            items.append(CitationItem(cite["id"], **options))
        citation = Citation(items)
        citation.note_index = cites[0].get("note", number) if cites else number
        bib.register(citation)
        out.append(str(bib.cite(citation, lambda _item: None)))
    return out


def test_ibid_only_after_a_citation_of_the_work_alone() -> None:
    got = render(
        style(POSITIONS, citation_attrs=NEAR0),
        [[{"id": "a"}], [{"id": "b"}, {"id": "a"}], [{"id": "a"}]],
    )
    # the third note follows a note of two works: not ibid (citeproc-py said ibid)
    assert got == ["FIRST", "FIRST; SUB", "SUB"]


def test_a_lost_locator_is_subsequent_and_a_new_one_ibid_with_locator() -> None:
    notes = [[{"id": "a", "page": "3"}], [{"id": "a"}], [{"id": "a", "page": "4"}]]
    notes += [[{"id": "a", "page": "4"}]]
    got = render(style(POSITIONS, citation_attrs=NEAR0), notes)
    # the same page again is plain ibid (citeproc-py compared Locator objects by identity)
    assert got == ["FIRST", "SUB", "IWL", "IBID"]


def test_ibid_holds_whenever_ibid_with_locator_does() -> None:
    layout = '<choose><if position="ibid"><text value="IBID"/></if><else><text value="X"/></else></choose>'
    assert render(style(layout), [[{"id": "a"}], [{"id": "a", "page": "5"}]]) == ["X", "IBID"]


def test_near_note_counts_notes_and_reads_its_distance() -> None:
    layout = '<choose><if position="near-note"><text value="NEAR"/></if><else><text value="FAR"/></else></choose>'
    notes = [[{"id": "a", "note": 1}], [{"id": "b", "note": 2}], [{"id": "a", "note": 4}]]
    assert render(style(layout, citation_attrs='near-note-distance="3"'), notes)[2] == "NEAR"
    assert render(style(layout, citation_attrs='near-note-distance="2"'), notes)[2] == "FAR"


def test_first_reference_note_number() -> None:
    layout = """<choose><if position="first"><text variable="title"/></if>
      <else><text variable="title" suffix=", supra note "/>
      <text variable="first-reference-note-number"/></else></choose>"""
    notes = [[{"id": "b"}], [{"id": "a"}], [{"id": "b"}], [{"id": "a"}]]
    assert render(style(layout), notes) == [
        "Beta",
        "Alpha",
        "Beta, supra note 1",
        "Alpha, supra note 2",
    ]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("", "Ibid."), ("see ", "see ibid."), ("As said. ", "As said. Ibid."), ("Cf. ", "Cf. ibid.")],
)
def test_a_note_that_opens_with_a_term_capitalises_it(prefix: str, expected: str) -> None:
    layout = '<choose><if position="first"><text variable="title"/></if><else><text term="ibid"/></else></choose>'
    cite: dict[str, Any] = {"id": "a", "prefix": prefix} if prefix else {"id": "a"}
    assert render(style(layout), [[{"id": "a"}], [cite]])[1] == expected
    # an in-text style keeps the term as the locale writes it
    assert render(style(layout, "in-text"), [[{"id": "a"}], [{"id": "a"}]])[1] == "ibid."


def test_ibid_looks_at_the_whole_note_before_and_at_its_own_stream() -> None:
    # two citations in note 1: the next note's citation of the second is not "ibid"
    notes = [[{"id": "a", "note": 1}], [{"id": "b", "note": 1}], [{"id": "b", "note": 2}]]
    assert render(style(POSITIONS, citation_attrs=NEAR0), notes) == ["FIRST", "FIRST", "SUB"]
    # a citation in the running text (note 0) follows the running text's last citation
    notes = [[{"id": "a", "note": 0}], [{"id": "b", "note": 1}], [{"id": "a", "note": 0}]]
    assert render(style(POSITIONS, citation_attrs=NEAR0), notes)[2] == "IBID"


def test_a_prefix_opening_with_punctuation_takes_the_delimiters_place() -> None:
    layout = '<text variable="title"/>'
    notes = [[{"id": "a"}, {"id": "b", "prefix": ", cited in "}]]
    assert render(style(layout), notes) == ["Alpha, cited in Beta"]
    assert render(style(layout), [[{"id": "a"}, {"id": "b"}]]) == ["Alpha; Beta"]


def test_a_term_after_a_prefix_that_ends_a_sentence_is_capitalised_mid_citation() -> None:
    layout = '<choose><if position="first"><text variable="title"/></if><else><text term="ibid"/></else></choose>'
    notes = [[{"id": "a"}, {"id": "a", "prefix": ". He said so. "}]]
    assert render(style(layout), notes) == ["Alpha. He said so. Ibid."]


def test_a_position_given_with_the_cite_wins() -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    adapt_citeproc()
    parsed = CitationStylesStyle(
        io.BytesIO(style(POSITIONS, citation_attrs=NEAR0).encode()), validate=False
    )
    bib = CitationStylesBibliography(parsed, CiteProcJSON([dict(i) for i in ITEMS]), formatter.html)
    got = []
    for given in (1, 2, 0):
        with warnings.catch_warnings():  # citeproc-py warns about an option it does not know
            warnings.simplefilter("ignore")
            citation = Citation([CitationItem("a", position=given)])
        bib.register(citation)
        got.append(str(bib.cite(citation, lambda _item: None)))
    assert got == ["SUB", "IBID", "FIRST"]  # citeproc-js's numbers: subsequent, ibid, first


def test_a_cite_ending_in_a_comma_drops_the_delimiters_punctuation() -> None:
    layout = '<text variable="title"/>'
    notes = [[{"id": "a", "suffix": " is one source,"}, {"id": "b", "suffix": " another."}]]
    assert render(style(layout), notes) == ["Alpha is one source, Beta another."]


def test_the_patches_are_installed_once() -> None:
    from citeproc import model
    from citeproc.source.json import CiteProcJSON

    from citekb.render.csl_position import install_positions
    from citekb.render.csl_variables import install_variable_aliases

    adapt_citeproc()
    first = (
        model.If._position,
        model.Layout.join,
        model.Layout.render_citation,
        CiteProcJSON.__init__,
    )
    install_positions()
    install_variable_aliases()
    adapt_citeproc()
    assert (
        model.If._position,
        model.Layout.join,
        model.Layout.render_citation,
        CiteProcJSON.__init__,
    ) == first
