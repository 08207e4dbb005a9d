"""The Markdown side of forest plots: each ``forest`` fenced block becomes a stashed SVG figure.

Registered by :class:`~citekb.site.markdown_ext.CitekbExtension`, so the site and the PDF
handouts (which render pages through the same extension) draw the same plot. A block that
cannot be drawn shows the reasons in the page; ``citekb check`` reports them with file:line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown.preprocessors import Preprocessor

from citekb.render import richtext as rt
from citekb.render.forest import Block, find_blocks, forest_html, problems_html, resolve

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown import Markdown

    from citekb.site.sitedata import SiteData


class ForestPreprocessor(Preprocessor):
    """Replace ``forest`` blocks before fenced code and citations are processed."""

    def __init__(self, md: Markdown, site_data: Callable[[], SiteData]) -> None:
        super().__init__(md)
        self.site_data = site_data

    def run(self, lines: list[str]) -> list[str]:
        if not any("forest" in line for line in lines):
            return lines
        blocks = find_blocks("\n".join(lines), first_line=0)
        if not blocks:
            return lines
        data = self.site_data()
        out: list[str] = []
        last = 0
        for number, block in enumerate(blocks, 1):
            out.extend(lines[last : block.start])
            out.extend(["", self.md.htmlStash.store(self.figure(block, data, number)), ""])
            last = block.end + 1
        out.extend(lines[last:])
        return out

    def figure(self, block: Block, data: SiteData, number: int) -> str:
        refs = data.refs

        def source_of(key: str) -> str:
            item = refs.get(key)
            return rt.to_text(item.cite) if item is not None else ""

        forest, problems = resolve(block, data.evidence, data.page, source_of)
        if forest is None:
            return problems_html(problems)
        return forest_html(forest, f"forest-{number}")
