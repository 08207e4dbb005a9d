"""The block-level parse of a page: markdown-it's, or for a plain page its tokens made
without it (front matter, ATX headings, paragraphs and fenced code, and nothing else).

Most knowledge-base pages are prose under headings; for them markdown-it's block parser is
half the cost of reading a page. :func:`simple_tokens` gives the tokens markdown-it would give
for such a page, or None for any page that has anything more (a list, a quote, code, HTML, a
table, a footnote, a link definition, an indented or tabbed line…), which then takes the full
parse. A property test holds the two to the same tokens.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from citekb.pages.pandoc import reference_unless_cited

#: A line that opens or continues a paragraph and can be nothing else: it starts with a letter.
_PROSE = re.compile(r"[A-Za-z]")
#: An ATX heading without a closing sequence or trailing spaces: ``## Text``.
_HEADING = re.compile(r"(#{1,6}) +([^#\s](?:[^#\n]*[^#\s])?)\Z")
#: A code fence at the margin: its marker and the info string (no backtick in a backtick one).
_FENCE = re.compile(r"(`{3,})([^`]*)\Z|(~{3,})(.*)\Z")


@cache
def _parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(admon_plugin)
    )
    # Only the block structure is needed; footnote_tail would drop footnotes never referenced.
    md.disable(["inline", "text_join", "footnote_tail"])
    md.block.ruler.at("reference", reference_unless_cited, {"alt": []})
    return md


def block_tokens(text: str, env: dict[str, Any] | None = None) -> list[Token]:
    """The block-level parse the scanner works from; pass it back in to parse a page once.

    ``env`` receives markdown-it's link reference definitions. A plain page (headings and
    paragraphs) is read without markdown-it, to the same tokens. Raises nothing: a parse that
    fails (markdown-it is robust; never trust that) gives no blocks.
    """
    simple = simple_tokens(text)
    if simple is not None:
        return simple
    try:
        return _parser().parse(text, env)
    except Exception:
        return []


def simple_tokens(text: str) -> list[Token] | None:
    """markdown-it's block tokens for a plain page (see the module docstring), else None."""
    if "\r" in text or "\0" in text or "\t" in text:
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    tokens: list[Token] = []
    start = 0
    if lines and lines[0] == "---":
        try:
            close = lines.index("---", 1)
        except ValueError:
            return None
        matter = Token("front_matter", "", 0, map=[0, close + 1], content="\n".join(lines[1:close]))
        matter.markup, matter.block, matter.hidden = "---", True, True
        tokens.append(matter)
        start = close + 1
    para = -1  # the first line of the open paragraph
    number = start
    while number <= len(lines):
        line = lines[number] if number < len(lines) else ""
        number += 1
        if line and _PROSE.match(line):
            para = number - 1 if para < 0 else para
            continue
        if para >= 0:
            _block(tokens, "paragraph", "p", "", para, number - 1, lines)
            para = -1
        if not line:
            continue
        heading = _HEADING.match(line)
        fence = None if heading else _FENCE.match(line)
        if heading is not None:
            marks = heading.group(1)
            _block(
                tokens, "heading", f"h{len(marks)}", marks, number - 1, number, lines, heading[2]
            )
        elif fence is not None:
            number = _fence(tokens, fence, number - 1, lines)
            if number < 0:
                return None
        else:
            return None
    return tokens


def _fence(tokens: list[Token], fence: re.Match[str], first: int, lines: list[str]) -> int:
    """Add the fenced block opened at line ``first``; the line after it, or -1 when it is not
    closed by a plain fence (then the page takes the full parse)."""
    marker, info = (fence[1], fence[2]) if fence[1] else (fence[3], fence[4])
    for end in range(first + 1, len(lines)):
        line = lines[end]
        core = line.strip(" ")
        if not (core.startswith(marker) and core == marker[0] * len(core)):
            continue
        if core != line:  # a closing fence with spaces around it: leave it to markdown-it
            return -1
        code = Token("fence", "code", 0, map=[first, end + 1], markup=marker, block=True)
        code.info = info
        code.content = "".join(f"{text}\n" for text in lines[first + 1 : end])
        tokens.append(code)
        return end + 1
    return -1


def _block(
    tokens: list[Token],
    kind: str,
    tag: str,
    markup: str,
    first: int,
    end: int,
    lines: list[str],
    content: str | None = None,
) -> None:
    opening = Token(f"{kind}_open", tag, 1, map=[first, end], markup=markup, block=True)
    inline = Token("inline", "", 0, map=[first, end], level=1, block=True, children=[])
    inline.content = "\n".join(lines[first:end]).strip() if content is None else content
    closing = Token(f"{kind}_close", tag, -1, markup=markup, block=True)
    tokens += [opening, inline, closing]
