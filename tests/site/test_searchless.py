"""Blocks the search index skips, kept from the search plugin's parser (``site/searchless.py``):
the page and the search index come out the same as without it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekb.site.searchless import Hidden
from support import build_site, copy_site

if TYPE_CHECKING:
    from pathlib import Path

REFS = '<ul class="citekb-references" data-search-exclude><li>A <i>B</i></li></ul>'
CITE = (
    '<details class="citekb-cite-page" data-search-exclude><summary>Cite this page</summary>'
    "<p>x</p></details>"
)
LD = '<script type="application/ld+json">{"a":"\\u003c/script>"}</script>'


def test_blocks_are_swapped_for_placeholders_and_back() -> None:
    hidden = Hidden()
    page = f"<h1>T</h1>\n<p>Text.</p>\n<h2>References</h2>\n{REFS}\n{CITE}\n{LD}\n"
    light = hidden.hide("a.md", page)
    assert "citekb-references" not in light and "Cite this page" not in light
    assert "ld+json" not in light and light.count("<!--citekb-search:") == 3
    assert "<h2>References</h2>" in light and "<p>Text.</p>" in light
    assert hidden.show("b.md", light) == light  # another page's blocks are its own
    assert hidden.show("a.md", f"<html>{light}</html>") == f"<html>{page}</html>"
    assert hidden.show("a.md", light) == light  # shown once


def test_what_search_reads_or_would_read_differently_stays() -> None:
    hidden = Hidden()
    searchable = '<h1>T</h1><ul class="citekb-references"><li>A</li></ul>'
    first = f"{REFS}<h1>T</h1>"  # the first element opens the index's first section
    unclosed = '<h1>T</h1><ul class="citekb-references" data-search-exclude><li>A'
    for html in (searchable, first, unclosed):
        assert hidden.hide("a.md", html) == html
    nested = (
        '<h1>T</h1><ul class="citekb-references" data-search-exclude><li><ul><li>x</li></ul>'
        "</li></ul><p>after</p>"
    )
    assert hidden.hide("b.md", nested).endswith("--><p>after</p>")


@given(
    st.lists(
        st.sampled_from(
            [
                "<h1>T</h1>",
                "<p>",
                "</p>",
                "<ul>",
                "</ul>",
                "text",
                REFS,
                CITE,
                LD,
                REFS[:40],
                "</ul",
                "<!--x-->",
            ]
        ),
        max_size=12,
    )
)
def test_hiding_then_showing_gives_the_page_back(parts: list[str]) -> None:
    page = "".join(parts)
    hidden = Hidden()
    assert hidden.show("p.md", hidden.hide("p.md", page)) == page


def _search_index(site: Path) -> object:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("searchable", [False, True])
def test_the_site_and_its_search_index_are_the_same_as_without_hiding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, searchable: bool
) -> None:
    root = copy_site("basic", tmp_path)
    if searchable:
        yml = root / "mkdocs.yml"
        evidence = "      evidence: references/evidence.yaml\n"
        yml.write_text(
            yml.read_text().replace(evidence, evidence + "      search_references: true\n")
        )
    seen: list[str] = []
    hide = Hidden.hide

    def counted(self: Hidden, name: str, html: str) -> str:
        light = hide(self, name, html)
        seen.append(light)
        return light

    with monkeypatch.context() as patch:
        patch.setattr(Hidden, "hide", counted)
        hiding = build_site(root, tmp_path / "hiding")
    placeholders = sum(html.count("<!--citekb-search:") for html in seen)
    # each page: its JSON-LD; unless searchable, its evidence summary, list and "Cite this page"
    assert placeholders == (2 if searchable else 8), placeholders
    with monkeypatch.context() as patch:
        patch.setattr(Hidden, "hide", lambda self, name, html: html)
        plain = build_site(root, tmp_path / "plain")
    for page in ("index.html", "health/index.html", "bibliography/index.html"):
        assert (hiding / page).read_bytes() == (plain / page).read_bytes(), page
    assert _search_index(hiding) == _search_index(plain)
    docs = _search_index(hiding)["docs"]  # type: ignore[index]
    section = next(d["text"] for d in docs if d["location"] == "#references")
    assert ("Cacioppo" in section) is searchable  # a page's references: indexed when asked


def test_hostile_runs_of_openings_are_left_alone() -> None:
    """An author's raw HTML can repeat citekb's openings without closing them (one forward
    scan: the first block with no end tag stops the hiding)."""
    hidden = Hidden()
    opening = '<ul class="citekb-references" data-search-exclude>'
    page = "<h1>T</h1>" + opening * 20_000 + "<li>x"
    assert hidden.hide("a.md", page) == page
    page = "<h1>T</h1>" + (REFS + "<p>between</p>") * 5_000
    light = hidden.hide("b.md", page)
    assert light.count("<!--citekb-search:") == 5_000 and "citekb-references" not in light
    assert hidden.show("b.md", light) == page
