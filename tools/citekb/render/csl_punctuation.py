"""CSL punctuation where pieces join, which citeproc-py reduces to dropping a doubled mark.

Two marks that meet where citeproc-py joins pieces (a field's last character and a suffix, a
suffix and a delimiter or prefix), also across closing formatting or quotes, are merged as
citeproc-js does (the suite's ``punctuation_FullMonty*`` tables): a doubled mark is one,
``.`` after ``:;!?`` and ``:`` after ``;!?`` are dropped, ``!`` or ``?`` replaces ``:`` or
``;``; anything else is kept (``.,``, ``?!``, ``.:``). With the locale's
``punctuation-in-quote``, the periods, commas, ``!`` and ``?`` that follow closing quotes move
inside them. French guillemets get their narrow no-break spaces.

:func:`install_seams` wraps citeproc-py's seam function; :func:`join_marks` is the pass on
the finished string that :func:`citekb.render.csl_flipflop.resolve` makes.
"""

from __future__ import annotations

import re
from typing import Any

_MARKS = ".,;:!?"
#: What a closing tag, a closing flip-flop marker (odd code points) looks like.
_CLOSERS = (
    r"(?:</(?:i|b|u|span|sup|sub)>|[\ue021\ue023\ue025\ue027\ue029\ue02b\ue02d\ue02f\ue031\ue033])*"
)
_Q_CLOSE = "\ue02b"
_TRAILING = re.compile(rf"{_CLOSERS}$")
_REPLACED = re.compile(rf"([:;])({_CLOSERS})([!?])")
_ENTITY = re.compile(r"&#?\w+$")
_INSIDE = re.compile(rf"({_CLOSERS}{_Q_CLOSE}{_CLOSERS})([.,!?]+)")
_GUILLEMETS = re.compile("\u00ab | \u00bb")


def merge(left: str, right: str) -> str:
    """Two marks that meet, merged: the CSL/citeproc-js table."""
    if left == right:
        return left
    if (right == "." and left in ":;!?") or (right == ":" and left in ";!?"):
        return left
    if right in "!?" and left in ":;":
        return right
    return left + right


def install_seams() -> None:
    """Wrap ``citeproc.string.normalize_seam`` (its joins of affixes and delimiters)."""
    from citeproc import model
    from citeproc import string as cstring

    if getattr(cstring, "_citekb_seams", False):
        return
    normalize_seam = cstring.normalize_seam

    def seam(left: Any, other: Any) -> Any:
        if isinstance(left, str) and not left:  # most affixes: nothing to join, nothing to
            return other  # render as text (a long rich text is costly to make a str)
        other = normalize_seam(left, other)
        first = str(other)[:1]
        if not first or first not in _MARKS:
            return other
        before = _TRAILING.sub("", str(left)[-40:])
        last = before[-1:]
        if last and last in _MARKS and merge(last, first) == last:
            if last == ";" and _ENTITY.search(before[:-1]):
                return other  # "&amp;" is no semicolon
            return cstring._strip_first_char(other)
        return other

    cstring.normalize_seam = model.normalize_seam = seam
    cstring._citekb_seams = True


def join_marks(html: str, quotes_inside: bool) -> str:
    """``html`` with the marks at every join merged (and moved inside closing quotes)."""
    if "\u00ab " in html or " \u00bb" in html:
        html = _GUILLEMETS.sub(lambda m: m.group().replace(" ", "\u202f"), html)
    if ":" in html or ";" in html:
        html = _REPLACED.sub(_replaced, html)
    if quotes_inside and _Q_CLOSE in html:
        html = _INSIDE.sub(_inside, html)
    return html


def _replaced(match: re.Match[str]) -> str:
    """ "Title:" then "!" -> "Title!" (not the semicolon of an entity, "&amp;!")."""
    left, closers, right = match.groups()
    if left == ";" and _ENTITY.search(match.string, 0, match.start()):
        return match.group()
    return right + closers


def _inside(match: re.Match[str]) -> str:
    closers, marks = match.groups()
    before = match.string[max(0, match.start() - 1) : match.start()]
    moved = marks
    if before and before in _MARKS:
        merged = merge(before, marks[0])
        moved = merged[1:] + marks[1:] if merged.startswith(before) else marks
    return moved + closers
