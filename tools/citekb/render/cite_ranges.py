"""Numeric styles' ranges (CSL ``collapse="citation-number"``): a run of three or more
consecutive numbers in a cluster shows its first and last, "1–3,5" or "[1]–[3], [5]"."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from citekb.core.model import CitationMode
from citekb.render import richtext as rt

if TYPE_CHECKING:
    from collections.abc import Sequence

    from citekb.core.model import Citation
    from citekb.render.citeset import References
    from citekb.render.richtext import Rich

#: A run shorter than this stays a list: "1, 2" (citeproc-js and the specification's example).
MIN_RUN = 3
DASH = "\u2013"


class Role(Enum):
    """A citation's place in a collapsed cluster."""

    ALONE = "alone"  # printed with the delimiter before it, as without collapsing
    START = "start"  # the first number of a range
    INSIDE = "inside"  # hidden inside a range (its anchor stays, for the backlinks)
    END = "end"  # the last number, after the dash


def range_roles(citations: Sequence[Citation], refs: References) -> list[Role]:
    """Each citation's role, for citations already sorted by number; every citation is
    ``ALONE`` unless the style collapses numbers."""
    roles = [Role.ALONE] * len(citations)
    if not (refs.layout.numeric and refs.layout.collapse_number):
        return roles
    rank = refs.rank
    start = 0
    while start < len(citations):
        end = start + 1
        if _plain(citations[start], refs):
            number = rank[citations[start].key]
            while (
                end < len(citations)
                and _plain(citations[end], refs)
                and rank[citations[end].key] == number + (end - start)
            ):
                end += 1
        if end - start >= MIN_RUN:
            roles[start] = Role.START
            roles[start + 1 : end - 1] = [Role.INSIDE] * (end - start - 2)
            roles[end - 1] = Role.END
        start = end
    return roles


def _plain(citation: Citation, refs: References) -> bool:
    """A bare numbered citation: known, no prefix, locator or suffix."""
    return (
        citation.key in refs.rank
        and citation.mode is CitationMode.NORMAL
        and not (citation.prefix.strip() or citation.locator.strip() or citation.suffix.strip())
    )


def range_dash(body: Rich) -> Rich:
    """The dash between a range's ends, superscript when the numbers are ("1–3")."""
    if len(body) == 1 and isinstance(body[0], rt.Span) and body[0].tag in ("sup", "sub"):
        return (rt.Span(body[0].tag, (DASH,)),)
    return (DASH,)
