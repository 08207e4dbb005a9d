"""``handout-unsafe-html``: raw HTML in a handout page that the printed handout drops.

The PDF writer fetches only files of the site and docs and keeps only web, mail and in-page
links (:mod:`citekb.handouts.fetcher`); this check says so at the line, before the build.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.pages.braced import mask_code
from citekb.pages.spans import Closers

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from citekb.pages.page import Page

#: Longest ``data:`` URI a handout embeds (as :data:`citekb.handouts.fetcher.MAX_DATA_URI`).
MAX_DATA_URI = 256 * 1024

_OPEN = re.compile(r"<([a-zA-Z][\w:-]{0,50})\b")
# A name starts only after a non-name character, and is possessive: linear in a long tag.
_ATTR = re.compile(r"""(?<![\w:-])([\w:-]++)\s*+=\s*+(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""", re.I)
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_LINKS = frozenset({"a", "area"})
_SOURCES = frozenset({"src", "data", "poster", "xlink:href", "srcset", "background", "href"})


def _outside(target: str) -> str:
    """Why fetching ``target`` from a handout is refused, or ``""``."""
    scheme = _SCHEME.match(target)
    if scheme is not None:
        name = scheme[1].lower()
        if name == "data":
            return "" if len(target) <= MAX_DATA_URI else "a data: URI too large to embed"
        return f"a {name}: address (handouts fetch only files of the site)"
    if target.strip().startswith(("/", "\\")):
        return "an absolute path (handouts fetch only files of the site)"
    if ".." in target.replace("\\", "/").split("/"):
        return "a path that climbs out of its folder"
    return ""


def _link(attrs: dict[str, str]) -> str:
    """Why a handout drops this link, or ``""``."""
    if "attachment" in attrs.get("rel", "").lower().split():
        return "a file attachment"
    href = attrs.get("href", "").strip()
    if not href or href.startswith("#"):
        return ""
    scheme = _SCHEME.match(href)
    if scheme is None or scheme[1].lower() not in {"http", "https", "mailto"}:
        return "a link that is not http(s) or mailto:"
    return ""


def unsafe_html(page: Page) -> list[Diagnostic]:
    """A warning for each raw HTML tag of a handout page that the PDF would drop."""
    text = mask_code(page.text)
    found: list[Diagnostic] = []
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    styles, css_done = Closers(text, "</style"), 0
    for tag, inside, end in _tags(text):
        name = tag[1].lower()
        attrs = {a[1].lower(): a[2] or a[3] or a[4] for a in _ATTR.finditer(inside)}
        if name in _LINKS:
            why = _link(attrs)
        else:
            targets = [v for k, v in attrs.items() if k in _SOURCES]
            targets += _CSS_URL.findall(attrs.get("style", ""))
            if name == "style":  # each stretch of CSS is read once, however many <style> open it
                close = styles.find(end)
                close = len(text) if close < 0 else close
                targets += _CSS_URL.findall(text, max(end, css_done), close)
                css_done = max(css_done, close)
            if name == "link" and "attachment" in attrs.get("rel", "").lower().split():
                targets.append("attachment:")
            why = next((w for t in targets if (w := _outside(t))), "")
        if why:
            line = bisect_right(starts, tag.start())
            column = tag.start() - starts[line - 1] + 1
            found.append(
                diagnostic(
                    Code.HANDOUT_UNSAFE_HTML,
                    page.path,
                    line,
                    column,
                    f"the printed handout drops `<{name}>`: it is {why}",
                    "use a Markdown image of a file in docs/, or an https:// link",
                )
            )
    return found


def _tags(text: str) -> Iterator[tuple[re.Match[str], str, int]]:
    """Each start tag: its name match, the text of its attributes, and where it ends.

    The search goes on after each tag's ``>``, so that text with many ``<`` and few ``>``
    costs linear time.
    """
    pos = 0
    while (tag := _OPEN.search(text, pos)) is not None:
        end = text.find(">", tag.end())
        if end < 0:
            return
        yield tag, text[tag.end() : end], end + 1
        pos = end + 1


def check_handout_html(pages: Sequence[Page]) -> list[Diagnostic]:
    """``handout-unsafe-html`` over every page with ``handout: true``."""
    return [d for page in pages if page.is_handout for d in unsafe_html(page)]
