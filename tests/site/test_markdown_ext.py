"""The Python-Markdown extension on its own: links, anchors, references, markers, escaping."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import markdown
import pytest

from citekb.core.model import Citation, CitationMode
from citekb.render.style import Engine, references_for, style_path
from citekb.site.markdown_ext import (
    BIBLIOGRAPHY_MARKER,
    Backlink,
    CitekbExtension,
    SiteData,
    bibliography_html,
    citation_anchors,
    cite_id,
    ref_id,
)
from support import HOLT_BOWLBY_BIB

if TYPE_CHECKING:
    from pathlib import Path

BIB = (
    HOLT_BOWLBY_BIB
    + r"""
@misc{evil, author = {O'Brien, Ann}, title = {<script>alert("x")</script> "quoted"},
  url = {javascript:alert(1)}, year = {2021}}
"""
)


@pytest.fixture
def bib(tmp_path: Path) -> str:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return str(path)


def render(text: str, bib: str) -> str:
    return markdown.markdown(text, extensions=["toc", CitekbExtension(bibliography=[bib])])


def test_citations_link_to_entries_with_stable_anchors(bib: str) -> None:
    out = render("# T\n\nA claim [@holt2015, p. 3]. Again @holt2015.\n", bib)
    assert (
        '<a class="citekb-cite" id="cite-holt2015-1" href="#ref-holt2015"'
        ' aria-describedby="reftext-holt2015" data-key="holt2015">'
        "Holt-Lunstad et al., 2015, p. 3</a>)"
    ) in out
    assert 'id="cite-holt2015-2" href="#ref-holt2015"' in out
    assert ">Holt-Lunstad et al. (2015)</a>" in out


def test_page_references_section_in_apa_order(bib: str) -> None:
    out = render("Text [@holt2015; @bowlby1969].\n\n## Later\n\nMore [-@bowlby1969].\n", bib)
    assert '<h2 id="references">References</h2>' in out
    section = out.split('<h2 id="references">References</h2>', 1)[1]
    assert section.index('id="ref-bowlby1969"') < section.index('id="ref-holt2015"')
    assert section.startswith("\n<ul") and "<p><ul" not in out
    # one back link per citation of the work
    assert 'href="#cite-bowlby1969-1"' in section and 'href="#cite-bowlby1969-2"' in section
    assert ">1969</a>)" in out  # suppress-author


def test_unknown_key_is_a_visible_marker_and_not_in_references(bib: str) -> None:
    out = render("Text [@nope; @bowlby1969].\n", bib)
    assert '<mark class="citekb-unknown" data-key="nope"' in out
    assert "@nope" in out
    assert 'id="ref-nope"' not in out
    assert 'id="ref-bowlby1969"' in out


def test_no_citations_no_references_section(bib: str) -> None:
    out = render("# T\n\nEmail me at someone@example.org. `[@holt2015]`\n", bib)
    assert "References" not in out
    assert "<code>[@holt2015]</code>" in out


def test_citations_in_code_are_left_alone(bib: str) -> None:
    out = render("```\n[@holt2015]\n```\n\nReal [@bowlby1969].\n", bib)
    assert "[@holt2015]" in out
    assert 'id="ref-holt2015"' not in out


def test_fields_are_escaped(bib: str) -> None:
    out = render('Bad [@evil] and <span title="x">raw</span>.\n', bib)
    assert "<script>" not in out.lower()
    # sentence case; paired straight quotes in a field are typographic (CSL rich text)
    assert "&lt;Script&gt;alert(“x”)&lt;/script&gt;" in out
    assert 'href="javascript' not in out
    assert "javascript:alert(1)" in out


def test_html_in_prefix_is_escaped(bib: str) -> None:
    out = render("Text [<img src=x onerror=alert(1)> @bowlby1969].\n", bib)
    assert "<img" not in out


def test_anchor_helpers() -> None:
    assert ref_id("smith:2020.x-y_z") == "ref-smith:2020.x-y_z"  # plain keys are kept
    assert ref_id("smith:2020/x") == "ref-smith:2020~2f~x"
    assert ref_id("smith:2020-x") == "ref-smith:2020-x"  # so the two stay apart
    assert ref_id("a~b") == "ref-a~7e~b"
    assert cite_id("a b", 2) == "cite-a~20~b-2"
    cites = [
        Citation(k, CitationMode.NORMAL, "p", 1, 1, o) for k, o in [("a", 9), ("b", 5), ("a", 1)]
    ]
    assert citation_anchors(cites) == {1: "cite-a-1", 5: "cite-b-1", 9: "cite-a-2"}


def test_bibliography_marker_and_backlinks(bib: str) -> None:
    from citekb.sources.bibtex import load_library

    library, _ = load_library([("refs.bib", BIB.encode())])
    refs = references_for(library, ["holt2015", "bowlby1969"], Engine(style_path("apa")))
    site = SiteData(
        refs=refs,
        backlinks={
            "holt2015": [
                Backlink("Health › Survival", "../health/#cite-holt2015-1"),
                Backlink("Health › Survival", "../health/#cite-holt2015-2"),
                Backlink('Odd "<page>"', "../odd/#cite-holt2015-1"),
            ]
        },
    )
    out = markdown.markdown(
        f"# Bibliography\n\n{BIBLIOGRAPHY_MARKER}\n", extensions=[CitekbExtension(site)]
    )
    assert "<p><ul" not in out
    assert out.index('id="ref-bowlby1969"') < out.index('id="ref-holt2015"')
    assert re.search(
        r'Cited on: <a class="citekb-backlink" href="../health/#cite-holt2015-1">'
        r"Health › Survival</a> <a [^>]*href=\"../health/#cite-holt2015-2\"[^>]*>2</a>; "
        r'<a class="citekb-backlink" href="../odd/#cite-holt2015-1">'
        r"Odd &quot;&lt;page&gt;&quot;</a>",
        out,
    )
    assert bibliography_html(refs, {}).count("Cited on") == 0


def test_extension_loads_by_name(bib: str) -> None:
    out = markdown.markdown(
        "See [@bowlby1969].",
        extensions=["citekb.site.markdown_ext"],
        extension_configs={"citekb.site.markdown_ext": {"bibliography": [bib]}},
    )
    assert 'href="#ref-bowlby1969"' in out


def test_inline_assets_for_sites_without_the_plugin(bib: str) -> None:
    plain = render("See [@bowlby1969].", bib)
    assert "<script>" not in plain
    out = markdown.markdown(
        "See [@bowlby1969].", extensions=[CitekbExtension(bibliography=[bib], inline_assets=True)]
    )
    assert out.count("<style>") == 1 and out.count("<script>") == 1
    assert "citekb-preview" in out


def test_standalone_logs_missing_files_and_bib_problems(
    bib: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    bad = tmp_path / "bad.bib"
    bad.write_text("@book{broken, title = {No end}\n", encoding="utf-8")
    missing = str(tmp_path / "missing.bib")
    ext = CitekbExtension(bibliography=[bib, missing, str(bad)])
    with caplog.at_level(logging.WARNING, logger="citekb"):
        out = markdown.markdown("See [@bowlby1969].\n", extensions=[ext])
    assert "Bowlby, 1969" in out  # the readable file still works
    records = [r for r in caplog.records if r.name == "citekb"]
    assert all(r.levelno == logging.WARNING for r in records)
    messages = [r.getMessage() for r in records]
    assert any(
        m.startswith(f"{missing}:0:0: cannot read bibliography") and "[unreadable-file]" in m
        for m in messages
    ), messages
    assert any(m.startswith(f"{bad}:1:") for m in messages), messages


def test_inline_assets_stay_out_of_headings_and_the_toc(bib: str) -> None:
    """The toc extension runs postprocessors over heading text: the assets must not be one."""
    md = markdown.Markdown(
        extensions=["toc", CitekbExtension(bibliography=[bib], inline_assets=True)]
    )
    out = md.convert("# Title\n\n## Part\n\nSee [@bowlby1969].\n")
    names = [md.toc_tokens[0]["name"], *(c["name"] for c in md.toc_tokens[0]["children"])]
    assert names == ["Title", "Part", "References"]
    assert re.findall(r'<h[12] id="([^"]+)"', out) == ["title", "part", "references"]
    assert out.rstrip().endswith("</script>") and out.count("<style>") == 1


def test_bibliography_marker_shown_in_code_stays_text(bib: str) -> None:
    """Only a line holding the marker alone, outside code, becomes the bibliography."""
    text = (
        f"Put `{BIBLIOGRAPHY_MARKER}` on a line:\n\n"
        f"```markdown\n{BIBLIOGRAPHY_MARKER}\n```\n\n"
        f"1. Step:\n\n    ~~~\n    {BIBLIOGRAPHY_MARKER}\n    ~~~\n"
    )
    out = markdown.markdown(text, extensions=["fenced_code", CitekbExtension(SiteData())])
    assert "citekb-bibliography" not in out
    # the code span and the fence show it; Python-Markdown's fenced_code leaves a fence inside
    # a list item as text (SuperFences renders it), and the marker stays a comment there
    assert out.count("&lt;!-- citekb:bibliography --&gt;") == 2
    out = markdown.markdown(
        f"{text}\n{BIBLIOGRAPHY_MARKER}\n", extensions=["fenced_code", CitekbExtension(SiteData())]
    )
    assert out.count('class="citekb-references citekb-bibliography"') == 1
