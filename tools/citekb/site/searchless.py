"""Keep what the search index skips anyway away from the search plugin's HTML parser.

Material's search plugin parses every page's HTML in Python and drops elements marked
``data-search-exclude``, and scripts. citekb's reference lists, "Cite this page" and JSON-LD
are such elements, and on a page with ten citations they hold most of its tags: parsing them
cost a warm build about a tenth of its time, to index nothing. :func:`hide` swaps each of these
blocks for a placeholder comment before the search plugin reads the page, and :func:`show`
puts them back in the finished page, so the page and Material's search index are the same as
without it. (MkDocs' own search plugin knows no ``data-search-exclude`` and indexed these
blocks, JSON-LD included; now it leaves them out too, as the ``search_references`` option
says.) Both are linear scans; a block without its end tag is left in place (and the blocks
after it too).
"""

from __future__ import annotations

import re
import secrets

#: citekb's blocks that the search index skips: a list, paragraph or details element of a
#: ``citekb-*`` class marked ``data-search-exclude``, and the JSON-LD script.
_OPENING = re.compile(
    r'<(ul|p|details) class="citekb-[a-z-]+" data-search-exclude>'
    r'|<(script) type="application/ld\+json">'
)
_TAGS = {name: re.compile(rf"<(/?){name}[\s>]") for name in ("ul", "p", "details", "script")}
#: Any start tag: a block before which the page has none opens the index's first section.
_START_TAG = re.compile(r"<[A-Za-z]")


class Hidden:
    """The blocks taken out of each page, and the placeholders that stand for them."""

    def __init__(self) -> None:
        self._nonce = secrets.token_hex(8)
        self._blocks: dict[str, list[str]] = {}
        self._placeholder = re.compile(rf"<!--citekb-search:{self._nonce}:(\d+)-->")

    def hide(self, name: str, html: str) -> str:
        """``html`` with citekb's search-excluded blocks replaced by placeholders (kept under
        the page ``name`` until :meth:`show`)."""
        blocks: list[str] = []
        out: list[str] = []
        last = 0
        for start, end in _blocks(html):
            out += [html[last:start], f"<!--citekb-search:{self._nonce}:{len(blocks)}-->"]
            blocks.append(html[start:end])
            last = end
        if not blocks:
            return html
        self._blocks[name] = blocks
        return "".join(out) + html[last:]

    def show(self, name: str, html: str) -> str:
        """``html`` with the blocks hidden from page ``name`` back in their places."""
        blocks = self._blocks.pop(name, None)
        if not blocks:
            return html
        return self._placeholder.sub(
            lambda m: blocks[int(m[1])] if int(m[1]) < len(blocks) else m[0], html
        )


def _blocks(html: str) -> list[tuple[int, int]]:
    """Where each block starts and ends, in order; none before the page's first start tag."""
    found: list[tuple[int, int]] = []
    at = 0
    while (opening := _OPENING.search(html, at)) is not None:
        start = opening.start()
        if not found and not _START_TAG.search(html, 0, start):
            at = opening.end()  # the first element: it would open the index's first section
            continue
        end = _end(html, opening.end(), opening[1] or opening[2])
        if end < 0:
            break
        found.append((start, end))
        at = end
    return found


def _end(html: str, at: int, tag: str) -> int:
    """The end of the element whose start tag ends at ``at`` (nested ones of the same name
    counted), or -1 without one."""
    depth = 1
    for match in _TAGS[tag].finditer(html, at):
        depth += -1 if match[1] else 1
        if depth == 0:
            return html.index(">", match.end() - 1) + 1
    return -1
