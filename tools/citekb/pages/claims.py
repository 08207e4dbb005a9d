"""Cited sentences: each prose sentence that holds a citation, with the keys it cites.

The wording checks (``checks.wording``) read these; they are found where the page is parsed,
from the same prose as the statistics (code, HTML, links and citation brackets blanked), so
the page is not parsed twice.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from citekb.pages.statistics import Block, _sentences_in

if TYPE_CHECKING:
    from collections.abc import Sequence

    from citekb.core.model import Citation

__all__ = ["cited_sentences"]


def cited_sentences(
    masked: str, spans: Sequence[tuple[int, int, bool]], citations: Sequence[Citation]
) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """(start offset, masked sentence, cited keys) for every sentence that cites something.

    A citation belongs to the sentence holding its ``@`` (a bracket after the full stop
    belongs to the sentence before, as for statistics). Linear in the page.
    """
    if not citations:
        return ()
    offsets = [c.offset for c in citations]  # sorted by offset, as pages keep them
    out: list[tuple[int, str, tuple[str, ...]]] = []
    for span in spans:
        lo, hi = bisect_right(offsets, span[0] - 1), bisect_right(offsets, span[1] - 1)
        if lo == hi:
            continue
        sentences = _sentences_in(masked, Block(*span))
        if not sentences:  # nothing but citations: no words to check
            continue
        starts = [s.start for s in sentences]
        keys: list[list[str]] = [[] for _ in sentences]
        for cite in citations[lo:hi]:
            keys[max(bisect_right(starts, cite.offset) - 1, 0)].append(cite.key)
        for sentence, found in zip(sentences, keys, strict=True):
            if found:
                text = masked[sentence.start : sentence.end]
                out.append((sentence.start, text, tuple(dict.fromkeys(found))))
    return tuple(out)
