"""citekb's CSL sorting and collapsing on citeproc-py (``render/csl_sort.py``,
``render/csl_collapse.py``): small styles and items rendered by the adapted engine."""

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
from citeproc.source.json import CiteProcJSON
from hypothesis import given
from hypothesis import strategies as st

from citekb.render.csl_adapter import adapt_citeproc
from citekb.render.csl_sort import collation_key

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"{attrs}>
  <info><id/><title/><updated>2024-01-01T00:00:00+00:00</updated></info>{macros}
  <citation{cattrs}><layout delimiter="{delimiter}">{citation}</layout></citation>
  <bibliography{battrs}><sort>{keys}</sort><layout>{layout}</layout></bibliography>
</style>"""


def render(items: list[dict[str, Any]], *, mode: str = "bibliography", **parts: str) -> str:
    """The bibliography entries (one a line) or the one citation of all the items."""
    adapt_citeproc(own_numbers=False)
    fields = {"attrs": "", "macros": "", "cattrs": "", "delimiter": "; ", "battrs": ""}
    fields |= {"citation": '<text variable="title"/>', "keys": "", "layout": ""} | parts
    warnings.simplefilter("ignore")
    style = CitationStylesStyle(io.BytesIO(STYLE.format(**fields).encode()), validate=False)
    for index, item in enumerate(items):
        item.setdefault("id", f"i{index}")
        item.setdefault("type", "book")
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
    citation = Citation([CitationItem(str(i["id"])) for i in items])
    bib.register(citation)
    bib.sort()
    if mode == "citation":
        return str(bib.cite(citation, lambda _item: None))
    return "\n".join(str(entry) for entry in bib.bibliography())


TITLE = '<text variable="title"/>'


def test_keys_ignore_case_accents_punctuation_and_leading_quotes() -> None:
    titles = ["\u201cApple\u201d", "Ezra", "\u00c9clair", "Banana split", "Banana, bread"]
    out = render([{"title": t} for t in titles], keys='<key variable="title"/>', layout=TITLE)
    assert out.splitlines() == [
        "\u201cApple\u201d",
        "Banana, bread",
        "Banana split",
        "\u00c9clair",
        "Ezra",
    ]


def test_numbers_in_keys_compare_by_value() -> None:
    out = render(
        [{"title": "Part 10"}, {"title": "Part 9"}, {"title": "Part 100"}],
        keys='<key variable="title"/>',
        layout=TITLE,
    )
    assert out.splitlines() == ["Part 9", "Part 10", "Part 100"]


def test_empty_keys_sort_last_in_both_directions() -> None:
    items = [{"title": "No date"}, {"title": "Old", "issued": {"date-parts": [[1990]]}}]
    items.append({"title": "New", "issued": {"date-parts": [[2020]]}})
    up = render(items, keys='<key variable="issued"/>', layout=TITLE)
    down = render(items, keys='<key variable="issued" sort="descending"/>', layout=TITLE)
    assert up.splitlines() == ["Old", "New", "No date"]
    assert down.splitlines() == ["New", "Old", "No date"]


NAMES_MACRO = """<macro name="names"><names variable="author"><name/>
  <label form="short" prefix=" "/><substitute><names variable="editor"/></substitute>
  </names></macro>"""


def test_macro_name_keys_drop_labels_and_and() -> None:
    items = [
        {"title": "Edited", "editor": [{"family": "Doe", "given": "John"}]},
        {"title": "Eamon", "author": [{"family": "Doe", "given": "John Eamon"}]},
        {"title": "Pair", "author": [{"family": "Doe", "given": "John"}, {"family": "Zed"}]},
        {"title": "Trio", "author": [{"family": "Doe", "given": "John"}, {"family": "Ames"}]},
    ]
    out = render(
        items,
        macros=NAMES_MACRO,
        keys='<key macro="names"/><key variable="title"/>',
        layout=TITLE,
    )
    # "Doe, John ed." sorts as "Doe John"; "Doe John, Ames" before "Doe John, Zed"
    assert out.splitlines() == ["Edited", "Trio", "Pair", "Eamon"]


def test_names_min_in_a_key_drops_et_al() -> None:
    one = [{"family": "Smith", "given": "A"}]
    items = [
        {"title": "A three", "author": [*one, {"family": "Ba"}, {"family": "Ca"}]},
        {"title": "B alone", "author": one},
    ]
    out = render(
        items,
        macros='<macro name="a"><names variable="author"><name/></names></macro>',
        keys='<key macro="a" names-min="1" names-use-first="1"/><key variable="title"/>',
        layout=TITLE,
    )
    assert out.splitlines() == ["A three", "B alone"]  # both "Smith A": the title decides


def test_macro_dates_sort_by_the_parts_shown() -> None:
    macro = """<macro name="d"><choose><if type="book"><date variable="issued" prefix="[">
      <date-part name="year"/></date></if><else><date variable="issued">
      <date-part name="year" suffix="-"/><date-part name="month" form="numeric"/>
      </date></else></choose></macro>"""
    items = [
        {"title": "Article", "type": "article-journal", "issued": {"date-parts": [[2002, 10]]}},
        {"title": "Book", "issued": {"date-parts": [[2002, 11]]}},
        {"title": "BC", "issued": {"date-parts": [[-44, 3]]}},
    ]
    out = render(items, macros=macro, keys='<key macro="d"/>', layout=TITLE)
    assert out.splitlines() == ["BC", "Book", "Article"]


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x17F), max_size=20))
def test_collation_key_ignores_case_and_surrounding_quotes(text: str) -> None:
    key = collation_key(text)
    assert isinstance(key, str)
    assert collation_key(f" \u201c{text}\u201d.") == key
    assert collation_key(text.lower()) == collation_key(text.casefold())


SUBSTITUTE = """<macro name="author"><names variable="author"><name name-as-sort-order="all"/>
  <label form="short" prefix=" "/><substitute><names variable="editor"/></substitute>
  </names></macro>"""


def test_subsequent_author_substitute_ignores_the_role_label() -> None:
    doe = [{"family": "Doe", "given": "John"}]
    items = [{"title": "A", "editor": doe}, {"title": "B", "author": doe}]
    items.append({"title": "C", "editor": doe})
    out = render(
        items,
        macros=SUBSTITUTE,
        battrs=' subsequent-author-substitute="---"',
        keys='<key variable="title"/>',
        layout='<group delimiter=". "><text macro="author"/><text variable="title"/></group>',
    )
    assert out.splitlines() == ["Doe, John ed. A", "---. B", "--- ed. C"]


CITE = """<group delimiter=" "><names variable="author"><name form="short"/></names>
  <group><date variable="issued"><date-part name="year"/></date>
  <text variable="year-suffix"/></group></group>"""


@pytest.mark.parametrize(
    ("collapse", "expected"),
    [
        ("year-suffix-ranged", "Smith 2000a\u2013d, 2001"),
        ("year-suffix", "Smith 2000a, b, c, d, 2001"),
    ],
)
def test_year_suffix_ranges(collapse: str, expected: str) -> None:
    smith = [{"family": "Smith"}]
    items: list[dict[str, Any]] = [
        {"author": smith, "issued": {"date-parts": [[2000]]}, "title": t} for t in "ABCD"
    ]
    items.append({"author": smith, "issued": {"date-parts": [[2001]]}})
    cattrs = f' collapse="{collapse}" disambiguate-add-year-suffix="true"'
    out = render(items, mode="citation", cattrs=cattrs, delimiter=", ", citation=CITE)
    assert out == expected


def test_a_cite_that_is_only_its_author_joins_the_group() -> None:
    smith = [{"family": "Smith"}]
    items = [{"author": smith}, {"author": smith, "issued": {"date-parts": [[1900]]}}]
    out = render(items, mode="citation", cattrs=' collapse="year"', delimiter=", ", citation=CITE)
    assert out == "Smith, 1900"


def test_cites_without_names_collapse_their_year_suffixes() -> None:
    doe = [{"family": "Doe"}]
    items = [{"author": doe, "issued": {"date-parts": [[1965]]}, "title": t} for t in "AB"]
    cattrs = ' collapse="year-suffix" year-suffix-delimiter="," disambiguate-add-year-suffix="true"'
    year = '<date variable="issued"><date-part name="year"/></date>'
    assert render(items, mode="citation", cattrs=cattrs, citation=year) == "1965a,b"


def test_to_ordinal_is_a_module_function() -> None:
    from citeproc import model

    assert callable(model.to_ordinal)


def test_year_suffixes_default_to_the_cite_group_delimiter() -> None:
    aalto = [{"family": "Aalto"}]
    items = [{"author": aalto, "issued": {"date-parts": [[2015]]}, "title": t} for t in "AB"]
    cattrs = ' collapse="year-suffix" cite-group-delimiter=", " disambiguate-add-year-suffix="true"'
    assert render(items, mode="citation", cattrs=cattrs, citation=CITE) == "Aalto 2015a, b"


def _collation_by_character(text: str) -> str:
    """The character-by-character form :func:`collation_key` replaced with a translate table:
    the table must agree with it on every text."""
    import html
    import re
    import unicodedata

    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    text = re.sub(r"^[\s\[\]'\"\u2018\u2019\u201c\u201d\u00ab\u00bb]+", "", text)
    kept = []
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if char in "'\u2019":
            char = "\x02"
        elif category == "Mn" or (category[0] in "PS" and char != "\x01"):
            continue
        kept.append(char)
    text = re.sub(r"\s+", " ", "".join(kept)).strip().casefold()
    return re.sub(
        r"\d+",
        lambda m: f"0{len(m.group().lstrip('0') or '0'):02d}{m.group().lstrip('0') or '0'}",
        text,
    )


@given(st.text(max_size=40))
def test_collation_key_keeps_the_character_rules(text: str) -> None:
    assert collation_key(text) == _collation_by_character(text)
    assert collation_key(f"D\u2019Antiga <i>{text}</i> \x01 caf\u00e9 ") == _collation_by_character(
        f"D\u2019Antiga <i>{text}</i> \x01 caf\u00e9 "
    )
