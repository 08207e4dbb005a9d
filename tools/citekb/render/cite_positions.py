"""Where each citation of a page stands for a note style (CSL ``position``): a work's first
note gives its full form, a later one its short form, and a citation right after one of the
same work "Ibid." (with the new locator, if any)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from citekb.render import richtext as rt

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from citekb.core.model import Citation
    from citekb.render.citeset import References
    from citekb.render.formatted import Formatted
    from citekb.render.richtext import Rich


class Position(Enum):
    """A citation's position, as CSL names them."""

    FIRST = "first"
    SUBSEQUENT = "subsequent"
    IBID = "ibid"  # the same work as the citation just before, and no locator lost
    IBID_SAME = "ibid-same"  # ... at the same locator: "Ibid." alone


def note_positions(notes: Iterable[Sequence[Citation]], refs: References) -> dict[int, Position]:
    """The position of every citation (by offset) of a page's notes, each note's citations
    in the order they are printed. CSL: "ibid" when the citation before is of the same work,
    in the same note, or alone in the note before; "subsequent" for any other repeat."""
    out: dict[int, Position] = {}
    seen: set[str] = set()
    previous: Citation | None = None
    alone = False  # the note before held one citation
    for note in notes:
        for index, citation in enumerate(note):
            if citation.key not in refs:
                previous = None
                continue
            if citation.key not in seen:
                out[citation.offset] = Position.FIRST
            elif previous is not None and previous.key == citation.key and (index or alone):
                out[citation.offset] = _ibid(previous.locator.strip(), citation.locator.strip())
            else:
                out[citation.offset] = Position.SUBSEQUENT
            seen.add(citation.key)
            previous = citation
        alone = len(note) == 1
    return out


def _ibid(before: str, now: str) -> Position:
    if before and not now:  # "Ibid." would point at the page cited before
        return Position.SUBSEQUENT
    return Position.IBID_SAME if before and before == now else Position.IBID


def later_body(
    item: Formatted, citation: Citation, position: Position | None, locator: str, first: bool
) -> Rich | None:
    """A later form of ``item`` with its locator, or None for the full form; ``first``: the
    citation opens its note, so "ibid." is capitalised (unless a prefix runs into it)."""
    later = item.later
    if later is None or position is None or position is Position.FIRST:
        return None
    if later.ibid == later.subsequent:  # a style without "ibid": its short form
        position = Position.SUBSEQUENT
    if position is Position.SUBSEQUENT:
        body = (*later.subsequent_at, locator) if locator else later.subsequent
    elif position is Position.IBID and locator:
        body = (*later.ibid_at, locator)
    else:
        body = later.ibid
    body = rt.normalize(body)
    if position is not Position.SUBSEQUENT and _starts_sentence(citation.prefix, first):
        body = _capitalised(body)
    return body


def _starts_sentence(prefix: str, first: bool) -> bool:
    """A citation opens a sentence: first in its note without a prefix, or after a prefix
    that ends one ("As shown above. Ibid."; one word, "Cf.", is an abbreviation)."""
    prefix = prefix.strip().rstrip("\"'\u201d\u2019)]")
    if not prefix:
        return first
    return prefix[-1] in ".!?" and len(prefix.split()) > 1


def _capitalised(rich: Rich) -> Rich:
    """The first letter upper-cased, formatting kept: "ibid." -> "Ibid."."""
    if not rich:
        return rich
    head, rest = rich[0], rich[1:]
    if isinstance(head, str):
        return (head[:1].upper() + head[1:], *rest)
    return (rt.Span(head.tag, _capitalised(head.children), head.href), *rest)
