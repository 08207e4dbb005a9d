"""The memo of empty macros (``render/csl_empty.py``): a macro is walked once per work type and
set of variables present, and what a work renders never depends on the works before it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_csl_groups import cite, csl_style

from citekb.render import richtext as rt
from citekb.render.csl_empty import variables_read
from citekb.render.style import Engine
from citekb.sources.bibtex import load_library
from support import REPO, shipped_style

#: Shapes where a memo keyed on the wrong facts would leak one work's output into another's:
#: an editor that stood in for the author (so the editor macro printed nothing) before a
#: chapter whose editors must print; a volume that is a number after one that is not; an
#: empty field before a full one; a missing date before a date.
RISKY = r"""
@incollection{loos, editor = {Eugene E. Loos}, title = {What is a phone?},
  booktitle = {LinguaLinks: Glossary of linguistic terms}, publisher = {SIL}, year = {1997}}
@incollection{jusczyk, author = {Peter Jusczyk}, editor = {H. C. Nusbaum and J. C. Goodman},
  title = {Infant speech perception}, booktitle = {The transition from speech sounds},
  publisher = {MIT Press}, address = {Cambridge, MA}, year = {1993}}
@book{roman, author = {Ann Able}, title = {Roman volume}, volume = {IV}, publisher = {P},
  year = {2001}}
@book{arabic, author = {Ann Able}, title = {Arabic volume}, volume = {4}, publisher = {P},
  year = {2002}}
@article{hollow, author = {Bo Berg}, title = {Empty number}, journal = {J}, number = {},
  year = {2003}}
@article{full, author = {Bo Berg}, title = {Full number}, journal = {J}, number = {7},
  year = {2004}}
@misc{undated, author = {Cy Cole}, title = {No date}}
@misc{dated, author = {Cy Cole}, title = {A date}, year = {2005}, note = {A note}}
"""


def rendered(style: str, bib: bytes, order: int = 1) -> dict[str, str]:
    """Each entry's reference and citation, rendered one after another on one new engine
    (its own style tree, so nothing memoised before), in file order or reversed."""
    library, _ = load_library([("refs.bib", bib)])
    engine = Engine(Path(shipped_style(style)))
    out = {}
    for entry in list(library)[::order]:
        done = engine.format_any(entry)
        out[entry.key] = f"{rt.to_text(done.reference)} | {rt.to_text(done.cite)}"
    return out


STYLES = ["apa", "ieee", "chicago-notes-bibliography", "modern-language-association"]


@pytest.mark.parametrize("style", STYLES)
def test_no_work_renders_differently_after_other_works(style: str) -> None:
    bib = RISKY.encode()
    library, _ = load_library([("refs.bib", bib)])
    alone = {}
    for key, text in rendered(style, bib).items():  # each work on a fresh engine: no memo
        done = Engine(Path(shipped_style(style))).format_any(library.by_key[key])
        alone[key] = f"{rt.to_text(done.reference)} | {rt.to_text(done.cite)}"
        assert text == alone[key], key
    assert rendered(style, bib, order=-1) == alone


@pytest.mark.parametrize("style", STYLES)
def test_our_library_renders_the_same_in_either_order(style: str) -> None:
    bib = (REPO / "references" / "library.bib").read_bytes()
    assert rendered(style, bib) == rendered(style, bib, order=-1)


def test_the_editors_print_after_a_work_whose_editor_stood_in_for_the_author() -> None:
    out = rendered("ieee", RISKY.encode())
    assert "E. E. Loos, Ed." in out["loos"]
    assert "H. C. Nusbaum and J. C. Goodman, Eds." in out["jusczyk"]


EMPTY_MACROS = """
<macro name="edition-numeric">
  <choose><if is-numeric="edition"><text term="edition"/></if></choose>
</macro>
<macro name="translator">
  <names variable="translator" prefix="trans. "/>
