"""CSL rich text in fields, flip-flopping and text-case (render/csl_flipflop.py,
render/csl_text.py): small styles rendered by citekb's engine, asserted on the text."""

from __future__ import annotations

import io
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from citekb.render import csl_flipflop
from citekb.render.csl_adapter import adapt_citeproc
from citekb.render.csl_typography import superscripts

STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0"
       default-locale="{locale}">
  <info><title>t</title><id>t</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout>{layout}</layout></citation>
  <bibliography{attrs}>{sort}<layout>{layout}</layout></bibliography>
</style>"""


def render(
    layout: str, *items: dict[str, Any], locale: str = "en-US", sort: str = "", attrs: str = ""
) -> list[str]:
    """The bibliography entries of ``items`` under a one-layout style."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    adapt_citeproc(own_numbers=False)
    data = [{"id": f"i{n}", "type": "book", **item} for n, item in enumerate(items)]
    source = STYLE.format(locale=locale, layout=layout, sort=sort, attrs=attrs)
    style = CitationStylesStyle(io.BytesIO(source.encode()), validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(data), formatter.html)
    bib.register(Citation([CitationItem(d["id"]) for d in data]))
    if sort:
        bib.sort()
    return [str(entry) for entry in bib.bibliography()]


def test_nested_quotes_alternate_outer_and_inner() -> None:
    title = '<text variable="title" quotes="true"/>'
    assert render(title, {"title": 'My "Amazing" Title'}) == ["“My ‘Amazing’ Title”"]
    reverse = {"title": "My “‘Amazing’ <b>and</b> Bogus” Title"}
    assert render(title, reverse) == ["“My ‘“Amazing” <b>and</b> Bogus’ Title”"]
    # at the top level a field's quotes are the locale's outer quotes (en-GB: single)
    plain = '<text variable="title"/>'
    assert render(plain, {"title": "Title with 'quotes' in it"}) == ["Title with “quotes” in it"]
    assert render(plain, {"title": 'A "quote"'}, locale="en-GB") == ["A ‘quote’"]


def test_apostrophes_are_typographic_and_orphan_quotes_stay() -> None:
    plain = '<text variable="title"/>'
    assert render(plain, {"title": "Plato's thought in the '90s"}) == [
        "Plato’s thought in the ’90s"
    ]
    assert render(plain, {"title": 'Of "Positive Obligations " of'}) == [
        'Of "Positive Obligations " of'
    ]


def test_formatting_inside_the_same_formatting_flips_to_normal() -> None:
    italic = '<text variable="title" font-style="italic"/>'
    assert render(italic, {"title": "One <i>Two</i> Three"}) == [
        '<i>One <span style="font-style:normal;">Two</span> Three</i>'
    ]
    assert render('<text variable="title"/>', {"title": "One <i>Two</i> Three"}) == [
        "One <i>Two</i> Three"
    ]
    bold = '<text variable="title" font-weight="bold"/>'
    assert render(bold, {"title": 'Speak, <span class="nodecor">friend</span>'}) == [
        '<b>Speak, <span style="font-weight:normal;">friend</span></b>'
    ]
    normal = '<group font-style="italic"><text variable="title" font-style="normal"/></group>'
    assert render(normal, {"title": "Life"}) == [
        '<i><span style="font-style:normal;">Life</span></i>'
    ]


def test_an_unpaired_tag_is_text() -> None:
    assert render('<text variable="title"/>', {"title": "One</i> Two"}) == ["One&lt;/i&gt; Two"]


def test_punctuation_moves_inside_inner_and_outer_quotes() -> None:
    layout = '<text variable="title" quotes="true" suffix="."/>'
    assert render(layout, {"title": "This is 'The One'"}) == ["“This is ‘The One.’”"]
    assert render(layout, {"title": "Why?"}) == ["“Why?”"]


def test_text_case_with_rich_text() -> None:
    title = '<text variable="title" text-case="title"/>'
    assert render(title, {"title": "my <sc>small caps phrase</sc> in a title"}) == [
        'My <span style="font-variant:small-caps;">small caps phrase</span> in a Title'
    ]
    assert render(title, {"title": "'Nobody knows you're a dog': as ever"}) == [
        "“Nobody Knows You’re a Dog”: As Ever"
    ]
    assert render(title, {"title": "saline solution of β-carotine"}) == [
        "Saline Solution of β-Carotine"
    ]
    assert render(title, {"title": "life of john de doe"}) == ["Life of John de Doe"]
    upper = '<text variable="title" text-case="uppercase"/>'
    assert render(upper, {"title": 'a <span class="nocase">Smith</span> pen'}) == ["A Smith PEN"]
    assert render(upper, {"title": "ic", "language": "tr"}) == ["İC"]
    every = '<text variable="title" text-case="capitalize-all"/>'
    assert render(every, {"title": 'lessard <span class="nodecor">v.</span> schmidt'}) == [
        "Lessard v. Schmidt"
    ]


def test_sorting_ignores_markup() -> None:
    sort = '<sort><key variable="title"/></sort>'
    titles = [{"title": "Beta"}, {"title": '"Alpha" and more'}, {"title": "<i>Gamma</i>"}]
    assert render('<text variable="title"/>', *titles, sort=sort) == [
        "“Alpha” and more",
        "Beta",
        "<i>Gamma</i>",
    ]


