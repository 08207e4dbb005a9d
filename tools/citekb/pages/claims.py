"""Cited prose: the blocks of a page that cite something, and their sentences with the keys.

Blocks are kept where the page is parsed, from the same prose as the statistics (code, HTML,
links and citation brackets blanked), so the page is not parsed twice; they are cut into
sentences only when a check asks (``checks.wording`` does so only for blocks holding a word it
looks for). Linear in the page.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from citekb.pages.statistics import Block, _sentences_in

if TYPE_CHECKING:
    from collections.abc import Sequence

    from citekb.core.model import Citation

__all__ = ["CitedBlock", "cited_blocks", "cited_sentences"]

#: (start offset in the page, the block's prose, whether it splits into sentences,
#: ((offset in the page, key), …) of its citations)
CitedBlock = tuple[int, str, bool, tuple[tuple[int, str], ...]]


def cited_blocks(
    masked: str, spans: Sequence[tuple[int, int, bool]], citations: Sequence[Citation]
) -> tuple[CitedBlock, ...]:
    """Every prose block (paragraph, list item, table row) that holds a citation's ``@``."""
    if not citations:
        return ()
    offsets = [c.offset for c in citations]  # sorted by offset, as pages keep them
    out: list[CitedBlock] = []
    for start, end, split in spans:
        lo, hi = bisect_right(offsets, start - 1), bisect_right(offsets, end - 1)
        if lo < hi:
            cites = tuple((c.offset, c.key) for c in citations[lo:hi])
            out.append((start, masked[start:end], split, cites))
    return tuple(out)


def cited_sentences(block: CitedBlock) -> list[tuple[int, str, tuple[str, ...]]]:
    """(start offset in the page, sentence, cited keys) for each sentence of the block that
    cites something. A citation belongs to the sentence holding its ``@`` (a bracket after the
    full stop belongs to the sentence before, as for statistics)."""
    start, text, split, cites = block
    sentences = _sentences_in(text, Block(0, len(text), split))
    if not sentences:  # nothing but citations: no words to check
        return []
    starts = [s.start for s in sentences]
    keys: list[list[str]] = [[] for _ in sentences]
    for offset, key in cites:
        keys[max(bisect_right(starts, offset - start) - 1, 0)].append(key)
    return [
        (start + s.start, text[s.start : s.end], tuple(dict.fromkeys(found)))
        for s, found in zip(sentences, keys, strict=True)
        if found
    ]
