"""The ``reading-level`` check: the Flesch-Kincaid grade of each handout's prose.

NIH and AMA advise grade 6–8 for patient material, so pages with ``handout: true`` are held to
the configured ``reading_level`` (8 by default).

Offline and deterministic by design: textstat 0.7's English syllable counter looks words up in
NLTK's CMU dictionary and calls ``nltk.download`` when it is missing, which fails offline
(``LookupError``) and would make the grade depend on what happens to be installed. So words and
sentences are counted by textstat (``lexicon_count``, ``sentence_count``: no dictionary needed;
textstat skips "sentences" of one or two words), and syllables by Pyphen's bundled ``en_US``
hyphenation patterns, counted the way textstat's own fallback counts them (hyphenation points
+ 1). Pyphen slightly undercounts next to the CMU dictionary, so grades run a little low. The
formula is textstat's: ``0.39 * words/sentences + 11.8 * syllables/words - 15.59``. Nothing here
touches the network.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.pages.page import markdown_parser

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from citekb.core.model import Citation
    from citekb.pages.page import Page

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_END = re.compile(r"[.!?:;][\"'”’)]*$")
_LOCATOR = re.compile(r"[ \t]*\[[^\[\]\n]*\]")  # the "[p. 3]" after an in-text citation
_PROSE_BLOCKS = {"paragraph_open", "list_item_open", "blockquote_open"}


@cache
def _hyphenator() -> Any:
    import pyphen  # type: ignore[import-untyped]

    return pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    """Syllables in one English word, from Pyphen's hyphenation points (at least 1)."""
    return len(_hyphenator().positions(word.lower())) + 1


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of plain prose (0.0 for empty text)."""
    import textstat

    words = int(textstat.lexicon_count(text))
    sentences = int(textstat.sentence_count(text))
    if not words or not sentences:
        return 0.0
    total = sum(syllables(w) for w in _WORD.findall(text))
    return 0.39 * words / sentences + 11.8 * total / words - 15.59


def reading_prose(page: Page) -> str:
    """The page's running prose: paragraphs and list items, without headings, code or citations.

    Each block ends a sentence, so a bullet without a full stop is not glued to the next one.
    Citations are the page's own (scanned once, with the configured cross-reference prefixes).
    """

    text = page.text
    for start, end in reversed(citation_spans(text, page.citations)):
        text = text[:start] + text[end:]
    blocks: list[str] = []
    inside = 0
    for token in markdown_parser().parse(text):
        if token.type in _PROSE_BLOCKS:
            inside += 1
        elif token.type.replace("_close", "_open") in _PROSE_BLOCKS and token.nesting == -1:
            inside -= 1
        elif token.type == "inline" and inside:
            words = "".join(
                " " if c.type in {"softbreak", "hardbreak"} else c.content
                for c in token.children or ()
                if c.type in {"text", "softbreak", "hardbreak"}
            )
            # a removed citation leaves "word ." behind
            words = re.sub(r"\s+(?=[.,;:!?])", "", " ".join(words.split()))
            if _WORD.search(words):
                blocks.append(words if _END.search(words) else words + ".")
    return " ".join(blocks)


def citation_spans(text: str, citations: Iterable[Citation]) -> list[tuple[int, int]]:
    """The source spans of the citations, merged: a whole ``[see @a, p. 3; @b]`` group, or an
    in-text ``@a`` with its ``[p. 3]``."""
    spans: list[tuple[int, int]] = []
    for citation in citations:
        at = citation.offset
        if text.startswith("@{", at):
            end = text.find("}", at) + 1 or at + 1
        else:
            end = at + 1 + len(citation.key)
        open_ = text.rfind("[", 0, at)
        close = text.find("]", end)
        if (
            open_ >= 0
            and close >= 0
            and not any(c in text[open_ + 1 : at] for c in "[]")
            and not any(c in text[end:close] for c in "[]")
            and "\n\n" not in text[open_:close]
        ):
            spans.append((open_, close + 1))
            continue
        after = _LOCATOR.match(text, end) if citation.locator or citation.suffix else None
        spans.append((at, after.end() if after else end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def check_reading_level(pages: Sequence[Page], maximum: float) -> list[Diagnostic]:
    """``reading-level`` for each ``handout: true`` page whose prose grade exceeds ``maximum``."""
    out: list[Diagnostic] = []
    for page in pages:
        if not page.is_handout:
            continue
        score = grade(reading_prose(page))
        if score > maximum:
            line = next((h.line for h in page.headings if h.level == 1), 1)
            out.append(
                diagnostic(
                    Code.READING_LEVEL,
                    page.path,
                    line,
                    1,
                    f"handout prose reads at grade {score:.1f}, above the maximum of {maximum:g}",
                    "use shorter sentences and everyday words (NIH and AMA advise grade 6-8)",
                )
            )
    return out
