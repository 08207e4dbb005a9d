"""A page's own metadata: review line, "Cite this page" (APA, BibTeX) and MedicalWebPage JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.checks.review import Review
from citekb.core.model import Entry
from citekb.site.pagemeta import (
    PageFacts,
    cite_apa_html,
    cite_bibtex,
    cited_work,
    json_ld,
    json_ld_html,
    review_html,
)
from citekb.sources.bibtex import load_library

REVIEWED = Review(dt.date(2026, 1, 10), dt.date(2029, 1, 10), ("Dr Jo Doe",))


def facts(**kw: object) -> PageFacts:
    base: dict[str, object] = {
        "title": "Loneliness and health",
        "url": "https://kb.example.org/health/",
        "review": REVIEWED,
        "site_name": "Connection KB",
        "site_author": "Jo Editor",
        "slug": "health",
    }
    base.update(kw)
    return PageFacts(**base)  # type: ignore[arg-type]


def test_review_html() -> None:
    assert review_html(REVIEWED) == (
        '<p class="citekb-page-meta citekb-review">Last reviewed January 10, 2026 · '
        "Next review due January 10, 2029 · Reviewed by Dr Jo Doe</p>"
    )
    assert review_html(Review(None, None)) == ""
    only_next = Review(None, dt.date(2027, 3, 1))
    assert ">Next review due March 1, 2027</p>" in review_html(only_next)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {},
            "Jo Editor. (2026, January 10). <i>Loneliness and health</i>. Connection KB. "
            '<a href="https://kb.example.org/health/">https://kb.example.org/health/</a>',
        ),
        (  # the site is the author: its name once
            {"site_author": ""},
            "Connection KB. (2026, January 10). <i>Loneliness and health</i>. "
            '<a href="https://kb.example.org/health/">https://kb.example.org/health/</a>',
        ),
        (  # no author at all: the title moves first; no review date: n.d.; no URL
            {"site_author": "", "site_name": "", "review": Review(None, None), "url": ""},
            "<i>Loneliness and health</i>. (n.d.).",
        ),
        (
            {"title": "Fear & <b>loathing</b>", "url": ""},
            "Jo Editor. (2026, January 10). <i>Fear &amp; &lt;b&gt;loathing&lt;/b&gt;</i>. "
            "Connection KB.",
        ),
    ],
)
def test_cite_apa(changes: dict[str, object], expected: str) -> None:
    assert cite_apa_html(facts(**changes)) == expected


def test_cite_bibtex_escapes_latex_and_parses_back() -> None:
    text = cite_bibtex(facts(title="50% of {us} & #you_too ~ \\ ^"))
    assert text == (
        "@online{health2026,\n"
        "  author = {{Jo Editor}},\n"
        "  title = {50\\% of \\{us\\} \\& \\#you\\_too \\textasciitilde{} "
        "\\textbackslash{} \\textasciicircum{}},\n"
        "  date = {2026-01-10},\n"
        "  year = {2026},\n"
        "  organization = {Connection KB},\n"
        "  url = {https://kb.example.org/health/}\n"
        "}\n"
    )
    library, problems = load_library([("page.bib", text.encode())])
    assert problems == []
    entry = library.get("health2026")
    assert entry is not None and entry.type == "online"


@settings(deadline=None)  # a shared, loaded machine
@given(st.text(max_size=40))
def test_cite_bibtex_always_parses(title: str) -> None:
    library, problems = load_library([("p.bib", cite_bibtex(facts(title=title or "x")).encode())])
    assert problems == []
    assert len(library) == 1


def test_cited_work_prefers_the_doi_then_the_url() -> None:
    library, _ = load_library(
        [
            (
                "a.bib",
                b"@article{a, title = {The {Title}}, doi = {https://doi.org/10.1000/XYZ.1}}\n"
                b"@misc{b, title = {B}, url = {https://example.org/b}}\n"
                b"@misc{c, title = {C}, url = {javascript:alert(1)}}\n",
            )
        ]
    )
    a, b, c = (library.get(k) for k in "abc")
    assert a is not None and b is not None and c is not None
    assert cited_work(a) == {
        "@type": "CreativeWork",
        "name": "The Title",
        "url": "https://doi.org/10.1000/XYZ.1",
        "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/XYZ.1"},
    }
    assert cited_work(b) == {"@type": "CreativeWork", "name": "B", "url": "https://example.org/b"}
    assert cited_work(c) is None


def test_json_ld_fields() -> None:
    entry = Entry("a", "misc", {"title": "A", "url": "https://example.org/a"}, "a.bib", 1)
    data = json_ld(facts(summary="One line.", review=REVIEWED, health=True), [entry])
    assert data == {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": "Loneliness and health",
        "url": "https://kb.example.org/health/",
        "description": "One line.",
        "lastReviewed": "2026-01-10",
        "reviewedBy": [{"@type": "Person", "name": "Dr Jo Doe"}],
        "publisher": {"@type": "Organization", "name": "Connection KB"},
        "citation": [{"@type": "CreativeWork", "name": "A", "url": "https://example.org/a"}],
    }
    general = json_ld(facts(summary="One line.", review=REVIEWED), [entry])
    assert general == {**data, "@type": "WebPage"}
    board = json_ld(facts(review=Review(None, None, ("Clinical Advisory Board",))), [])
    assert board["reviewedBy"] == [{"@type": "Organization", "name": "Clinical Advisory Board"}]
    assert "lastReviewed" not in board and "citation" not in board


class _Script(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1

    def handle_data(self, data: str) -> None:
        self.scripts.append(data)


@settings(deadline=None)  # a shared, loaded machine
@given(st.text(), st.text())
def test_json_ld_script_cannot_be_escaped_from(title: str, summary: str) -> None:
    data = json_ld(facts(title=title, summary=summary), [])
    markup = json_ld_html(data)
    inner = markup.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not re.search(r"[<>&\u2028\u2029]", inner)
    parser = _Script()
    parser.feed(markup)
    parser.close()
    assert parser.elements == 1  # one element: the script, whatever the text
    assert json.loads("".join(parser.scripts)) == data
