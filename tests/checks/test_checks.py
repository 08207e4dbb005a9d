from __future__ import annotations

import difflib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from citekb.checks.rules import (
    canonical_doi,
    check_citations,
    check_entry,
    check_library,
    close_matches,
    isbn_valid,
    suggester,
)
from citekb.core.model import Citation, CitationMode, Entry, Library


def entry(
    key: str, type_: str = "article", path: str = "refs.bib", line: int = 1, **fields: str
) -> Entry:
    lines = {name: line + i + 1 for i, name in enumerate(fields)}
    return Entry(key, type_, fields, path, line, lines)


ARTICLE = {"author": "Doe, Jane", "title": "T", "journal": "J", "year": "2015"}


@pytest.mark.parametrize(
    ("type_", "fields", "missing"),
    [
        ("article", ARTICLE, []),
        ("article", {"title": "T", "journal": "J", "year": "2015"}, ["`author`"]),
        ("article", {"author": "A", "title": "T", "journaltitle": "J", "date": "2015-03"}, []),
        ("book", {"editor": "E", "title": "T", "publisher": "P", "year": "2001"}, []),
        ("book", {"author": "A", "title": "T", "year": "2001"}, ["`publisher`"]),
        ("book", {"title": "T", "publisher": "P", "year": "2001"}, ["`author` or `editor`"]),
        ("techreport", {"institution": "WHO", "title": "T", "year": "2025"}, []),
        (
            "techreport",
            {"author": "{{Office of the U.S. Surgeon General}}", "title": "T", "year": "2023"},
            [],
        ),
        ("report", {"title": "T"}, ["`author` or `institution`", "`year` or `date`"]),
        ("online", {"title": "T", "url": "https://x.org/a", "urldate": "2026-11-22"}, []),
        ("online", {"title": "T", "year": "2020"}, ["`url`"]),
        (
            "incollection",
            {"author": "A", "title": "T", "publisher": "P", "year": "2004"},
            ["`booktitle`"],
        ),
        ("misc", {"title": "T"}, []),
        ("misc", {"howpublished": "web"}, ["`title`"]),
        ("article", {**ARTICLE, "author": "  "}, ["`author`"]),
        ("article", {**ARTICLE, "author": "{}"}, ["`author`"]),
    ],
)
def test_missing_fields_by_type(type_: str, fields: dict[str, str], missing: list[str]) -> None:
    found = [d for d in check_entry(entry("k", type_, **fields)) if d.code == "missing-field"]
    assert [d.message.split(" has no ")[1] for d in found] == missing
    assert all(d.location == "refs.bib:1:1" for d in found)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("doi", "10.1177/1745691614568352", None),
        ("doi", "https://doi.org/10.1177/1745691614568352", None),
        ("doi", "doi.org/10.1177", "invalid-doi"),
        ("doi", "10.12/x", "invalid-doi"),
        ("isbn", "978-0-316-11300-7", None),
        ("isbn", "0-465-07691-2", None),
        ("isbn", "978-0-316-11300-8", "invalid-isbn"),
        ("isbn", "0-465-07691-3", "invalid-isbn"),
        ("isbn", "12345", "invalid-isbn"),
        ("url", "https://journals.plos.org/plosmedicine/article?id=1", None),
        ("url", "http://example.org", None),
        ("url", "javascript:alert(1)", "invalid-url"),
        ("url", "ftp://example.org/x", "invalid-url"),
        ("url", "www.example.org", "invalid-url"),
        ("url", 'https://example.org/"onmouseover="x', "invalid-url"),
        ("url", "https://example.org/a<b>", "invalid-url"),
        ("year", "1988", None),
        ("year", "in press", None),
        ("year", "15", "invalid-year"),
        ("year", "2015a", "invalid-year"),
    ],
)
def test_field_formats(field: str, value: str, code: str | None) -> None:
    found = check_entry(entry("k", **{**ARTICLE, field: value}))
    assert [d.code for d in found] == ([code] if code else [])
    if code:
        assert found[0].line == list({**ARTICLE, field: value}).index(field) + 2


def test_isbn_checksums() -> None:
    assert isbn_valid("9780316113007") and isbn_valid("0465076912")
    assert isbn_valid("080442957X") and not isbn_valid("0804429570")


def test_doi_normalisation() -> None:
    assert canonical_doi("HTTPS://doi.org/10.1126/Science.3399889") == "10.1126/science.3399889"
    assert canonical_doi("doi: 10.1/X") == "10.1/x"