</macro>"""


def walks(layout: str, items: list[dict[str, Any]]) -> tuple[list[str], int]:
    """Each item's citation with one style (``layout`` over :data:`EMPTY_MACROS`), and how
    many times a ``cs:choose`` or ``cs:names`` was walked in all."""
    from citeproc import model

    count = [0]
    choose, names = model.Choose.render, model.Names.process

    def counted(method: Any) -> Any:
        def walk(*args: Any, **kwargs: Any) -> Any:
            count[0] += 1
            return method(*args, **kwargs)

        return walk

    style = csl_style(EMPTY_MACROS, layout)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model.Choose, "render", counted(choose))
        patch.setattr(model.Names, "process", counted(names))
        out = [cite(style, item) for item in items]
    return out, count[0]


LAYOUT = (
    '<group delimiter=", "><text variable="title"/><text macro="edition-numeric"/>'
    '<text macro="translator"/></group>'
)


def test_an_empty_macro_is_walked_once_for_works_alike() -> None:
    book = {"type": "book", "title": "Life"}
    out, once = walks(LAYOUT, [book])
    assert out == ["Life"]
    out, thrice = walks(LAYOUT, [book, {**book, "title": "Death"}, {**book, "title": "Love"}])
    assert out == ["Life", "Death", "Love"]
    assert thrice == once  # the two macros were walked for the first book only
    out, twice = walks(LAYOUT, [book, {**book, "type": "article"}])
    assert twice == 2 * once  # another type: walked again


def test_a_macro_that_tests_a_value_is_walked_for_each_work_with_it() -> None:
    first = {"type": "book", "title": "One", "edition": "second"}
    second = {"type": "book", "title": "Two", "edition": "2"}
    out, _ = walks(LAYOUT, [first, second])
    assert out == ["One", "Two, edition"]  # not "Two": "second" is not numeric, 2 is


def test_names_that_print_after_a_work_without_them() -> None:
    out, _ = walks(
        LAYOUT,
        [
            {"type": "book", "title": "A"},
            {"type": "book", "title": "B", "translator": [{"family": "Ode", "given": "Ann"}]},
        ],
    )
    assert out == ["A", "B, trans. Ann Ode"]


def style_root(macros: str) -> Any:
    """The root of a style with these macros (its layout calls ``m``)."""
    return csl_style(macros, '<text macro="m"/>').root


def reads_of(body: str, more: str = "") -> Any:
    """What the macro ``m`` (``body``) reads, in a style with the macros ``more`` too."""
    root = style_root(f'<macro name="m">{body}</macro>{more}')
    return variables_read(root)[root.get_macro("m")]


def test_every_spelling_of_the_variables_read_through_called_macros() -> None:
    found = reads_of(
        '<text variable="page-first"/><text macro="n"/>',
        '<macro name="n"><choose><if is-numeric="volume"><label variable="edition"/>'
        "</if></choose></macro>",
    )
    assert found is not None
    names, valued = found
    assert {"page", "page-first", "page_first", "volume", "volume_short", "edition"} <= set(names)
    assert {"volume", "edition", "edition_short"} <= valued and "page" not in valued


@pytest.mark.parametrize(
    "body",
    [
        '<choose><if position="first"><text value="x"/></if></choose>',
        '<choose><if disambiguate="true"><text value="x"/></if></choose>',
        '<text variable="year-suffix"/>',
        '<text variable="citation-number"/>',
        "<names/>",
        '<text macro="nowhere"/>',
        '<text macro="n"/>',  # n calls m: a cycle
        '<text macro="o"/>',  # o calls a macro with a position test
    ],
)
def test_a_macro_that_reads_more_than_the_work_is_never_memoised(body: str) -> None:
    more = (
        '<macro name="n"><text macro="m"/></macro>'
        '<macro name="o"><group><text macro="p"/></group></macro>'
        '<macro name="p"><choose><if position="ibid"><text value="x"/></if></choose></macro>'
    )
    assert reads_of(body, more) is None


def test_each_macro_is_read_once_however_long_the_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    from citekb.render import csl_empty

    size = 3000  # each macro calls the next: following calls afresh would read ~size²/2
    chain = "".join(f'<macro name="m{i}"><text macro="m{i + 1}"/></macro>' for i in range(size))
    root = style_root(
        f'<macro name="m"><text macro="m0"/></macro>{chain}'
        f'<macro name="m{size}"><text variable="title"/></macro>'
    )
    own = csl_empty._own_reads
    read: list[str] = []

    def counted(macro: Any, macros: Any) -> Any:
        read.append(macro.get("name"))
        return own(macro, macros)

    monkeypatch.setattr(csl_empty, "_own_reads", counted)
    found = variables_read(root)
    assert len(read) == len(set(read)) == size + 2
    assert all(found[root.get_macro(f"m{i}")][0] >= {"title", "title_short"} for i in (0, size))


@pytest.mark.parametrize("language", [["en"], 5, None])
def test_a_language_that_is_not_text_renders_as_before(language: Any) -> None:
    item = {"id": "x", "type": "book", "title": "T", "language": language}
    item["author"] = [{"family": "Ames", "given": "Bo"}]
    done = Engine(Path(shipped_style("apa"))).format_one(item)
    assert "unhashable" not in done.error
    assert rt.to_text(done.reference).startswith("Ames, B.")
