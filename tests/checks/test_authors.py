"""corporate-author: organisations named as authors without double braces."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.checks.authors import (
    ORGANISATION_WORDS,
    check_corporate_authors,
    looks_corporate,
    split_names,
)
from citekb.cli.main import main
from citekb.sources.bibtex import load_library

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path


@pytest.mark.parametrize(
    ("name", "corporate"),
    [
        ("World Health Organization", True),
        ("American Psychological Association", True),
        ("National Institute on Aging", True),
        ("Department of Health and Social Care", True),  # one name: `and` split is not here
        ("UK Health Security Agency", True),
        ("NHS England Service", True),
        ("Centers for Disease Control", True),
        ("Royal College of Psychiatrists", True),  # four words
        ("{World Health Organization}", False),
        ("{National Academies of Sciences, Engineering, and Medicine}", False),
        ("Holt-Lunstad, Julianne", False),
        ("Julianne Holt-Lunstad", False),
        ("John M. Gottman", False),
        ("Office, Jane", False),  # a comma: a person written family-first
        ("others", False),
        # people as real exports write them: no braces, particles, initials without dots
        ("Emily J M Knox", False),
        ("Homero Gil de Zúñiga", False),
        ("Homero Gil de Z{\\'{u}}{\\~{n}}iga", False),
        ("Sarah van Den Berg", False),
        ("Jean-Pierre de la Fontaine", False),
        # an organisation inverted around its article: APA would print "Coq Development Team, T."
        ("Coq Development Team, The", True),
        ("Coq Development Team", True),
    ],
)
def test_looks_corporate(name: str, corporate: bool) -> None:
    assert looks_corporate(name) is corporate


def test_an_inverted_organisation_gets_its_natural_order_as_the_hint() -> None:
    bib = "@manual{coq,\n  author = {Coq Development Team, The},\n  title = {Coq},\n}\n"
    library, _ = load_library([("refs.bib", bib.encode())])
    found = check_corporate_authors(library)
    assert [(d.code, d.line) for d in found] == [("corporate-author", 2)]
    assert (
        found[0].hint == "write `author = {{The Coq Development Team}}` so it is read as one name"
    )


_GIVEN = st.from_regex(r"[A-Z][a-z]{1,8}|[A-Z]\.?", fullmatch=True).filter(
    lambda w: w.lower() not in ORGANISATION_WORDS
)
_PARTICLE = st.sampled_from(["van", "von", "de", "Den", "der", "da", "dos", "la", "ten"])


@settings(deadline=None)
@given(
    st.lists(_GIVEN, min_size=1, max_size=3),
    st.lists(_PARTICLE, max_size=2),
    st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True).filter(
        lambda w: w.lower() not in ORGANISATION_WORDS
    ),
)
def test_people_written_given_first_never_fire(
    given_names: list[str], particles: list[str], family: str
) -> None:
    name = " ".join([*given_names, *particles, family])
    assert not looks_corporate(name), name


def test_split_names_ignores_and_inside_braces() -> None:
    assert split_names("{Department of Health and Social Care} and Doe, Jo AND Roe, R.") == [
        "{Department of Health and Social Care}",
        "Doe, Jo",
        "Roe, R.",
    ]


@settings(deadline=None)  # a shared, loaded machine
@given(st.lists(st.from_regex(r"[A-Z][a-z]{1,8}, [A-Z]\.", fullmatch=True), min_size=1, max_size=6))
def test_people_written_family_first_never_fire(names: list[str]) -> None:
    assert not any(looks_corporate(n) for n in split_names(" and ".join(names)))


BIB = """\
@report{who2022,
  author = {World Health Organization},
  title = {Report},
  year = {2022},
}

@book{mixed,
  editor = {Doe, Jo},
  author = {Doe, Jo and American Psychological Association},
  title = {Book}, publisher = {P}, year = {2020},
}

@report{ok,
  author = {{World Health Organization}},
  title = {Fine},
  year = {2022},
}
"""


def test_check_reports_at_the_field_line_with_the_braced_form() -> None:
    library, _ = load_library([("refs.bib", BIB.encode())])
    found = check_corporate_authors(library)
    assert [(d.code, d.severity, d.path, d.line) for d in found] == [
        ("corporate-author", "warning", "refs.bib", 2),
        ("corporate-author", "warning", "refs.bib", 9),
    ]
    assert (
        found[0].hint == "write `author = {{World Health Organization}}` so it is read as one name"
    )
    assert "`{American Psychological Association}`" in found[1].hint


def test_fmt_and_add_leave_an_unbraced_organisation_as_written(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site(
        {
            "references/library.bib": "@report{a, author = {Doe, Jo}, title = {A}, year = {2020}}\n",
            "docs/index.md": "---\ntitle: Home\n---\n\n# Home\n\n[@a] [@who2022]\n",
        }
    )
    runner = CliRunner()
    entry = "@report{who2022, author = {World Health Organization}, title = {R}, year = {2022}}\n"
    result = runner.invoke(main, ["add", "--root", str(root)], input=entry)
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["fmt", "--root", str(root)])
    assert result.exit_code == 0, result.output
    text = (root / "references" / "library.bib").read_text(encoding="utf-8")
    assert "  author = {World Health Organization},\n" in text
    result = runner.invoke(main, ["check", "--root", str(root), "--no-cache"])
    assert result.exit_code == 0  # a warning
    assert "warning[corporate-author] who2022: author `World Health Organization`" in result.output


_PARTS = st.sampled_from(
    [
        "Doe, Jo",
        "Roe, R.",
        "World Health Organization",
        "{World Health Organization}",
        "{Smith and Sons, Ltd}",
        "Jo Doe",
        "Anna Maria van Berg",
        "Office, Jane",
    ]
)
_SEPARATORS = st.sampled_from([" and ", " AND ", "\nand ", "  and  ", " And "])


def _naive_names(value: str) -> list[str]:
    """Split on `and` between whitespace at brace depth 0, one character at a time."""
    out, depth, current, i = [], 0, "", 0
    while i < len(value):
        char = value[i]
        depth += (char == "{") - (char == "}")
        rest = value[i:]
        if depth == 0 and char.isspace():
            stripped = rest.lstrip()
            if stripped[:3].lower() == "and" and stripped[3:4].isspace():
                out.append(current)
                current = ""
                i += len(rest) - len(stripped) + 3
                continue
        current += char
        i += 1
    out.append(current)
    return [n.strip() for n in out if n.strip()]


@settings(deadline=None)  # a shared, loaded machine
@given(st.lists(st.tuples(_PARTS, _SEPARATORS), min_size=1, max_size=5))
def test_fast_paths_agree_with_a_naive_split(pieces: list[tuple[str, str]]) -> None:
    from citekb.checks.authors import corporate_names
    from citekb.core.model import Entry

    value = "".join(name + sep for name, sep in pieces)[: -len(pieces[-1][1])]
    entry = Entry("k", "misc", {"author": value}, "a.bib", 1)
    expected = [n for n in _naive_names(value) if looks_corporate(n)]
    assert [person for _, person in corporate_names(entry)] == expected
