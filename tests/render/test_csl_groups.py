"""CSL group suppression in citekb's engine (``render/csl_groups.py``): a macro is a group of
its own, and a group or macro whose rendered branches ask only for empty variables prints
nothing, terms and all; a term in a branch that asks for no variable stays."""

from __future__ import annotations

import io
import warnings
from typing import Any

from citekb.render.csl_adapter import adapt_citeproc

MACROS = """
<macro name="container">
  <choose><if type="chapter"><text term="in" suffix=" "/></if></choose>
  <text variable="container-title" font-style="italic"/>
</macro>
<macro name="year">
  <choose>
    <if variable="issued"><date variable="issued"><date-part name="year"/></date></if>
    <else><text term="no date" form="short"/></else>
  </choose>
</macro>
<macro name="pages">
  <group><label variable="page" form="short" suffix=" "/><text variable="page"/></group>
</macro>"""


def csl_style(macros: str, layout: str) -> Any:
    """A citeproc-py style with these macros and citation layout (the adapter installed)."""
    from citeproc import CitationStylesStyle

    adapt_citeproc()
    csl = f"""<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
      <info><id/><title/><updated>2020-01-01T00:00:00+00:00</updated></info>{macros}
      <citation><layout>{layout}</layout></citation></style>"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(csl.encode()), validate=False)


def cite(style: Any, item: dict[str, Any]) -> str:
    """One item's citation with ``style``, as HTML."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(style, CiteProcJSON([{"id": "x", **item}]), formatter.html)
        citation = Citation([CitationItem("x")])
        bib.register(citation)
        return str(bib.cite(citation, lambda _item: None))


def render(layout: str, item: dict[str, Any]) -> str:
    return cite(csl_style(MACROS, layout), item)


LAYOUT = '<group delimiter=", "><text variable="title"/><text macro="container"/></group>'


def test_a_macro_that_prints_only_a_term_prints_nothing() -> None:
    chapter = {"type": "chapter", "title": "Life"}
    assert render(LAYOUT, chapter) == "Life"  # citeproc-py: "Life, in "
    assert render(LAYOUT, {**chapter, "container-title": "Book"}) == "Life, in <i>Book</i>"


def test_a_term_in_the_branch_taken_without_variables_stays() -> None:
    layout = '<group delimiter=" "><text variable="title"/><text macro="year"/></group>'
    assert render(layout, {"type": "book", "title": "Life"}) == "Life n.d."
    dated = {"type": "book", "title": "Life", "issued": {"date-parts": [[1999]]}}
    assert render(layout, dated) == "Life 1999"


def test_a_group_with_a_label_and_an_empty_variable_prints_nothing() -> None:
    layout = '<group delimiter=", "><text variable="title"/><text macro="pages"/></group>'
    assert render(layout, {"type": "book", "title": "Life"}) == "Life"
    assert render(layout, {"type": "book", "title": "Life", "page": "5"}) == "Life, p. 5"
