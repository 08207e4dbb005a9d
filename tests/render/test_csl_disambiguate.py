"""CSL disambiguation in citekb's engine (render/csl_disambiguate.py, render/csl_givenname.py):
small styles and works rendered through citeproc-py with citekb's adapter, asserting on the
cites; and the cost of citing works one at a time, counted in renders (no timing)."""

from __future__ import annotations

import io
import warnings
from typing import Any

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source import Name
from citeproc.source.json import CiteProcJSON
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.render import csl_disambiguate, csl_givenname, csl_labels
from citekb.render.csl_adapter import adapt_citeproc

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id/><title/><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation {options}>
    <layout delimiter="; ">
      <group delimiter=" ">
        <names variable="author">
          <name form="short" and="symbol" delimiter=", " {name}/>
        </names>
        <date variable="issued" prefix="(" suffix=")"><date-part name="year"/></date>
      </group>
    </layout>
  </citation>
  <bibliography><layout><text variable="title"/></layout></bibliography>
</style>"""


def work(key: str, *names: str, year: int = 2000) -> dict[str, Any]:
    authors = []
    for name in names:
        given, _, family = name.rpartition(" ")
        authors.append({"family": family, "given": given})
    return {"id": key, "type": "book", "author": authors, "issued": {"date-parts": [[year]]}}


def cites(items: list[dict[str, Any]], options: str, name: str = "") -> list[str]:
    """Each work cited alone, after all were registered."""
    adapt_citeproc()
    csl = STYLE.format(options=options, name=name)
    style = CitationStylesStyle(io.BytesIO(csl.encode()), validate=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        citations = [Citation([CitationItem(item["id"])]) for item in items]
        for citation in citations:
            bib.register(citation)
        return [str(bib.cite(c, lambda _item: None)) for c in citations]


def test_by_cite_adds_initials_then_given_names() -> None:
    items = [work("a", "John Doe"), work("b", "Aloysius Doe"), work("c", "Jack Roe")]
    items += [work("d", "Jane Roe")]
    got = cites(items, 'disambiguate-add-givenname="true"', 'initialize-with=". "')
    assert got == ["J. Doe (2000)", "A. Doe (2000)", "Jack Roe (2000)", "Jane Roe (2000)"]


def test_all_names_expands_every_ambiguous_name_not_only_cites() -> None:
    items = [work("a", "Al Asthma", "Bo Bronchitis", year=1980)]
    items += [work("b", "Al Asthma", "Bea Bronchitis", year=1995)]
    options = 'disambiguate-add-givenname="true" givenname-disambiguation-rule="all-names"'
    got = cites(items, options, 'initialize-with=". "')
    assert got == ["Asthma &amp; Bo Bronchitis (1980)", "Asthma &amp; Bea Bronchitis (1995)"]


def test_primary_name_with_initials_looks_at_first_names_only() -> None:
    items = [work("a", "Al Asthma", "Bo Bronchitis", year=1980)]
    items += [work("b", "Gus Asthma", "Bea Bronchitis", year=1995)]
    options = (
        'disambiguate-add-givenname="true" '
        'givenname-disambiguation-rule="primary-name-with-initials"'
    )
    got = cites(items, options, 'initialize-with=". "')
    assert got == ["A. Asthma &amp; Bronchitis (1980)", "G. Asthma &amp; Bronchitis (1995)"]


def test_add_names_stops_at_the_count_that_splits_the_cites() -> None:
    names = ["John Smith", "John Brown", "John Jones"]
    items = [work("a", *names), work("b", *names)]
    items += [work("c", "John Smith", "John Benson", "John Jones")]
    options = 'et-al-min="3" et-al-use-first="1" disambiguate-add-names="true"'
    got = cites(items, options)
    assert got == [
        "Smith, Brown, et al. (2000)",
        "Smith, Brown, et al. (2000)",
        "Smith, Benson, et al. (2000)",
    ]


def test_year_suffix_when_names_cannot_tell_works_apart() -> None:
    items = [work("a", "Jo Doe"), work("b", "Jo Doe"), work("c", "Jo Roe")]
    options = 'disambiguate-add-givenname="true" disambiguate-add-year-suffix="true"'
    assert cites(items, options) == ["Doe (2000a)", "Doe (2000b)", "Roe (2000)"]


def test_trigraph_label_leaves_particles_out() -> None:
    reference = {"author": [Name(family="von Dipheria"), Name(family="Eczema")]}
    assert csl_labels.trigraph(reference) == "DiEc"


def test_name_keys_ignore_spacing_in_initials() -> None:
    one = csl_givenname.name_key(Name(family="Doe", given="J. J."))
    assert one == csl_givenname.name_key(Name(family="Doe", given="J.J."))
    assert csl_givenname.initials(one) == "JJ"


@pytest.mark.parametrize("n", [40, 160])
def test_citing_works_one_at_a_time_costs_linear_renders(n: int) -> None:
    """Before the incremental pass, each new work re-rendered every cited work (n²/2)."""
    adapt_citeproc()
    options = (
        'et-al-min="3" et-al-use-first="1" disambiguate-add-names="true" '
        'disambiguate-add-givenname="true" disambiguate-add-year-suffix="true" '
        'givenname-disambiguation-rule="primary-name"'
    )
    csl = STYLE.format(options=options, name="")
    style = CitationStylesStyle(io.BytesIO(csl.encode()), validate=False)
    items = [work(f"w{i}", f"Ann Author{i % (n // 4)}", "Bo Other", year=2000) for i in range(n)]
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    before = csl_disambiguate.RENDERS[0]
    out = []
    for item in items:
        citation = Citation([CitationItem(item["id"])])
        bib.register(citation)
        out.append(str(bib.cite(citation, lambda _item: None)))
    renders = csl_disambiguate.RENDERS[0] - before
    assert out[-1].endswith("(2000d)")  # four works by each pair of authors
    assert renders < 12 * n, renders  # each work joins a cluster of four: a bounded cost


def test_disambiguate_condition_under_match_none() -> None:
    """chicago-notes-bibliography: an empty ``<if disambiguate="true" match="none"/>`` wins
    for a cite that needs no help; only the alike cites reach the ``else`` (their title)."""
    choose = (
        '<choose><if disambiguate="true" match="none"/>'
        '<else><text variable="title"/></else></choose>'
    )
    csl = STYLE.replace("</names>\n", "</names>\n" + choose + "\n", 1)
    items = [work("a", "Jo Doe"), work("b", "Jo Doe"), work("c", "Jo Roe")]
    items[0]["title"], items[1]["title"], items[2]["title"] = "One", "Two", "Three"
    adapt_citeproc()
    style = CitationStylesStyle(io.BytesIO(csl.format(options="", name="").encode()))
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    citations = [Citation([CitationItem(item["id"])]) for item in items]
    for citation in citations:
        bib.register(citation)
    got = [str(bib.cite(c, lambda _item: None)) for c in citations]
    assert got == ["Doe One (2000)", "Doe Two (2000)", "Roe (2000)"]


NOTES = """<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><id/><title/><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation disambiguate-add-givenname="true">
    <layout delimiter="; " suffix=".">
      <choose>
        <if position="subsequent">
          <group delimiter=", ">
            <names variable="author"><name form="short"/></names>
            <choose><if disambiguate="true"><text variable="title"/></if></choose>
          </group>
        </if>
        <else>
          <group delimiter=", ">
            <names variable="author"><name/></names>
            <text variable="title"/>
          </group>
        </else>
      </choose>
    </layout>
  </citation>
