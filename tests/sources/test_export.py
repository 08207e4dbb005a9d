"""The BibTeX, RIS and CSL-JSON writers behind ``citekb export`` and the site downloads."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.core.model import Entry
from citekb.sources.bibtex import load_library
from citekb.sources.export import FORMATS, export_entries, to_bibtex, to_csl_json, to_ris
from support import REPO

ARTICLE = Entry(
    key="holtlunstad2015",
    type="article",
    fields={
        "year": "2015",
        "title": "Loneliness and Social Isolation as Risk Factors for Mortality",
        "author": "Holt-Lunstad, Julianne and Smith, Timothy B.",
        "journal": "Perspectives on Psychological Science",
        "volume": "10",
        "number": "2",
        "pages": "227--237",
        "month": "mar",
        "doi": "10.1177/1745691614568352",
        "keywords": "loneliness, mortality",
        "abstract": "Two lines\n   of abstract.",
        "verification": "checked against the PDF",
        "crossref": "parent",
    },
    path="references/library.bib",
    line=3,
)
BOOK = Entry(
    key="mueller2019",
    type="book",
    fields={
        "author": 'M{\\"u}ller, J{\\"o}rg',
        "title": "Ein {Buch}",
        "publisher": "Verlag",
        "year": "2019",
    },
    path="references/library.bib",
    line=20,
)


def test_bibtex_is_canonical_and_leaves_out_editorial_fields() -> None:
    assert to_bibtex([BOOK]) == (
        "@book{mueller2019,\n"
        '  author = {M{\\"u}ller, J{\\"o}rg},\n'
        "  title = {Ein {Buch}},\n"
        "  publisher = {Verlag},\n"
        "  year = {2019}\n"
        "}\n"
    )
    text = to_bibtex([ARTICLE, BOOK])
    assert "verification" not in text
    assert "crossref" not in text
    assert text.index("@article{holtlunstad2015,") < text.index("@book{mueller2019,")
    assert "\n}\n\n@book" in text


def test_bibtex_escapes_an_unbalanced_brace_instead_of_breaking_the_file() -> None:
    entry = Entry("k", "misc", {"title": "a } b"}, "x.bib", 1)
    text = to_bibtex([entry])
    library, problems = load_library([("x.bib", text.encode())])
    assert problems == []
    assert library.entries[0].key == "k"


_value = st.text(alphabet="abc XYZ,.:;'=#@-ü\\\"%{}", max_size=20).filter(
    lambda v: v == v.strip() and "\\" not in v and _balanced(v)
)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["title", "note", "publisher", "pages", "zz-extra", "isbn"]),
        _value,
        max_size=5,
    )
)
def test_bibtex_export_reads_back_with_the_same_fields(fields: dict[str, str]) -> None:
    entry = Entry("key:1", "misc", fields, "x.bib", 1)
    library, problems = load_library([("x.bib", to_bibtex([entry]).encode())])
    assert [d for d in problems if d.code in {"bib-syntax", "missing-comma"}] == []
    assert dict(library.entries[0].fields) == fields


def test_ris_record() -> None:
    assert to_ris([ARTICLE]).splitlines() == [
        "TY  - JOUR",
        "AU  - Holt-Lunstad, Julianne",
        "AU  - Smith, Timothy B.",
        "TI  - Loneliness and Social Isolation as Risk Factors for Mortality",
        "T2  - Perspectives on Psychological Science",
        "PY  - 2015",
        "DA  - 2015/03//",
        "VL  - 10",
        "IS  - 2",
        "SP  - 227",
        "EP  - 237",
        "DO  - 10.1177/1745691614568352",
        "AB  - Two lines of abstract.",
        "KW  - loneliness",
        "KW  - mortality",
        "ID  - holtlunstad2015",
        "ER  - ",
    ]


def test_ris_decodes_latex_and_separates_records() -> None:
    text = to_ris([BOOK, Entry("w", "online", {"title": "Site", "url": "https://a.org"}, "x", 1)])
    records = text.split("\n\n")
    assert len(records) == 2
    assert "AU  - Müller, Jörg\nTI  - Ein Buch\n" in records[0]
    assert records[0].startswith("TY  - BOOK\n")
    assert records[1].startswith("TY  - ELEC\n")
    assert "UR  - https://a.org\n" in records[1]


def test_csl_json_is_a_list_of_items_keyed_by_citation_key() -> None:
    items = json.loads(to_csl_json([ARTICLE, BOOK]))
    assert [i["id"] for i in items] == ["holtlunstad2015", "mueller2019"]
    assert items[1]["author"] == [{"family": "Müller", "given": "Jörg"}]
    assert items[0]["type"] == "article-journal"


def test_export_dispatches_on_format_and_handles_no_entries() -> None:
    assert set(FORMATS) == {"bibtex", "csl-json", "ris"}
    assert export_entries([BOOK], "bibtex") == to_bibtex([BOOK])
    assert export_entries([], "bibtex") == ""
    assert export_entries([], "ris") == ""
    assert json.loads(export_entries([], "csl-json")) == []


def test_joined_blocks_are_exactly_what_the_writers_write() -> None:
    """The site's cached per-entry blocks join into the very files `citekb export` writes."""
    from citekb.project.load import load_project
    from citekb.sources.export import entry_blocks, join_blocks, to_bibtex, to_csl_json, to_ris

    entries = list(load_project(REPO).library.by_key.values())
    assert len(entries) > 20
    for fmt, write in (("bibtex", to_bibtex), ("ris", to_ris), ("csl-json", to_csl_json)):
        for chosen in (entries, entries[:1], []):
            assert join_blocks(fmt, [entry_blocks(e)[fmt] for e in chosen]) == write(chosen), fmt
