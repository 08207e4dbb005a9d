"""Names through citekb's CSL engine (render/csl_names.py, render/csl_name_parts.py): particles,
suffixes, initials, scripts, et-al and "and" joins, counts, name-part formatting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from citeproc.source import Name
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.render import csl_name_parts as np
from citekb.render import richtext as rt
from citekb.render.csl_adapter import adapt_citeproc
from citekb.render.style import Engine, style_path

if TYPE_CHECKING:
    from pathlib import Path

STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" {style}>
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  {locale}
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout>{layout}</layout></bibliography>
</style>
"""


def render(tmp_path: Path, name: str, authors: list[dict[str, Any]], **extra: Any) -> str:
    """The reference of one book by ``authors`` under ``<name {name}>`` (or a whole layout)."""
    layout = extra.pop("layout", f'<names variable="author"><name {name}/></names>')
    path = tmp_path / "names.csl"
    style = STYLE.format(
        style=extra.pop("style", ""), locale=extra.pop("locale", ""), layout=layout
    )
    path.write_text(style, encoding="utf-8")
    item = {"id": "x", "type": "book", "title": "T", "author": authors, **extra}
    return rt.to_text(Engine(path).format_one(item).reference)


def person(family: str, given: str = "", **parts: Any) -> dict[str, Any]:
    return {"family": family, "given": given, **parts}


@pytest.mark.parametrize(
    ("name", "style", "author", "expected"),
    [  # particles parsed from the family and given names, demoted or not
        ('name-as-sort-order="all"', "", person("van Gogh", "Vincent"), "Gogh, Vincent van"),
        (
            'name-as-sort-order="all"',
            'demote-non-dropping-particle="never"',
            person("van Gogh", "Vincent"),
            "van Gogh, Vincent",
        ),
        ("", "", person("Humboldt", "Alexander von"), "Alexander von Humboldt"),
        ('name-as-sort-order="all"', "", person("al-One", "Alan"), "One, Alan al-"),
        ("", "", person("al-One", "Alan"), "Alan al-One"),
        ("", "", person('"Van Dyke"', "Dick"), "Dick Van Dyke"),
        ("", "", person("d'Aubignac", "François"), "François d\u2019Aubignac"),
        ("", "", person("Jones", "John", **{"dropping-particle": "d'"}), "John d\u2019Jones"),
    ],
)
def test_particles(tmp_path: Path, name: str, style: str, author: Any, expected: str) -> None:
    assert render(tmp_path, name, [author], style=style) == expected


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        (person("Doe", "John, III"), "John Doe III"),
        (person("Doe", "John,! Jr."), "John Doe, Jr."),
        (person("Doe", "Jeffrey", suffix="Jr.", **{"comma-suffix": True}), "Jeffrey Doe, Jr."),
        (person("我妻", "栄"), "我妻栄"),
        ({"given": "Banksy"}, "Banksy"),
    ],
)
def test_suffixes_and_scripts(tmp_path: Path, author: Any, expected: str) -> None:
    assert render(tmp_path, "", [author]) == expected


@pytest.mark.parametrize(
    ("name", "given_name", "expected"),
    [
        ('initialize-with=". " initialize="false"', "John M.E.", "John M. E. Doe"),
        ('initialize-with=". " initialize="false"', "Ph.M.E.", "Ph. M. E. Doe"),
        ('initialize-with=" "', "ME", "M Doe"),
        ('initialize-with=" "', "ME.", "ME Doe"),
        ('initialize-with="."', "TSerendorjiin", "Ts. Doe"),
        ('initialize-with=". "', "IJsbrand", "IJ. Doe"),
        ('initialize-with=". "', "Shun-ichi", "S.-i. Doe"),
        ('initialize-with=". "', "Karl.", "K. Doe"),
        ('initialize-with=". "', "M .", "M. Doe"),
        ('initialize-with=". "', "Ȯdẹ́túnjí Àjàdí", "Ȯ. À. Doe"),
    ],
)
def test_initials(tmp_path: Path, name: str, given_name: str, expected: str) -> None:
    assert render(tmp_path, name, [person("Doe", given_name)]) == expected


def test_initials_inside_markup() -> None:
    assert np.initialize_given("<b>John</b>-Quiggly", ". ") == "<b>J.</b>-Q."
    assert np.initialize_given("<b>J</b> Q", ". ", initials=False) == "<b>J.</b> Q."


THREE = [person("Doe", "John"), person("Roe", "Jane"), person("Snoakes", "Richard")]