</style>"""


def test_later_cites_alike_are_told_apart() -> None:
    """Two books by one author differ when first cited, not in the short later form
    ("Doe"): the later form shows the title (the works are alike in some form)."""
    items = [work("a", "John Doe"), work("b", "John Doe")]
    items[0]["title"], items[1]["title"] = "Book A", "Book B"
    adapt_citeproc()
    style = CitationStylesStyle(io.BytesIO(NOTES.encode()), validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    citations = [Citation([CitationItem(key)]) for key in ("a", "b", "a", "b")]
    for citation in citations:
        bib.register(citation)
    got = [str(bib.cite(c, lambda _item: None)) for c in citations]
    assert got == ["John Doe, Book A.", "John Doe, Book B.", "Doe, Book A.", "Doe, Book B."]


PEOPLE = ["John Doe", "Jane Doe", "J. Doe", "Ann Roe", "Al Roe", "Bo Poe"]


@settings(max_examples=60, deadline=None)
@given(
    works=st.lists(
        st.tuples(
            st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4), st.sampled_from([1999, 2000])
        ),
        min_size=2,
        max_size=9,
    ),
    rule=st.sampled_from(
        [
            "by-cite",
            "all-names",
            "primary-name-with-initials",
            "all-names-with-initials",
            "primary-name",
        ]
    ),
    later=st.booleans(),
)
def test_citing_one_at_a_time_ends_as_citing_all_at_once(
    works: list[tuple[list[str], int]], rule: str, later: bool
) -> None:
    """The incremental state ends where a pass over all the works does (also where cites
    are told apart in their later form too)."""
    items = [work(f"w{i}", *names, year=year) for i, (names, year) in enumerate(works)]
    options = (
        'et-al-min="3" et-al-use-first="1" disambiguate-add-names="true" '
        f'disambiguate-add-givenname="true" givenname-disambiguation-rule="{rule}" '
        'disambiguate-add-year-suffix="true"'
    )
    if later:
        options += ' et-al-subsequent-min="2" et-al-subsequent-use-first="1"'
    assert disambiguated(items, options, True) == disambiguated(items, options, False)


def disambiguated(items: list[dict[str, Any]], options: str, one_at_a_time: bool) -> list[Any]:
    """Each work's cite as the disambiguation left it (first cited, and cited again where
    the style differs), after citing the works one at a time or registering them all first."""
    adapt_citeproc()
    csl = STYLE.format(options=options, name='initialize-with=". "')
    style = CitationStylesStyle(io.BytesIO(csl.encode()), validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    citations = [Citation([CitationItem(item["id"])]) for item in items]
    for citation in citations:
        bib.register(citation)
        if one_at_a_time:
            bib.cite(citation, lambda _item: None)
    bib.cite(citations[-1], lambda _item: None)
    return [csl_disambiguate._render(bib, item["id"]) for item in items]  # first, later cites
