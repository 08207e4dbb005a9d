"""Built-site details: "Cited on" in navigation order, what citations are described by, the
hidden back-link glyph, forest plots in a built page, and the print stylesheet."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import markdown

from citekb.site.markdown_ext import CitekbExtension
from citekb.site.references import ASSETS
from support import build_site

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

BIB = "@article{x2020, author = {Xu, Li}, title = {A Title}, journal = {J}, year = {2020}}\n"
EVIDENCE = """\
x2020:
  type: meta-analysis
  status: V-primary
  findings:
    - id: x-or
      statement: Ties and survival.
      locator: abstract
      status: V-primary
      figures:
        - {value: 1.5, measure: OR, ci: [1.2, 1.9], population: "all"}
"""
YML = """\
site_name: T
site_url: https://kb.realsite.net/
theme:
  name: material
  font: false
nav:
  - Zebra: zebra.md
  - Apple: apple.md
  - Bibliography: bibliography.md
plugins:
  - citekb:
      bibliography: [references/*.bib]
      evidence: references/evidence.yaml
"""


def test_cited_on_follows_the_navigation_and_says_page_and_section(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site(
        {
            "mkdocs.yml": YML,
            "references/lib.bib": BIB,
            "references/evidence.yaml": EVIDENCE,
            "docs/apple.md": "# Apple\n\n## Core\n\nOne [@x2020].\n",
            "docs/zebra.md": "# Zebra\n\n## Stripes\n\nTwo [@x2020]. Three [@x2020].\n",
        }
    )
    html = (build_site(root) / "bibliography" / "index.html").read_text(encoding="utf-8")
    cited = html.split('class="citekb-cited-on"', 1)[1].split("</div>", 1)[0]
    labels = re.findall(r'class="citekb-backlink"[^>]*>([^<]+)</a>', cited)
    assert labels == ["Zebra › Stripes", "Apple › Core"]  # nav order, not file order


def test_citations_are_described_by_the_reference_text_only() -> None:
    bib_text = BIB
    out = markdown.markdown(
        "Once [@x2020], twice [@x2020].\n",
        extensions=[CitekbExtension(bibliography=[_bib(bib_text)])],
    )
    described = re.search(r'aria-describedby="([^"]+)"', out)
    assert described is not None
    target = re.search(rf'<span class="citekb-ref-text" id="{described[1]}">(.*?)</span>', out)
    assert target is not None
    assert "↩" not in target[1] and "Xu, L. (2020). A title." in target[1]
    # the glyph before the numbered back links is hidden from screen readers
    assert '<span aria-hidden="true">↩</span> <a class="citekb-back"' in out


def _bib(text: str) -> str:
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    (folder / "refs.bib").write_text(text, encoding="utf-8")
    return str(folder / "refs.bib")


def test_a_built_page_draws_its_forest_block(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    page = "# Apple\n\nSee [@x2020].\n\n```forest\ntitle: Survival\nx-or | Ties\n```\n"
    root = make_site(
        {
            "mkdocs.yml": YML,
            "references/lib.bib": BIB,
            "references/evidence.yaml": EVIDENCE,
            "docs/apple.md": page,
            "docs/zebra.md": "# Zebra\n",
        }
    )
    html = (build_site(root) / "apple" / "index.html").read_text(encoding="utf-8")
    assert '<svg class="citekb-forest-svg"' in html and 'role="img"' in html
    assert ">1.50 (1.20–1.90)</text>" in html
    assert ">Xu, 2020</text>" in html  # the source under the label, as cited in the text
    assert "```" not in html and "x-or |" not in html


def test_print_hides_back_links_downloads_and_the_preview() -> None:
    css = (ASSETS / "citekb.css").read_text(encoding="utf-8")
    rule = css.split("@media print", 1)[1].split("}", 1)[0]
    for selector in (".citekb-preview", ".citekb-backs", ".citekb-downloads"):
        assert selector in rule
    assert "min-width: 24px" in css and "min-height: 24px" in css


def test_duplicate_title_is_a_warning_at_the_later_page(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    from click.testing import CliRunner

    from citekb.cli.main import main

    root = make_site(
        {
            "references/lib.bib": BIB,
            "docs/a.md": "---\ntitle: Small steps\n---\n\n# Small steps\n\nA [@x2020].\n",
            "docs/b.md": "# Small  Steps\n\nB.\n",
            "docs/c.md": "---\ntitle: Other\n---\n\n# Small steps\n",
        }
    )
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--no-cache"])
    found = re.findall(r"^(\S+): warning\[duplicate-title\] (.*)$", result.output, re.M)
    assert found == [("docs/b.md:1:1", "page title 'Small  Steps' is also the title of docs/a.md")]
    assert result.exit_code == 0  # a warning
