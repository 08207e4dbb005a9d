"""Citing by identifier: the pure resolution, the checks, a whole site, the handouts and refs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.checks.rules import run_checks
from citekb.cli.main import main
from citekb.core.identifiers import (
    definitions,
    normalize_identifier,
    parse,
    resolve_clusters,
    resolve_keys,
)
from citekb.core.model import Entry, Library
from citekb.pages.citations import scan, scan_clusters
from citekb.project.load import load_project
from support import SITES, build_site, copy_site, read_page

if TYPE_CHECKING:
    from pathlib import Path


def _library(**fields: dict[str, str]) -> Library:
    return Library(
        tuple(
            Entry(key, "article", f, "refs.bib", i) for i, (key, f) in enumerate(fields.items(), 1)
        )
    )


LIBRARY = _library(
    smith2015={"doi": "https://doi.org/10.1177/1745691614568352"},
    jones2010={"pmid": "20668659", "url": "https://example.org/report/"},
    bowlby1973={"isbn": "0-465-07691-2"},
    both={"isbn": "978-1-84872-682-6, 0-465-09716-2"},
    escaped={"doi": "{10.1000/a\\_b}"},
)


def _keys(text: str) -> list[str]:
    _, [cites] = resolve_keys(LIBRARY, [(text, scan(text))])
    return [c.key for c in cites]


def test_parse_and_normalize() -> None:
    assert parse("doi:10.1/X") == ("doi", "10.1/X")
    assert parse("DOI:10.1/X") == ("doi", "10.1/X")
    assert parse("tag:x") is None
    assert parse("smith2015") is None
    assert normalize_identifier("doi", "https://doi.org/10.1/AbC") == "10.1/abc"
    assert normalize_identifier("doi", "doi: 10.1/AbC") == "10.1/abc"
    assert normalize_identifier("isbn", "0-465-07691-2") == normalize_identifier(
        "isbn", "978-0-465-07691-8"
    )
    assert normalize_identifier("isbn", "0465076912") == "9780465076918"
    assert normalize_identifier("url", "{https://example.org/a/}") == "https://example.org/a"


def test_each_identifier_resolves_to_its_entry() -> None:
    text = (
        "A [@doi:10.1177/1745691614568352] B @DOI:10.1177/1745691614568352 C [@pmid:20668659]\n"
        "D @isbn:978-0-465-07691-8 E @isbn:0465076912 F [@url:https://example.org/report]\n"
        "G [@isbn:0-465-09716-2] H [@doi:10.1000/A_B] I [-@smith2015] J [@doi:10.9/none]\n"
    )
    assert _keys(text) == [
        *["smith2015", "smith2015", "jones2010", "bowlby1973", "bowlby1973", "jones2010"],
        *["both", "escaped", "smith2015", "doi:10.9/none"],
    ]


def test_a_key_in_the_library_wins_over_an_identifier() -> None:
    library = _library(**{"doi:10.1/x": {"title": "x"}, "other": {"doi": "10.1/x"}})
    text = "[@doi:10.1/x]"
    _, [cites] = resolve_keys(library, [(text, scan(text))])
    assert [c.key for c in cites] == ["doi:10.1/x"]


def test_alias_lines_define_aliases_across_pages_and_are_no_citation() -> None:
    defs = "Intro.\n\n[@tag:a]: doi:10.1177/1745691614568352\n[@tag:b]: bowlby1973\n"
    use = "Text [@tag:a; @tag:b] and @tag:c.\n\n    [@tag:c]: pmid:20668659\n"
    resolution, [first, second] = resolve_keys(LIBRARY, [(defs, scan(defs)), (use, scan(use))])
    assert first == ()
    assert [c.key for c in second] == ["smith2015", "bowlby1973", "tag:c"]
    assert resolution.aliases == {"tag:a": "doi:10.1177/1745691614568352", "tag:b": "bowlby1973"}
    assert resolution.keys == {"tag:a": "smith2015", "tag:b": "bowlby1973"}


@pytest.mark.parametrize(
    "text",
    [
        "[@tag:a]: doi:1 more",  # more than one word after the colon
        "x [@tag:a]: doi:1",  # not at the start of the line
        "[see @tag:a]: doi:1",  # a prefix
        "[@tag:a, p. 3]: doi:1",  # a locator
        "[@tag:a; @tag:b]: doi:1",  # two citations
        "[@tag:a]: @key",  # a citation after the colon
    ],
)
def test_what_is_not_an_alias_line(text: str) -> None:
    assert definitions(text, scan(text)) == {}


def test_clusters_resolve_and_alias_lines_are_hidden() -> None:
    text = "# T\n\n[@tag:a]: doi:10.1/x\n\nSee [@tag:a] and @doi:10.1/X.\n"
    clusters, hidden = resolve_clusters(
        text, scan_clusters(text), {"tag:a": "k", "doi:10.1/X": "k"}
    )
    assert [[c.key for c in cl.citations] for cl in clusters] == [["k"], ["k"]]
    assert [text[a:b] for a, b in hidden] == ["[@tag:a]: doi:10.1/x"]


@settings(deadline=None)  # the first example builds the parser; the machine may be busy
@given(
    st.from_regex(r"10\.[0-9]{4,6}/[A-Za-z0-9._\-]{1,12}[A-Za-z0-9]", fullmatch=True),
    st.sampled_from(["", "https://doi.org/", "http://dx.doi.org/", "doi:"]),
    st.booleans(),
)
def test_any_spelling_of_a_doi_finds_the_entry(doi: str, prefix: str, upper: bool) -> None:
    library = _library(work={"doi": prefix + doi})
    cited = doi.upper() if upper else doi.lower()
    text = f"See [@{{doi:{cited}}}] and @{{doi:{cited}}}."
    _, [cites] = resolve_keys(library, [(text, scan(text))])
    assert [c.key for c in cites] == ["work", "work"]


# -- a whole site --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site("identifiers", tmp_path_factory.mktemp("ids"))
    build_site(root, strict=True)
    return root


def _body(html: str) -> str:
    """The article after its title: citations, their links and the page's references."""
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1]
    article = article.split("</article>", 1)[0]
    body = article.split("</h1>", 1)[1]
    # the page's own review line, "Cite this page" and JSON-LD name the page, not its citations
    body = re.split(r'<p class="citekb-page-meta|<details class="citekb-cite-page"', body)[0]
    # and the downloads name the page's file and where the works' blocks are, relative to it
    where = r'href="(?:\.\./)?references/[^"]*"| data-citekb-(?:name|blocks)="[^"]*"'
    return re.sub(where, "", body)


