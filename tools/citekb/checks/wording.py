"""Wording that matches the evidence: ``causal-language``, ``certainty-words``, ``missing-design``.

Each prose block that cites something (``Page.cited``, prose with code, links and citation
brackets blanked) is cut into words once; a set intersection with every list's first words
spares most blocks any further work (the rest are cut into sentences), and each match looks at most a few words either
side, so the scan is linear in the page. Word lists are data (``checks.claim_words``),
extended by the ``causal_verbs`` and ``certainty_words`` options.

A sentence is left alone when it is a question, sits in a block quote, or has the word inside
quotation marks; a causal phrase also when a hedge or negation ("may", "not", "whether")
comes shortly before it in its clause, and when any source the sentence cites rests on
randomised evidence (trials are cited for what they tested).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from citekb.checks import claim_words as words
from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.pages.citations import line_starts
from citekb.pages.claims import cited_sentences
from citekb.sources.design import DESIGN_LABELS, design_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from citekb.core.config import Config
    from citekb.pages.page import Page
    from citekb.sources.evidence import Evidence

__all__ = ["Match", "Matcher", "check_wording", "matcher"]

_WORD = re.compile(r"[\w%]+(?:['’-][\w%]+)*")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]| - ")
_GAP = 4  # words a "…" may stand for
_WINDOW = 12  # words before a verb, in its clause, searched for a hedge


@dataclass(frozen=True, slots=True)
class Match:
    """A flagged phrase: its kind (``causal`` or ``certainty``), its words, its offset."""

    kind: str
    phrase: str
    start: int


Slot = frozenset[str] | None  # None: the "…" gap


def _phrase(text: str) -> tuple[Slot, ...]:
    slots: list[Slot] = []
    for part in text.lower().replace("...", "…").split():
        slots.append(None if part == "…" else frozenset(p for p in part.split("|") if p))
    while slots and slots[-1] is None:
        slots.pop()
    return tuple(slots)


def _change_forms(base: str) -> tuple[str, str, str]:
    """Base, -s and -ed forms: "reduce" → reduces, reduced; "cut" → cuts, cut."""
    if base == "cut":
        return base, "cuts", "cut"
    past = base + "d" if base.endswith("e") else base + "ed"
    return base, base + "s", past


class Matcher:
    """Finds causal and certainty wording in a sentence; built once per word list."""

    def __init__(self, causal: Iterable[str], certainty: Iterable[str]) -> None:
        self.phrases: dict[str, list[tuple[str, tuple[Slot, ...]]]] = {}
        for kind, texts in (("causal", causal), ("certainty", certainty)):
            for text in texts:
                slots = _phrase(text)
                if slots and slots[0] is not None:
                    for first in slots[0]:
                        self.phrases.setdefault(first, []).append((kind, slots))
        self.change: dict[str, str] = {}  # form → "base" | "s" | "ed"
        for base in words.CHANGE_VERBS:
            b, s, ed = _change_forms(base)
            self.change.update({b: "base", s: "s"})
            self.change.setdefault(ed, "ed")
        self.triggers = frozenset(self.phrases) | frozenset(self.change)

    def may_match(self, text: str) -> bool:
        """Whether ``text`` holds a word of the lists (one scan, at C speed)."""
        return not self.triggers.isdisjoint(_WORD.findall(text.lower()))

    def find(self, sentence: str) -> list[Match]:
        """Every causal or certainty phrase in one sentence, in order."""
        low = sentence.lower()
        if low.rstrip(" *_\"'”’)").endswith("?"):
            return []
        if not self.may_match(low):
            return []  # most sentences
        tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(low)]
        out: list[Match] = []
        attributed = False
        quotes = _Quotes(sentence)
        for i, (token, start, _) in enumerate(tokens):
            attributed = attributed or token in words.ATTRIBUTIONS
            if token not in self.triggers or quotes.inside(start):
                continue
            found = self._at(tokens, i, low)
            if found is not None and not (attributed and found[0] == "causal"):
                out.append(Match(found[0], found[1], start))
        return out

    def _at(
        self, tokens: Sequence[tuple[str, int, int]], i: int, low: str
    ) -> tuple[str, str] | None:
        token = tokens[i][0]
        for kind, slots in self.phrases.get(token, ()):
            end = _match(slots, tokens, i)
            if end is None:
                continue
            phrase = low[tokens[i][1] : tokens[end - 1][2]]
            if kind == "certainty":
                if _before(tokens, i, low, 1) & words.SOFTENERS:
                    continue
                return kind, phrase
            if self._verb(tokens, i, low, single=len(slots) == 1):
                return kind, phrase
        form = self.change.get(token)
        if form is not None and self._change(tokens, i, low, form):
            return "causal", token
        return None

    def _verb(self, tokens: Sequence[tuple[str, int, int]], i: int, low: str, single: bool) -> bool:
        """A causal phrase used as an unhedged verb (not "the causes of", "may lead to")."""
        before = _before(tokens, i, low, _WINDOW)
        if before & words.HEDGES:
            return False
        prev = _before_list(tokens, i, low, 2)
        if prev and prev[-1] in words.NOUN_BEFORE:
            return False
        if prev and prev[-1] == "to" and (len(prev) < 2 or prev[-2] not in words.CLAIM_BEFORE_TO):
            return False  # "designed to prevent": an aim, not a result
        return not (single and i + 1 < len(tokens) and tokens[i + 1][0] == "of")

    def _change(self, tokens: Sequence[tuple[str, int, int]], i: int, low: str, form: str) -> bool:
        """A verb of change with an object: "reduced loneliness", not "rose with age"."""
        if not self._verb(tokens, i, low, single=True):
            return False
        nxt = (
            tokens[i + 1][0]
            if i + 1 < len(tokens) and not _break(low, tokens[i][2], tokens[i + 1][1])
            else ""
        )
        prev = _before_list(tokens, i, low, 1)
        if prev and prev[-1][:1].isdigit():
            return False  # "a 29% increase"
        if prev and form == "base" and prev[-1] in words.PREPOSITIONS:
            return False  # "with lower grades"
        if prev and prev[-1] in words.BE_FORMS:
            return nxt == "by"  # "was reduced by the programme", not "was reduced in"
        if not nxt or nxt in words.INTRANSITIVE_NEXT:
            return False
        if form == "ed" and nxt not in words.DETERMINERS:
            return not (not prev or prev[-1] in words.ADJECTIVE_BEFORE)
        return True


def _match(slots: Sequence[Slot], tokens: Sequence[tuple[str, int, int]], i: int) -> int | None:
    """The index after a phrase matched at ``tokens[i]``, or None; each gap is bounded."""
    at = i
    gap = 0
    for slot in slots:
        if slot is None:
            gap = _GAP
            continue
        limit = min(len(tokens), at + gap + 1)
        while at < limit and tokens[at][0] not in slot:
            at += 1
        if at >= limit:
            return None
        at += 1
        gap = 0
    return at


def _break(low: str, start: int, end: int) -> bool:
    return _CLAUSE_BREAK.search(low, start, end) is not None


def _before_list(tokens: Sequence[tuple[str, int, int]], i: int, low: str, n: int) -> list[str]:
    """Up to ``n`` words before ``tokens[i]`` in its clause, in order."""
    out: list[str] = []
    j = i - 1
    while j >= 0 and len(out) < n and not _break(low, tokens[j][2], tokens[j + 1][1]):
        out.append(tokens[j][0])
        j -= 1
    return out[::-1]


def _before(tokens: Sequence[tuple[str, int, int]], i: int, low: str, n: int) -> set[str]:
    return set(_before_list(tokens, i, low, n))


class _Quotes:
    """Whether an offset lies inside "…" or “…”, asked at rising offsets (linear overall)."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.done = 0
        self.straight = 0  # '"' seen so far
        self.curly = False  # inside “…”

    def inside(self, at: int) -> bool:
        for char in _QUOTE.findall(self.sentence, self.done, at):
            if char == '"':
                self.straight += 1
            else:
                self.curly = char == "“"
        self.done = max(self.done, at)
        return self.straight % 2 == 1 or self.curly


