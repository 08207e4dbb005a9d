"""Pieces of a handout's layout: the notice band, URL line breaks and the page limit.

The notice band (disclaimer and crisis lines) is a running element that ``handout.css`` puts
in the bottom margin of every page, so a client given any one sheet has the crisis line.
URLs may break only after a slash or a dot of the path, never inside ``https://host/``; the
breaks are ``<wbr>`` elements, which add no character, so a copied URL stays whole.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from citekb.core.diagnostics import Code, Diagnostic, diagnostic

if TYPE_CHECKING:
    from citekb.core.config import Config
    from citekb.pages.page import Page

#: The most pages any handout may take; ``pages:`` in front matter can only lower it.
MAX_PAGES = 2
_LINK_TEXT = re.compile(r"(<a\b[^>]*>)(https?://[^<\s]+)(</a>)")
_HEAD = re.compile(r"^https?://[^/]+/?")
_BREAK_AFTER = re.compile(r"([/.])(?=[^/.])")
_PAGES_LINE = re.compile(r"^pages:", re.M)


def breakable_url(text: str) -> str:
    """Escaped URL text -> the same text with ``<wbr>`` after each slash or dot of the path;
    the scheme and host stay on one line."""
    head = _HEAD.match(text)
    if head is None:
        return text
    pieces = [head.group(), *_BREAK_AFTER.sub("\\1\0", text[head.end() :]).split("\0")]
    # each piece is unbreakable (not even at a hyphen); <wbr> between them adds no character
    return "<wbr>".join(f'<span class="url-part">{piece}</span>' for piece in pieces if piece)


def break_urls(markup: str) -> str:
    """Every link whose text is a URL gets :func:`breakable_url` breaks."""
    return _LINK_TEXT.sub(lambda m: m[1] + breakable_url(m[2]) + m[3], markup)


def crisis_html(config: Config) -> str:
    """The crisis lines from the configuration (by country), else the single ``crisis_line``."""
    esc = html.escape
    if not config.crisis_lines:
        line = config.handout_crisis_line
        return f'<p class="crisis"><strong>{esc(line)}</strong></p>' if line else ""
    items = "".join(
        f"<li><strong>{esc(country)}:</strong> {esc(text)}</li>"
        for country, text in config.crisis_lines
    )
    return (
        f'<p class="crisis-title"><strong>In a crisis:</strong></p><ul class="crisis">{items}</ul>'
    )


def notice_html(config: Config) -> str:
    """The band printed at the foot of every page: disclaimer and crisis lines ("" when the
    configuration has neither, as for a knowledge base that is not health content)."""
    note, crisis = config.handout_disclaimer, crisis_html(config)
    if not note and not crisis:
        return ""
    disclaimer = f'<p class="disclaimer">{html.escape(note)}</p>' if note else ""
    return f'<footer class="band" role="note" aria-label="Important">{disclaimer}{crisis}</footer>'


def handout_page_limit(page: Page) -> int:
    """The page's limit: front-matter ``pages`` (1 or 2), else :data:`MAX_PAGES`.

    Any other value is reported by ``citekb check`` (``bad-frontmatter``) and ignored here.
    """
    value = page.meta.get("pages")
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PAGES:
        return value
    return MAX_PAGES


def too_long(page: Page, pages: int, limit: int) -> Diagnostic:
    """``handout-too-long``: the handout needs ``pages`` pages where ``limit`` are allowed."""
    allowed = (
        f"`pages: {limit}` in its front matter allows {limit}"
        if page.meta.get("pages") is not None
        else f"at most {limit} are allowed"
    )
    match = _PAGES_LINE.search(page.text)
    line = page.text.count("\n", 0, match.start()) + 1 if match else 1
    return diagnostic(
        Code.HANDOUT_TOO_LONG,
        page.path,
        line,
        1,
        f"handout needs {pages} pages; {allowed}",
        "cut it to the key points and link to a full page for the rest",
    )
