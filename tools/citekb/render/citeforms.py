"""Citation forms: a cluster composed from formatted works, as the style's layout asks.

Prefix, locator, suffix, suppress-author, narrative ``Author (2015)`` and same-author runs
``(Cacioppo & Hawkley, 2009a, 2009b)`` are built here from :class:`~citekb.render.style.Formatted`
records, so rendering a page never calls citeproc-py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from citekb.core.model import CitationMode
from citekb.render import richtext as rt
from citekb.render.cite_positions import later_body
from citekb.render.cite_ranges import Role, range_dash, range_roles

if TYPE_CHECKING:
    from collections.abc import Mapping

    from citekb.core.model import Citation, Cluster
    from citekb.render.cite_positions import Position
    from citekb.render.richtext import Rich
    from citekb.render.style import Formatted, References


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a rendered cluster: a citation of ``key`` (``known`` or not), or punctuation."""

    rich: Rich
    key: str = ""
    known: bool = True
    citation: Citation | None = None


def _locator(locator: str) -> str:
    return re.sub(r"(?<=\d)-{1,2}(?=\d)", "\u2013", locator.strip())


def _affixes(citation: Citation, body: Rich) -> Rich:
    prefix = citation.prefix.strip()
    suffix = citation.suffix.strip()
    out: list[rt.Node] = []
    if prefix:
        out.append(prefix + " ")
    out.extend(body)
    if citation.locator.strip():
        out.append(", " + _locator(citation.locator))
    if suffix:
        out.append(suffix if suffix[0] in ",;.:" else " " + suffix)
    return rt.normalize(tuple(out))


def cite_citation(
    citation: Citation, refs: References, position: Position | None = None, first: bool = False
) -> tuple[Rich, bool]:
    """One citation's text inside its cluster, and whether its key is known; a note style's
    ``position`` picks the short form or "ibid." (``first``: the citation opens its note)."""
    item = refs.get(citation.key)
    if item is None:
        return _affixes(citation, (f"@{citation.key}",)), False
    later = later_body(item, citation, position, _locator(citation.locator), first)
    if later is not None:
        return _affixes(replace(citation, locator=""), later), True
    if citation.mode is CitationMode.SUPPRESS_AUTHOR and item.year:
        body: Rich = (item.year,)
    else:
        body = item.cite
    plain = rt.to_text(body)
    if refs.layout.numeric and citation.locator.strip() and plain.endswith("]"):
        # a numeric style's locator goes inside its brackets: "[1, p. 5]"
        inner = rt.insert_text(body, len(plain) - 1, ", " + _locator(citation.locator))
        return _affixes(replace(citation, locator=""), inner), True
    return _affixes(citation, body), True


def ordered_citations(cluster: Cluster, refs: References) -> list[Citation]:
    """A cluster's citations in the order they are printed: as in the reference list when
    the style sorts its citations (unknown keys last)."""
    citations = list(cluster.citations)
    if refs.layout.sort and len(citations) > 1:
        rank = refs.rank
        citations.sort(key=lambda c: rank.get(c.key, len(rank)))  # stable: unknown keys last
    return citations


def render_cluster(
    cluster: Cluster, refs: References, positions: Mapping[int, Position] | None = None
) -> tuple[Piece, ...]:
    """Compose a cluster: ``(see A, 2015, p. 3; B, 2020a, 2020b)`` or narrative ``A (2015)``.

    As the style asks (APA does), works are ordered as in the reference list and a run of
    works by the same authors shares one author: ``(Cacioppo & Hawkley, 2009a, 2009b)``.
    A note style's ``positions`` (by citation offset) give later citations their short form.
    """
    first = cluster.citations[0] if cluster.citations else None
    if first is not None and first.mode is CitationMode.IN_TEXT and len(cluster.citations) == 1:
        return _narrative(first, refs)
    layout = refs.layout
    citations = ordered_citations(cluster, refs)
    positions = positions or {}
    pieces: list[Piece] = [Piece(rt.text(layout.prefix))]
    previous: Formatted | None = None  # the work whose author the next one may share
    roles = range_roles(citations, refs)
    for index, citation in enumerate(citations):
        item = refs.get(citation.key)
        if roles[index] is Role.INSIDE:  # inside a numeric range "1–3": only its anchor
            pieces.append(Piece((), citation.key, True, citation))
            continue
        if roles[index] is Role.END:
            rich, _ = cite_citation(citation, refs)
            pieces.append(Piece(range_dash(rich)))
        elif layout.collapse_year and _shares_author(previous, item, citation):
            assert item is not None
            pieces.append(Piece((", ",)))
            rich = _affixes(citation, (item.year,))
        else:
            if index:
                pieces.append(Piece(rt.text(layout.delimiter)))
            position = positions.get(citation.offset)
            rich, _ = cite_citation(citation, refs, position, first=not index)
        pieces.append(Piece(rich, citation.key, item is not None, citation))
        ends_clean = not citation.locator.strip() and not citation.suffix.strip()
        previous = item if ends_clean and citation.mode is CitationMode.NORMAL else None
    pieces.append(Piece(rt.text(layout.suffix)))
    return tuple(pieces)


def _shares_author(previous: Formatted | None, item: Formatted | None, citation: Citation) -> bool:
    if previous is None or item is None or citation.prefix.strip():
        return False
    if citation.mode is not CitationMode.NORMAL or not item.author or not item.year:
        return False
    return rt.to_text(previous.author) == rt.to_text(item.author)


def _narrative(citation: Citation, refs: References) -> tuple[Piece, ...]:
    item = refs.get(citation.key)
    if item is None:
        rich, _ = cite_citation(citation, refs)
        return (Piece(rich, citation.key, False, citation),)
    if not item.author or not item.year:  # numeric styles: no author/year split
        rich, _ = cite_citation(citation, refs)
        return (Piece(rich, citation.key, True, citation),)
    # APA: "&" joins authors inside parentheses, "and" in running text
    author = rt.map_text(item.author, lambda s: (s.replace(" & ", " and "),))
    inner = _affixes(replace(citation, prefix="", suffix=""), (item.year,))
    rich = rt.normalize(
        (
            *((citation.prefix.strip() + " ",) if citation.prefix.strip() else ()),
            *author,
            " (",
            *inner,
            *((" " + citation.suffix.strip(),) if citation.suffix.strip() else ()),
            ")",
        )
    )
    return (Piece(rich, citation.key, True, citation),)
