"""citekb's locators, term-form fallback and ordinals on citeproc-py
(``render/csl_locators.py``, ``render/csl_terms.py``, ``render/csl_numbers.py``)."""

from __future__ import annotations

import io
import warnings

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from test_csl_sort import render

from citekb.render import richtext as rt
from citekb.render.csl_adapter import adapt_citeproc
from citekb.render.csl_locators import locator_pieces

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0"
  page-range-format="expanded"><info><id/><title/><updated>2024-01-01T00:00:00+00:00</updated>
  </info>{locale}<citation><layout><group delimiter=" "><label variable="locator"/>
  <text variable="locator"/></group></layout></citation></style>"""


def cite(locator: str, label: str = "page", locale: str = "") -> str:
    adapt_citeproc(own_numbers=False)
    warnings.simplefilter("ignore")
    style = CitationStylesStyle(io.BytesIO(STYLE.format(locale=locale).encode()), validate=False)
    bib = CitationStylesBibliography(
        style, CiteProcJSON([{"id": "a", "type": "book"}]), formatter.html
    )
    citation = Citation([CitationItem("a", locator=Locator(label, locator))])
    bib.register(citation)
    return str(bib.cite(citation, lambda _item: None))


@pytest.mark.parametrize(
    ("locator", "label", "expected"),
    [
        ("100 - 103", "page", "pages 100\u2013103"),
        ("427-30", "page", "pages 427\u2013430"),
        ("327\\-30", "page", "page 327-30"),
        (" 666", "page", "page 666"),
        ("213 & 235", "page", "pages 213 &amp; 235"),
        ("200 - 201", "chapter", "chapters 200\u2013201"),
    ],
)
def test_locators(locator: str, label: str, expected: str) -> None:
    assert cite(locator, label) == expected


def test_ampersand_is_the_locales_and_symbol() -> None:
    locale = '<locale><terms><term name="and" form="symbol">AND</term></terms></locale>'
    assert cite("213 & 235", locale=locale) == "pages 213 AND 235"


def test_split_locator() -> None:
    assert locator_pieces("1-3, 5 & 7") == [("1-3", ","), ("5", "&"), ("7", "")]


def test_verb_short_falls_back_to_verb() -> None:
    names = '<names variable="reviewed-author"><label form="verb-short" suffix=" "/><name/></names>'
    item = {"title": "T", "reviewed-author": [{"family": "Hall", "given": "W."}]}
    assert render([item], mode="citation", citation=names) == "by W. Hall"


def test_superscript_ordinal_letters_become_markup() -> None:
    edition = '<number variable="edition" form="ordinal"/>'
    out = render(
        [{"edition": "2"}], mode="citation", attrs=' default-locale="fr-FR"', citation=edition
    )
    assert out == "2<sup>e</sup>"


def test_a_term_of_only_a_line_break_is_empty() -> None:
    locale = '<locale><terms><term name="and others">\n      </term></terms></locale>'
    names = (
        '<names variable="author"><name et-al-min="2" et-al-use-first="1"/>'
        '<et-al term="and others"/></names>'
    )
    item = {"author": [{"family": "Doe", "given": "J."}, {"family": "Roe", "given": "R."}]}
    out = render([item], mode="citation", macros=locale, citation=names)
    assert out.strip() == "J. Doe" and "\n" not in out


MACROS = """<macro name="in"><choose><if type="chapter"><text term="in" suffix=" "/></if>
  </choose><text variable="container-title"/></macro>
  <macro name="anon"><choose><if variable="author" match="none"><text term="anonymous"
  form="short"/></if></choose></macro>
  <macro name="who"><names variable="author"/><text macro="anon"/></macro>"""


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"type": "chapter", "title": "Life"}, "Life"),
        ({"type": "chapter", "title": "Life", "container-title": "Lives"}, "Life, in Lives"),
    ],
)
def test_a_macro_is_suppressed_as_a_group(item: dict[str, str], expected: str) -> None:
    layout = '<group delimiter=", "><text variable="title"/><text macro="in"/></group>'
    assert render([item], mode="citation", macros=MACROS, citation=layout) == expected


def test_a_nested_macro_with_output_keeps_its_caller() -> None:
    out = render([{"title": "T"}], mode="citation", macros=MACROS, citation='<text macro="who"/>')
    assert out == "anon."


GENDERED = """<locale><terms><term name="ordinal">.a</term>
  <term name="ordinal-01" gender-form="masculine">.o</term>
  <term name="ordinal-01" gender-form="feminine">.a</term>
  <term name="ordinal-02" gender-form="masculine">.oo</term>
  <term name="issue" gender="masculine">issue</term>
  <term name="edition" gender="feminine">edition</term></terms></locale>"""


@pytest.mark.parametrize(
    ("number", "expected"),
    [("1", "1.a ed; 1.o is"), ("2", "2.a ed; 2.oo is"), ("3", "3.a ed; 3.a is")],
)
def test_ordinals_agree_in_gender_and_replace_the_default_locale(
    number: str, expected: str
) -> None:
    layout = (
        '<group delimiter="; "><group delimiter=" "><number variable="edition" form="ordinal"/>'
        '<text value="ed"/></group><group delimiter=" "><number variable="issue" '
        'form="ordinal"/><text value="is"/></group></group>'
    )
    item = {"edition": number, "issue": number}
    assert render([item], mode="citation", macros=GENDERED, citation=layout) == expected


def test_an_ordinal_day_agrees_with_its_month() -> None:
    date = (
        '<date variable="issued" delimiter=" "><date-part name="day" form="ordinal"/>'
        '<date-part name="month"/></date>'
    )
    item = {"issued": {"date-parts": [[2004, 10, 1]]}, "language": "fr"}
    out = render([item], mode="citation", attrs=' default-locale="fr-FR"', citation=date)
    assert out == "1<sup>e</sup><sup>r</sup> octobre"


def test_no_label_for_an_empty_variable() -> None:
    layout = '<group delimiter=", "><text variable="title"/><text macro="p"/></group>'
    macro = (
        '<macro name="p"><choose><if type="book"><label variable="page" form="short" '
        'suffix=" "/><text variable="page"/></if></choose></macro>'
    )
    assert render([{"title": "T"}], mode="citation", macros=macro, citation=layout) == "T"
    with_page = render(
        [{"title": "T", "page": "5"}], mode="citation", macros=macro, citation=layout
    )
    assert with_page == "T, p. 5"


def test_a_term_is_looked_up_in_the_locales_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from citeproc import model

    from citekb.render.style import Engine, style_path

    engine = Engine(style_path("apa"))
    chapter = {
        "id": "c",
        "type": "chapter",
        "title": "A chapter",
        "author": [{"family": "Doe", "given": "Jo"}],
        "container-title": "A book",
        "editor": [{"family": "Roe", "given": "Ann"}, {"family": "Poe", "given": "Bo"}],
        "page": "1-9",
        "issued": {"date-parts": [[2001]]},
    }
    first = engine.format_one(chapter)
    looked: list[str] = []
    get_term = model.Locale.get_term

    def counted(self: object, name: str, *args: object, **kwargs: object) -> object:
        looked.append(name)
        return get_term(self, name, *args, **kwargs)

    monkeypatch.setattr(model.Locale, "get_term", counted)
    again = engine.format_one({**chapter, "id": "d", "title": "Another chapter"})
    assert looked == []
    text = rt.to_text(again.reference)
    assert "In A. Roe & B. Poe (Eds.), A book (pp. 1–9)." in text
    assert rt.to_text(first.reference).replace("A chapter", "Another chapter") == text
