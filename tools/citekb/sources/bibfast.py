"""A fast path for bibtexparser's splitter on plain entries.

bibtexparser v2's splitter walks a bib file mark by mark in Python. Most entries are plain: a
line that starts ``@type{key,``, fields ``name = value`` whose values are braced groups or bare
words, and a closing ``}`` that ends its line. One regular expression reads such an entry whole,
with exactly the key, fields, lines and raw text that the splitter gives it; everything else
(comments, @string, quoted values, a ``@`` that could start a block, a broken entry, and the
text between entries) goes to the splitter itself, a stretch at a time.

Why the stretches can be split apart: the splitter starts a new block at every ``@type{`` at the
start of a line, whatever state it is in (a block still open there is aborted), and a plain
entry leaves it where it started, between blocks. So a stretch that ends just before a plain
entry is split with that entry's opening ``@type{`` kept at its end, as the splitter sees it;
the block that opening starts is dropped. A stretch starts at a line start, as a file does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Plain", "Stretch", "split_plain"]

# A backslash takes the mark away from the character after it (the splitter's `(?<!\\)`); a
# backslash before a newline or an `@` is left to the splitter.
_ESC = r"\\++[^\\\n@]"
# An `@` that cannot start a block (the splitter's block start is `@\w*[ \t]*` before `{` or `(`).
_AT = r"@(?![\w]*[ \t]*[{(])"
_GROUP = r"\{(?:[^{}@\\]++|" + _ESC + "|" + _AT + r")*+\}"
for _ in range(3):  # braces nested up to four deep
    _GROUP = r"\{(?:[^{}@\\]++|" + _ESC + "|" + _AT + "|" + _GROUP + r")*+\}"
_NAME = r'[^{}",=@\\]*+'  # up to the `=`: no other mark
# Within quotes only a `"` is a mark, unless `{"}` (then the splitter reads on): left to it.
_QUOTED = r'"(?:[^"@\\]++|' + _ESC + "|" + _AT + r')*+(?<!\{)"'
_VALUE = r'(?:[^{}",@\\]++|' + _ESC + "|" + _AT + "|" + _GROUP + "|" + _QUOTED + r")*+"
_FIELD = "(?>" + _NAME + "=" + _VALUE + ")"
_ENTRY = re.compile(
    r"@(\w+)\{(" + _NAME + r")," + "(?:" + _FIELD + ",)*+(?:" + _FIELD + r"|\s*+)\}[ \t]*+(?:\n|\Z)"
)
_ONE_FIELD = re.compile("(" + _NAME + ")=(" + _VALUE + ")[,}]")
# Block types the splitter handles otherwise (it compares the mark's start, lower-cased).
_SPECIAL = ("comment", "preamble", "string")


class Plain(NamedTuple):
    """A plain entry, as the splitter reads it (lines 0-based, in the file)."""

    line: int
    raw: str
    key: str
    type: str  # lower-case
    fields: tuple[tuple[str, str, int], ...]  # (name, value as written, line of its `=`)


class Stretch(NamedTuple):
    """Text between plain entries, for the splitter; ``opening``: it ends with the ``@type{``
    of the next plain entry, whose block (cut short by the end of the stretch) is not wanted."""

    text: str
    line: int  # 0-based line of its start in the file
    opening: bool


def _plain(text: str, at: int, line: int) -> tuple[int, Plain] | None:
    """The plain entry at ``at`` (a line start, on line ``line``) and where it ends; else None."""
    match = _ENTRY.match(text, at)
    if match is None or match.group(1).lower().startswith(_SPECIAL):
        return None
    end = match.end()
    close = text.rindex("}", at, end)
    here = line + match.group(2).count("\n")  # the line of the `,` after the key
    fields = []
    for name, value in _ONE_FIELD.findall(text, match.end(2) + 1, close + 1):
        here += name.count("\n")  # a field's line is that of its `=`
        fields.append((name.strip(), value.strip(), here))
        here += value.count("\n")
    raw = text[at : close + 1]
    return end, Plain(line, raw, match.group(2).strip(), match.group(1).lower(), tuple(fields))


def _starts(text: str, pos: int) -> int:
    """The first line start at or after ``pos`` (itself a line start) with an `@`; -1: none."""
    if text.startswith("@", pos):
        return pos
    found = text.find("\n@", pos)
    return found + 1 if found >= 0 else -1


def split_plain(text: str, first_line: int = 0) -> list[Plain | Stretch]:
    """``text`` (which starts at line ``first_line`` of its file) as plain entries and the
    stretches between them, in order; stretches without an `@` (no block) are left out."""
    out: list[Plain | Stretch] = []
    line = first_line  # the line of ``pos``
    pos = start = 0  # ``start``: where the stretch not yet given out starts, on ``start_line``
    start_line = first_line
    at = _starts(text, 0)
    while at >= 0:
        line += text.count("\n", pos, at) - text.count("\\\n", pos, at)
        pos = at
        found = _plain(text, at, line)
        if found is None:
            at = text.find("\n@", at) + 1 or -1
            continue
        end, entry = found
        if "@" in text[start:at]:
            out.append(Stretch(text[start : text.index("{", at) + 1], start_line, True))
        out.append(entry)
        line += text.count("\n", at, end)
        pos = start = end
        start_line = line
        at = _starts(text, end) if end < len(text) else -1
    if "@" in text[start:]:
        out.append(Stretch(text[start:], start_line, False))
    return out