@pytest.mark.parametrize(
    ("name", "authors", "expected"),
    [
        (
            'name-as-sort-order="first" et-al-min="3" et-al-use-first="1" '
            'delimiter-precedes-et-al="after-inverted-name"',
            THREE,
            "Doe, John, et al.",
        ),
        (
            'name-as-sort-order="first" and="text" delimiter-precedes-last="after-inverted-name"',
            THREE[:2],
            "Doe, John, and Jane Roe",
        ),
        (
            'name-as-sort-order="first" and="text" delimiter-precedes-last="after-inverted-name"',
            THREE,
            "Doe, John, Jane Roe and Richard Snoakes",
        ),
        ('et-al-min="3"', THREE, "John Doe, Jane Roe, Richard Snoakes"),  # no use-first
        (
            'et-al-min="3" et-al-use-first="1" et-al-use-last="true"',
            [*THREE, person("Noakes", "Robert")],
            "John Doe, \u2026 Robert Noakes",
        ),
    ],
)
def test_et_al_and_and(tmp_path: Path, name: str, authors: Any, expected: str) -> None:
    assert render(tmp_path, name, authors) == expected


def test_et_al_use_first_zero_renders_nothing(tmp_path: Path) -> None:
    layout = (
        '<group delimiter=" // "><names variable="author">'
        '<name et-al-min="2" et-al-use-first="0"/></names><names variable="author">'
        '<name et-al-min="2" et-al-use-first="1"/></names></group>'
    )
    assert render(tmp_path, "", THREE[:2], layout=layout) == "John Doe et al."


def test_count_across_variables(tmp_path: Path) -> None:
    layout = '<names variable="author editor"><name form="count"/></names>'
    editors = [person("Bloggs", "Joe"), person("Bloggs", "Barbie")]
    assert render(tmp_path, "", THREE, editor=editors, layout=layout) == "5"


def test_name_parts_format_their_own_particles(tmp_path: Path) -> None:
    layout = (
        '<names variable="author"><name>'
        '<name-part name="family" text-case="uppercase"/></name></names>'
    )
    author = person(
        "Meer", "Gerard", **{"dropping-particle": "van", "non-dropping-particle": "der"}
    )
    assert render(tmp_path, "", [author], layout=layout) == "Gerard van DER MEER"


def test_and_term_in_a_script_without_spaces(tmp_path: Path) -> None:
    locale = '<locale><terms><term name="and">\u05d5\u2008</term></terms></locale>'
    hebrew = [{"family": "\u05ea\u05e4\u05d5\u05d7"}, {"family": "\u05ea\u05e4\u05d5\u05d6"}]
    text = render(tmp_path, 'and="text"', hebrew, locale=locale)
    assert text == "\u05ea\u05e4\u05d5\u05d7\u05d5\u2008\u05ea\u05e4\u05d5\u05d6"


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(family=_TEXT, given_name=_TEXT, terminator=st.sampled_from(["", ".", ". ", " "]))
def test_parsing_and_initials_never_fail(family: str, given_name: str, terminator: str) -> None:
    parts = np.name_parts({"family": family, "given": given_name})
    if family.strip() and not (family.startswith('"') and family.endswith('"')):
        assert parts.family  # particles never take the whole family name
        assert "".join((parts.non_dropping + parts.family).split()) == "".join(family.split())
    for initialized in (
        np.initialize_given(parts.given, terminator),
        np.initialize_given(parts.given, terminator, initials=False),
    ):
        assert initialized == initialized.strip(" ") or initialized == parts.given


def test_sort_key_parts_drop_apostrophes_from_particles() -> None:
    adapt_citeproc()
    parts = Name(family="'t Horvath", given="Peter A.").parts()
    assert parts == ("Peter A.", "Horvath", None, "t", None)  # sorts under t, not "'"
    assert Name(family="de' Frinkle", given="Bevis").parts()[3] == "de"
    assert Name(literal="Office").parts() == (None, "Office", None, None, None)


_PART = st.one_of(st.just(""), _TEXT, st.sampled_from(["van", "d'", "de la", "Jr.", "al-", '"X"']))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {"family": _PART, "given": _PART},
                optional={"non-dropping-particle": _PART, "suffix": _PART},
            ),
            st.fixed_dictionaries({"literal": _PART}),
        ),
        max_size=4,
    )
)
def test_any_names_render_without_error(names: list[dict[str, str]]) -> None:
    item = {"id": "x", "type": "book", "title": "T", "author": names, "editor": names}
    assert APA.format_one(item).error == ""


APA = Engine(style_path("apa"))
