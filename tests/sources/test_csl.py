"""BibTeX entries to CSL-JSON: names, corporate authors, dates, types, LaTeX decoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekb.core.model import Entry
from citekb.sources.csl import entry_to_csl, latex_to_text, normalize_doi, parse_name, parse_names


def entry(key: str = "k", kind: str = "article", **fields: str) -> Entry:
    return Entry(key, kind, fields, "refs.bib", 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Holt-Lunstad, Julianne", {"family": "Holt-Lunstad", "given": "Julianne"}),
        ("Julianne Holt-Lunstad", {"family": "Holt-Lunstad", "given": "Julianne"}),
        ("Smith, Timothy B.", {"family": "Smith", "given": "Timothy B."}),
        (
            "van der Berg, Anna",
            {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
        ),
        (
            "Ludwig van Beethoven",
            {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        ),
        ("King, Jr, Martin Luther", {"family": "King", "given": "Martin Luther", "suffix": "Jr"}),
        (r"M{\"u}ller, J{\"o}rg", {"family": "Müller", "given": "Jörg"}),
        (
            "{National Academies of Sciences, Engineering, and Medicine}",
            {"literal": "National Academies of Sciences, Engineering, and Medicine"},
        ),
        ("{World Health Organization}", {"literal": "World Health Organization"}),
        ("Plato", {"family": "Plato"}),
    ],
)
def test_parse_name(raw: str, expected: dict[str, str]) -> None:
    assert parse_name(raw) == expected


def test_names_split_on_and_outside_braces_and_drop_others() -> None:
    names = parse_names("{Barnes and Noble} and Doe, Jane AND Roe, R. and others")
    assert names == [
        {"literal": "Barnes and Noble"},
        {"family": "Doe", "given": "Jane"},
        {"family": "Roe", "given": "R."},
    ]


def test_corporate_author_with_double_braces_in_value() -> None:
    item = entry_to_csl(entry(author="{{U.S. Surgeon General}}", title="Advisory", year="2023"))
    assert item["author"] == [{"literal": "U.S. Surgeon General"}]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Caf\'e", "Café"),
        (r"{DNA} and \emph{RNA}", "DNA and RNA"),
        (r"pages 3--5 --- yes", "pages 3–5 — yes"),
        (r"50\% \& more", "50% & more"),
        ("plain  text\n here", "plain text here"),
        ("<script>x</script>", "<script>x</script>"),
        (
            r"`You Think: Do {I} Need Anyone?' -- The Burden",
            "‘You Think: Do I Need Anyone?’ – The Burden",
        ),
        ("O'Brien's `word' and ``double''", "O'Brien's ‘word’ and “double”"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1177/1745691614568352", "10.1177/1745691614568352"),
        ("https://doi.org/10.17226/25663", "10.17226/25663"),
        ("doi:10.1000/x_y", "10.1000/x_y"),
        (r"10.1000/a\_b", "10.1000/a_b"),
    ],
)
def test_normalize_doi(raw: str, doi: str) -> None:
    assert normalize_doi(raw) == doi


def test_article_to_csl() -> None:
    item = entry_to_csl(
        entry(
            "holt2015",
            author="Holt-Lunstad, Julianne and Smith, Timothy B.",
            title="Loneliness and social isolation",
            journal="Perspectives on Psychological Science",
            volume="10",
            number="2",
            pages="227--237",
            year="2015",
            month="mar",
            doi="https://doi.org/10.1177/1745691614568352",
        )
    )
    assert item == {
        "id": "holt2015",
        "type": "article-journal",
        "title": "Loneliness and social isolation",
        "volume": "10",
        "author": [
            {"family": "Holt-Lunstad", "given": "Julianne"},
            {"family": "Smith", "given": "Timothy B."},
        ],
        "container-title": "Perspectives on Psychological Science",
        "issue": "2",
        "page": "227-237",
        "issued": {"date-parts": [[2015, 3]]},
        "DOI": "10.1177/1745691614568352",
    }


@pytest.mark.parametrize(
    ("kind", "csl"),
    [
        ("book", "book"),
        ("incollection", "chapter"),
        ("inproceedings", "paper-conference"),
        ("techreport", "report"),
        ("phdthesis", "thesis"),
        ("online", "webpage"),
        ("unknowntype", "document"),
    ],
)
def test_types(kind: str, csl: str) -> None:
    assert entry_to_csl(entry(kind=kind, title="T"))["type"] == csl


def test_misc_with_url_is_a_webpage_and_howpublished_url_is_used() -> None:
    item = entry_to_csl(entry(kind="misc", title="T", howpublished=r"\url{https://ex.org/a_b}"))
    assert item["type"] == "webpage"
    assert item["URL"] == "https://ex.org/a_b"


def test_dates_from_biblatex_fields() -> None:
    item = entry_to_csl(entry(kind="online", title="T", date="2023-05-04", urldate="2024-01-02"))
    assert item["issued"] == {"date-parts": [[2023, 5, 4]]}
    assert item["accessed"] == {"date-parts": [[2024, 1, 2]]}


def test_report_institution_is_publisher_and_thesis_has_genre() -> None:
    report = entry_to_csl(entry(kind="techreport", title="T", institution="NAP"))
    assert report["publisher"] == "NAP"
    thesis = entry_to_csl(entry(kind="mastersthesis", title="T", school="Univ"))
    assert (thesis["publisher"], thesis["genre"]) == ("Univ", "Master's thesis")


def test_misc_howpublished_text_is_the_publisher() -> None:
    item = entry_to_csl(entry(kind="misc", title="T", howpublished="The Guardian"))
    assert item["publisher"] == "The Guardian"


def test_url_keeps_percent_signs() -> None:
    assert entry_to_csl(entry(url="https://ex.org/a%20b"))["URL"] == "https://ex.org/a%20b"


@pytest.mark.parametrize("year", ["²", "2020²", "١٩٩٠", "20 20", "n.d."])
def test_odd_years_become_literal_dates(year: str) -> None:
    assert entry_to_csl(entry(year=year, month="²", day="²"))["issued"] == {"literal": year}


@given(st.text(max_size=60))
def test_never_raises_on_any_name_or_title(value: str) -> None:
    item = entry_to_csl(entry(author=value, editor=value, title=value, year=value, pages=value))
    assert item["id"] == "k"