def test_site_checks_clean(site: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--root", str(site), "--no-cache", "--strict"])
    assert result.exit_code == 0, result.output
    assert result.output.lower().startswith("no problems found in 4 files")


def test_identifiers_render_exactly_as_keys(site: Path) -> None:
    by_id, by_key = read_page(site / "site", "."), read_page(site / "site", "by-key")
    assert _body(by_id) == _body(by_key)
    assert (
        '<a class="citekb-cite" id="cite-holtlunstad2015-1" href="#ref-holtlunstad2015"'
        ' aria-describedby="reftext-holtlunstad2015" data-key="holtlunstad2015">'
        "Holt-Lunstad et al., 2015, p. 230</a>" in by_id
    )
    assert 'id="ref-bowlby1973"' in by_id
    assert "@isbn" not in by_id
    assert "@doi" not in by_id


def test_alias_lines_are_not_shown_and_aliases_link(site: Path) -> None:
    html = read_page(site / "site", "aliases")
    assert "tag:" not in html
    assert "0465076912" not in html
    assert (
        'href="#ref-feeney2007" aria-describedby="reftext-feeney2007" data-key="feeney2007">Feeney, 2007</a>'
        in html
    )
    assert '<a class="citekb-cite" id="cite-bowlby1973-1" href="#ref-bowlby1973"' in html


def test_bibliography_lists_identifier_citations(site: Path) -> None:
    html = read_page(site / "site", "bibliography")
    entry = html.split('id="ref-holtlunstad2015"', 1)[1].split("</li>", 1)[0]
    assert 'href="../#cite-holtlunstad2015-1">Home</a>' in entry
    assert 'href="../by-key/#cite-holtlunstad2015-1">By key</a>' in entry
    bowlby = html.split('id="ref-bowlby1973"', 1)[1].split("</li>", 1)[0]
    assert 'href="../aliases/#cite-bowlby1973-1">Aliases</a>' in bowlby


def test_refs_lists_identifier_and_alias_citations(site: Path) -> None:
    result = CliRunner().invoke(main, ["refs", "feeney2007", "--root", str(site)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "    docs/aliases.md:10:45",
        "    docs/by-key.md:8:51",
        "    docs/index.md:8:49",
    ]


def test_handouts_render_identifiers_as_keys(site: Path) -> None:
    from citekb.handouts.writer import body_html
    from citekb.site.references import cached_references

    project = load_project(site)
    refs = cached_references(project)
    pages = {p.name: p for p in project.pages}
    html = body_html(pages["index.md"], refs, project.config)
    assert html.replace("index", "by-key") == body_html(
        pages["by-key.md"], refs, project.config
    ).replace("index", "by-key")
    assert 'href="#ref-holtlunstad2015"' in html
    aliases = body_html(pages["aliases.md"], refs, project.config)
    assert "tag:" not in aliases and 'href="#ref-feeney2007"' in aliases


def test_unknown_identifier_is_an_error_with_a_hint(tmp_path: Path) -> None:
    root = copy_site("identifiers", tmp_path)
    page = root / "docs" / "aliases.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n[@tag:gone]: pmid:1\n\nMissing [@doi:10.1000/NONE] and @tag:gone and [@url:https://x.org/a].\n",
        encoding="utf-8",
    )
    project = load_project(root)
    found = [(d.code, d.location, d.message, d.hint) for d in run_checks(project)]
    assert found == [
        (
            "unknown-identifier",
            "docs/aliases.md:14:10",
            "@doi:10.1000/NONE: no library entry has DOI 10.1000/NONE",
            "add the work: citekb add --doi 10.1000/NONE",
        ),
        (
            "unknown-identifier",
            "docs/aliases.md:14:33",
            "@tag:gone (alias of pmid:1): no library entry has PMID 1",
            "add the work: citekb add --pmid 1",
        ),
        (
            "unknown-identifier",
            "docs/aliases.md:14:48",
            "@url:https://x.org/a: no library entry has URL https://x.org/a",
            "add an entry with url = {https://x.org/a}, or cite the work by its key",
        ),
    ]


def _isbn10(nine: str) -> str:
    check = sum((10 - i) * int(c) for i, c in enumerate(nine)) % 11
    return nine + ("X" if (11 - check) % 11 == 10 else str((11 - check) % 11))


@settings(deadline=None)
@given(st.from_regex(r"[0-9]{9}", fullmatch=True), st.sampled_from(["", "-", " "]))
def test_isbn10_and_isbn13_of_one_book_match(nine: str, sep: str) -> None:
    ten = _isbn10(nine)
    thirteen = normalize_identifier("isbn", ten)
    assert len(thirteen) == 13 and thirteen.startswith("978")
    library = _library(book={"isbn": sep.join([thirteen[:3], thirteen[3:12], thirteen[12]])})
    text = f"[@isbn:{ten}] and [@isbn:{thirteen}]"
    _, [cites] = resolve_keys(library, [(text, scan(text))])
    assert [c.key for c in cites] == ["book", "book"]


def test_standalone_extension_resolves_identifiers(tmp_path: Path) -> None:
    import markdown

    from citekb.site.markdown_ext import CitekbExtension

    bib = (SITES / "identifiers" / "references" / "library.bib").read_text(encoding="utf-8")
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    ext = CitekbExtension(bibliography=[str(tmp_path / "refs.bib")])
    text = "[@tag:p]: pmid:17279849\n\nAs shown [@tag:p; @isbn:9780465076918].\n"
    html = markdown.markdown(text, extensions=[ext])
    assert "tag:p" not in html and "17279849" not in html
    assert 'href="#ref-feeney2007"' in html and 'href="#ref-bowlby1973"' in html
    assert '<li id="ref-feeney2007" class="citekb-ref">' in html