_QUOTE = re.compile(r'["“”]')
_BLOCKQUOTE = re.compile(r"[ \t]{0,3}>")


@lru_cache(maxsize=8)
def matcher(causal: tuple[str, ...] = (), certainty: tuple[str, ...] = ()) -> Matcher:
    """The built-in lists plus a knowledge base's own words."""
    return Matcher(words.CAUSAL_PHRASES + causal, words.CERTAINTY_WORDS + certainty)


def _position(starts: Sequence[int], offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``, given each line's first offset."""
    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _in_blockquote(text: str, starts: Sequence[int], offset: int) -> bool:
    """Whether the line holding ``offset`` starts with ``>`` (prose of a block quote)."""
    start = starts[bisect_right(starts, offset) - 1]
    return _BLOCKQUOTE.match(text, start, offset) is not None


def check_wording(
    pages: Sequence[Page], evidence: Evidence | None, config: Config
) -> list[Diagnostic]:
    """``certainty-words`` in every cited sentence; ``causal-language`` where the evidence is
    not randomised; ``missing-design`` once per undecided record such a sentence cites."""
    words_of = matcher(config.causal_verbs, config.certainty_words)
    find = words_of.find
    out: list[Diagnostic] = []
    undecided: dict[str, tuple[str, int, str]] = {}
    for page in pages:
        starts: list[int] = []
        sentences = [
            s
            for block in page.cited
            if words_of.may_match(block[1])
            for s in cited_sentences(block)
        ]
        for start, sentence, keys in sentences:
            found = find(sentence)
            if not found:
                continue
            starts = starts or line_starts(page.text)
            if _in_blockquote(page.text, starts, start):
                continue
            for match in found:
                line, column = _position(starts, start + match.start)
                if match.kind == "certainty":
                    out.append(_certainty(page.path, line, column, match.phrase))
                elif evidence is not None:
                    out += _causal(page.path, line, column, match.phrase, keys, evidence, undecided)
    if evidence is not None:
        out += [_missing_design(key, evidence, where) for key, where in undecided.items()]
    return out


def _certainty(path: str, line: int, column: int, phrase: str) -> Diagnostic:
    return diagnostic(
        Code.CERTAINTY_WORDS,
        path,
        line,
        column,
        f"`{phrase}` states certainty that cited research rarely gives",
        'Say what the study found ("in this study, …", "most people who …") without '
        "`always`, `never`, `proves` or `definitely`, or silence it with "
        "`<!-- citekb: ignore certainty-words -- why -->`.",
    )


def _causal(
    path: str,
    line: int,
    column: int,
    phrase: str,
    keys: Sequence[str],
    evidence: Evidence,
    undecided: dict[str, tuple[str, int, str]],
) -> list[Diagnostic]:
    designs: dict[str, str] = {}
    for key in keys:
        record = evidence.get(key)
        if record is None:
            return []  # missing-evidence says so
        design = design_of(record)
        if design is None:
            undecided.setdefault(key, (path, line, phrase))
            return []
        designs[key] = design
    if "randomised" in designs.values():
        return []
    rests = ", ".join(f"`{k}` ({DESIGN_LABELS[d]})" for k, d in designs.items())
    message = f"`{phrase}` claims cause and effect, but it cites {rests}"
    hint = (
        'Word it as an association: "is linked with …", "people who … were more likely to '
        '…"; or cite a randomised trial of the effect; or, if the source itself shows the '
        "effect, add `<!-- citekb: ignore causal-language -- why -->`."
    )
    return [diagnostic(Code.CAUSAL_LANGUAGE, path, line, column, message, hint)]


def _missing_design(key: str, evidence: Evidence, where: tuple[str, int, str]) -> Diagnostic:
    record = evidence.get(key)
    path, line, phrase = where
    kind = record.label if record else "record"
    return diagnostic(
        Code.MISSING_DESIGN,
        evidence.path,
        record.line if record else 0,
        1,
        f"`{key}` is a {kind} with no `design:`, so `causal-language` cannot tell whether "
        f"`{phrase}` at {path}:{line} rests on trials",
        "Add `design: randomised` (it pools trials) or `design: observational` (cohort, "
        "case-control or cross-sectional studies) to the record.",
    )