def test_duplicate_key_across_files_gives_both_locations() -> None:
    library = Library(
        (
            entry("house1988", path="a.bib", line=3, **ARTICLE),
            entry("house1988", path="b.bib", line=9, **ARTICLE),
        )
    )
    found = [d for d in check_library(library) if d.code == "duplicate-key"]
    assert len(found) == 1
    assert found[0].location == "b.bib:9:1"
    assert "here and at a.bib:3" in found[0].message


def test_duplicate_work_by_doi_and_by_isbn() -> None:
    library = Library(
        (
            entry("a", **ARTICLE, doi="10.1126/science.3399889"),
            entry("b", line=20, **ARTICLE, doi="https://doi.org/10.1126/SCIENCE.3399889"),
            entry(
                "c",
                "book",
                line=40,
                author="A",
                title="T",
                publisher="P",
                year="1973",
                isbn="0-465-07691-2",
            ),
            entry(
                "d",
                "book",
                line=60,
                author="A",
                title="T",
                publisher="P",
                year="1973",
                isbn="9780465076918",
            ),
        )
    )
    found = [d for d in check_library(library) if d.code == "duplicate-work"]
    assert [(d.line, d.message) for d in found] == [
        (25, "b and a (refs.bib:1) share DOI 10.1126/science.3399889"),
        (65, "d and c (refs.bib:40) share ISBN 9780465076918"),
    ]


def cite(key: str, line: int = 4, column: int = 7) -> Citation:
    return Citation(key, CitationMode.NORMAL, "docs/a.md", line, column, 0)


def test_unknown_key_hint_names_the_closest_keys_and_unused_entries_are_reported() -> None:
    library = Library(
        (
            entry("holtlunstad2015", **ARTICLE),
            entry("holtlunstad2010", line=9, **ARTICLE),
            entry("tatkin2012", line=30, **ARTICLE),
        )
    )
    found = check_citations([cite("holtlunstad2051"), cite("holtlunstad2010", 5, 1)], library)
    assert [(d.code, d.location, d.message) for d in found] == [
        ("unknown-key", "docs/a.md:4:7", "@holtlunstad2051 is not in the library"),
        ("unused-entry", "refs.bib:1:1", "holtlunstad2015 is never cited"),
        ("unused-entry", "refs.bib:30:1", "tatkin2012 is never cited"),
    ]
    assert found[0].hint == "did you mean @holtlunstad2015, @holtlunstad2010?"


def test_suggestions_scale_to_a_large_library_and_still_find_the_typo() -> None:
    keys = [f"author{i}{2000 + i % 25}" for i in range(20000)] + ["holtlunstad2015"]
    suggest = suggester(keys)
    assert suggest("holtlunstd2015") == ["holtlunstad2015"]
    assert suggest("author12345202")[0].startswith("author1234")
    assert suggest("zzzzzz") == []


def test_suggestions_do_not_depend_on_string_hashing() -> None:
    import os
    import subprocess
    import sys

    code = (
        "from citekb.checks.rules import suggester\n"
        "s = suggester([f'key{i}' for i in range(20000)])\n"
        "print([s(f'kye{i}') for i in range(1100, 1140)])\n"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1


KEYISH = st.text(alphabet="key0123ab", min_size=0, max_size=9)


@settings(max_examples=400, deadline=None)
@example("baaa", ["bbac", "a", "abba", "aa"], 2, 0.5)  # a tie at the n-th ratio, won by the key
@given(
    KEYISH, st.lists(KEYISH, max_size=60), st.integers(1, 4), st.sampled_from([0.0, 0.5, 0.6, 0.8])
)
def test_close_matches_are_difflibs(word: str, keys: list[str], n: int, cutoff: float) -> None:
    assert close_matches(word, keys, n, cutoff) == difflib.get_close_matches(word, keys, n, cutoff)


def test_close_matches_keep_difflibs_tie_break() -> None:
    keys = [f"key{i}" for i in range(2000)]
    for word in ("kye1234", "key12", "ke1", "yek999", "key1000x"):
        assert close_matches(word, keys, 3, 0.6) == difflib.get_close_matches(word, keys)


def test_ref_anchors_are_compared_as_the_renderer_spells_them() -> None:
    from citekb.checks.rules import check_links
    from citekb.pages.page import parse_page

    cited, _ = parse_page("docs/a.md", "a.md", "# A\n\nSee [@smith+jones2020].\n")
    linking, _ = parse_page(
        "docs/b.md",
        "b.md",
        "# B\n\n[ok](a.md#ref-smith~2b~jones2020) [no](a.md#ref-smith-jones2020)\n",
    )
    found = check_links([cited, linking], {"a.md", "b.md"})
    assert [(d.location, d.message) for d in found] == [
        ("docs/b.md:3:40", "a.md has no heading with anchor #ref-smith-jones2020")
    ]
