"""CSL-JSON aliases in citekb's engine (``render/csl_variables.py``): Zotero's
``journalAbbreviation`` is the short journal title."""

from __future__ import annotations

import io
import warnings

from citekb.render.csl_adapter import adapt_citeproc
from citekb.render.csl_variables import with_aliases

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><id/><title/><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout delimiter="; ">
    <text variable="container-title" form="short" strip-periods="true"/></layout></citation>
</style>"""


def test_journal_abbreviation_is_the_short_container_title() -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    adapt_citeproc()
    warnings.simplefilter("ignore")
    items = [
        {"id": "a", "type": "article-journal", "container-title": "American Law Journal"},
        {"id": "b", "type": "article-journal", "container-title": "Short", "title": "T"},
    ]
    items[0]["journalAbbreviation"] = "Am. L.J."
    items[1]["journalAbbreviation"] = "Ignored"
    items[1]["container-title-short"] = "Sh."
    style = CitationStylesStyle(io.BytesIO(STYLE.encode()), validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
    citation = Citation([CitationItem("a"), CitationItem("b")])
    bib.register(citation)
    assert str(bib.cite(citation, lambda _item: None)) == "Am LJ; Sh"
    assert items[0]["journalAbbreviation"] == "Am. L.J."  # the caller's items untouched


def test_with_aliases_keeps_other_items_as_they_are() -> None:
    item = {"id": "x", "title": "T"}
    assert with_aliases(item) is item
    assert with_aliases({"journalAbbreviation": "J"}) == {"container-title-short": "J"}
