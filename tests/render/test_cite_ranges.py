"""Numeric styles' ranges in citekb's own citations (CSL ``collapse="citation-number"``),
on the HTML the Markdown extension renders."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import markdown
import pytest

from citekb.site.markdown_ext import CitekbExtension
from support import shipped_style

if TYPE_CHECKING:
    from pathlib import Path

BIB = """
@book{a, author={Adams, Ann}, title={Alpha}, publisher={P}, year={2001}}
@book{b, author={Brown, Bob}, title={Beta}, publisher={P}, year={2002}}
@book{c, author={Clark, Cat}, title={Gamma}, publisher={P}, year={2003}}
@book{d, author={Dole, Dan}, title={Delta}, publisher={P}, year={2004}}
@book{e, author={Eve, Ed}, title={Epsilon}, publisher={P}, year={2005}}
"""
PAGE = (
    "One [@a]. Two [@b]. Three [@c]. Four [@d]. Five [@e].\n\n"
    "All [@e; @c; @a; @b]. Pair [@a; @b]. Located [@a; @b, p. 4; @c].\n"
)


def clusters(tmp_path: Path, style: str) -> list[str]:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    ext = CitekbExtension(bibliography=[str(bib)], style=shipped_style(style))
    html = markdown.markdown(PAGE, extensions=[ext])
    body = html.split("<ul", 1)[0]
    texts = re.findall(r"(?:All|Pair|Located) (.*?)\.(?= [A-Z]|</p>)", body)
    return [re.sub(r"<[^>]+>", "", t) for t in texts] + [body]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("nature", ["1–3,5", "1,2", "1,2, p. 4,3"]),
        (
            "ieee-transactions-on-medical-imaging",
            ["[1]–[3], [5]", "[1], [2]", "[1], [2, p. 4], [3]"],
        ),
        ("ieee", ["[1], [2], [3], [5]", "[1], [2]", "[1], [2, p. 4], [3]"]),  # no collapse
    ],
)
def test_numeric_citations_collapse_as_the_style_says(
    tmp_path: Path, style: str, expected: list[str]
) -> None:
    *texts, _body = clusters(tmp_path, style)
    assert texts == expected


def test_a_range_keeps_the_anchor_of_the_work_inside_it(tmp_path: Path) -> None:
    *_, body = clusters(tmp_path, "nature")
    all_cluster = body.split("All ", 1)[1].split(". Pair", 1)[0]
    assert re.findall(r'id="cite-(\w)-2"', all_cluster) == ["a", "b", "c", "e"]
    assert '<span class="citekb-in-range" id="cite-b-2"></span><sup>–</sup>' in all_cluster
    assert "<a" not in all_cluster.split("citekb-in-range")[1].split("</span>")[0]