@given(st.text(alphabet="ab '\"‘’“”<>/isbcp", max_size=30))
def test_any_field_text_reads_and_resolves(text: str) -> None:
    pieces = csl_flipflop.parse_rich(text)
    quotes = ("“", "”", "‘", "’")
    html = csl_flipflop.resolve_markers(str(pieces), quotes, piq=True)
    assert not any(marker in html for marker in csl_flipflop.MARKERS)
    if "<" not in text:  # only quotes can be markup: the rest of the text is kept
        plain = csl_flipflop.strip_markers(str(pieces))
        assert re.sub("[\"'‘’“”]", "", plain) == re.sub("[\"'‘’“”]", "", text)


def cite_text(layout: str, prefix: str = "", style_class: str = "note", locator: str = "") -> str:
    """One citation of one book under a one-layout style, with a cite prefix or locator."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        Locator,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    adapt_citeproc(own_numbers=False)
    source = STYLE.format(locale="en-US", layout=layout, sort="", attrs="")
    source = source.replace('class="note"', f'class="{style_class}"')
    style = CitationStylesStyle(io.BytesIO(source.encode()), validate=False)
    bib = CitationStylesBibliography(
        style, CiteProcJSON([{"id": "a", "type": "book"}]), formatter.html
    )
    options: dict[str, Any] = {"prefix": prefix} if prefix else {}
    if locator:
        options["locator"] = Locator("page", locator)
    citation = Citation([CitationItem("a", **options)])
    bib.register(citation)
    return str(bib.cite(citation, lambda _item: None))


def test_a_term_opening_a_note_citation_is_capitalised() -> None:
    term = '<text term="ibid"/>'
    assert cite_text(term) == "Ibid."
    assert cite_text(term, prefix="This has been said. ") == "This has been said. Ibid."
    assert cite_text(term, prefix="See ") == "See ibid."
    assert cite_text(term, prefix="Cf. ") == "Cf. ibid."
    assert cite_text('<text term="no date"/>', style_class="in-text") == "no date"


def test_a_fields_markup_characters_are_escaped() -> None:
    assert render('<text variable="title"/>', {"title": "R & D <x>"}) == ["R &amp; D &lt;x&gt;"]
    assert render('<text variable="title"/>', {"title": "A &amp; B"}) == ["A &amp; B"]


def test_apostrophes_in_names_are_typographic_and_still_tell_et_al_forms_apart() -> None:
    from citekb.core.model import Entry
    from citekb.render import richtext as rt
    from citekb.render.style import Engine, build_references, style_path

    def work(key: str, third: str) -> Entry:
        author = f"O'Brien, Ann and Smith, Bo and {third}, Cy"
        fields = {"author": author, "title": "A study", "year": "2020", "publisher": "P"}
        return Entry(key, "book", fields, "refs.bib", 1)

    engine = Engine(style_path("apa"))
    entries = [work("a", "Jones"), work("b", "Brown")]
    formatted = engine.format_entries(entries)
    assert formatted["a"].family == "O’Brien"
    assert rt.to_text(formatted["a"].reference).startswith("O’Brien, A., Smith, B., & Jones")
    refs = build_references(formatted)
    cites = sorted(rt.to_text(item.cite) for item in refs.ordered())
    assert cites == ["O’Brien, Smith, & Brown, 2020", "O’Brien, Smith, & Jones, 2020"]


def test_superscript_characters_become_sup_outside_citekb() -> None:
    assert render('<text variable="title"/>', {"title": "1ᵉʳ R² ℠"}) == [
        "1<sup>e</sup><sup>r</sup> R<sup>2</sup> <sup>SM</sup>"
    ]
    assert superscripts("plain") == "plain"


def test_a_prefix_starting_with_a_comma_replaces_the_delimiter() -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    adapt_citeproc(own_numbers=False)
    source = STYLE.format(locale="en-US", layout='<text variable="title"/>', sort="", attrs="")
    source = source.replace("<citation><layout>", '<citation><layout delimiter="; ">')
    style = CitationStylesStyle(io.BytesIO(source.encode()), validate=False)
    items = [{"id": "a", "type": "book", "title": "A"}, {"id": "b", "type": "book", "title": "B"}]
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
    citation = Citation([CitationItem("a"), CitationItem("b", prefix=", cited in ")])
    bib.register(citation)
    assert str(bib.cite(citation, lambda _item: None)) == "A, cited in B"


def test_a_numbers_markup_is_text() -> None:
    layout = '<number variable="number"/>'
    assert render(layout, {"number": "1<sup>er</sup>"}) == ["1&lt;sup&gt;er&lt;/sup&gt;"]


def test_quotes_just_inside_a_tag_pair() -> None:
    title = '<text variable="title" quotes="true"/>'
    assert render(title, {"title": '<span class="nocase">"PIAAC" 2015</span>'}) == [
        "“‘PIAAC’ 2015”"
    ]


def test_affixes_are_text() -> None:
    layout = '<text variable="URL" prefix="&lt;" suffix="&gt;"/>'
    assert render(layout, {"URL": "http://x.org"}) == ["&lt;http://x.org&gt;"]


def test_a_locators_quotes_are_rich_text() -> None:
    layout = '<text variable="locator" quotes="true"/>'
    assert cite_text(layout, locator='"gargoyle"') == "“‘gargoyle’”"
