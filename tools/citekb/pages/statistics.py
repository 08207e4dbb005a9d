"""Statistic provenance: every number a page states must be cited, and match its source.

The page is reduced to its prose: paragraphs, list items, blockquotes and table body rows,
found with markdown-it's line maps. Everything else (front matter, headings, code, HTML,
link targets, citation brackets, list markers) is blanked to spaces, so every offset in the
reduced text is an offset in the page. The prose is split into sentences (a table row is one
sentence) and searched for statistics with one compiled regex. A citation belongs to the
sentence holding its ``@``; a bracket that follows the full stop belongs to the sentence before.

Matching a statistic against the evidence records is ``statcheck``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citekb.pages.blocks import block_tokens
from citekb.pages.citations import line_starts
from citekb.pages.spans import Closers, CodeSpans

__all__ = [
    "WORD_NUMBERS",
    "Block",
    "Sentence",
    "Statistic",
    "cited_statistics",
    "find_statistics",
    "prose",
    "split_sentences",
]

if TYPE_CHECKING:
    from collections.abc import Sequence

    from markdown_it.token import Token

    from citekb.core.model import Citation

# --- number words ------------------------------------------------------------------------

_UNITS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
_UNITS += "fifteen sixteen seventeen eighteen nineteen"
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
WORD_NUMBERS: dict[str, int] = {w: i for i, w in enumerate(_UNITS.split(), 1)}
for _i, _ten in enumerate(_TENS, 2):
    WORD_NUMBERS[_ten] = _i * 10
    for _j, _unit in enumerate(_UNITS.split()[:9], 1):
        WORD_NUMBERS[f"{_ten}-{_unit}"] = _i * 10 + _j
WORD_NUMBERS["hundred"] = 100

_WORD = "|".join(sorted((w.replace("-", "[- ]") for w in WORD_NUMBERS), key=len, reverse=True))
# A number that is not part of a longer one; thousands may be grouped by commas or spaces.
_NUM = r"(?<![\w.,])(?:\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3}(?![\d]))+|\d+)(?:\.\d+)?(?![\d])"
_NUM_OR_WORD = rf"(?:{_NUM}|(?i:\b(?:{_WORD})\b))"
_PCT = r"(?:\s?%|\s?(?i:per\s?cent)\b)"
_RANGE = r"\s*(?:–|—|-|(?i:to\b))\s*"
# Plural only: "the 2015 study" names a paper, "148 studies" counts them.
_NOUNS = (
    "people persons adults children adolescents teenagers youths men women participants "
    "patients subjects respondents individuals students couples families households volunteers "
    "veterans employees workers Americans residents members deaths cases events studies trials "
    "papers articles cohorts datasets samples surveys countries meta-analyses reviews definitions"
)
_NOUN = "|".join(_NOUNS.split())
_STOP = "the|a|an|of|and|or|in|on|at|to|for|with|by|from|that|which|who|were|was|is|are|had|have"
_RATIO_NAME = (
    r"(?P<rname>\b(?:a?OR|RR|HR|IRR)s?\b"
    r"|(?i:\b(?:(?:adjusted|pooled)\s+)?(?:odds|risk|hazard|rate)\s+ratios?\b|\brelative\s+risks?\b))"
)

_STATISTIC = re.compile(
    # "95% CI" with no interval after it is not a percent: consumed and dropped.
    rf"(?P<ci>(?:(?:9[059]|99){_PCT}\s*)?(?:\bCI\b|(?i:\bconfidence\s+intervals?\b))"
    rf"\s*[:=,]?\s*(?:(?i:of|was|from)\s+)?[\[(]?\s*(?P<clo>{_NUM})\s*%?"
    rf"\s*(?:–|—|-|,|;|(?i:to\b))\s*(?P<chi>{_NUM})(?:\s?%)?)"
    rf"|(?P<ciword>(?:9[059]|99){_PCT}\s*(?:\bCI\b|(?i:\bconfidence\b)))"
    rf"|{_RATIO_NAME}(?:\s*\((?:a?OR|RR|HR)\))?\s*(?:[:=≈]|(?i:\b(?:of|was|were|is|equal\s+to)\b))?"
    rf"\s*(?:(?i:about|approximately|around|roughly|nearly|almost|~)\s*)?(?P<ratio>{_NUM})"
    rf"|(?P<plo>{_NUM}){_PCT}?{_RANGE}(?P<phi>{_NUM}){_PCT}"
    rf"|(?P<pct>{_NUM_OR_WORD}){_PCT}"
    rf"|(?i:(?:(?<![\w.,])1|\bone)(?:\s+|-)(?:in|out\s+of)(?:\s+|-)(?:every\s+)?)"
    rf"(?P<onein>{_NUM_OR_WORD})"
    rf"|(?P<twice>(?i:\btwice|\bthrice))(?=\s+(?i:as|the|more)\b)"
    rf"|(?P<times>{_NUM_OR_WORD})(?:-(?i:fold)\b|\s?×|(?:\s+|-)(?i:times|fold)\b"
    r"(?=\s+(?i:as|more|less|higher|greater|lower|larger|smaller|likelier|the|increased"
    r"|decreased|increase|risk|odds|likely)\b))"
    rf"|(?P<count>{_NUM})(?:\s+(?P<scale>(?i:thousand|million|billion))\b)?"
    rf"(?P<between>(?:\s+(?!(?i:{_STOP})\b)[A-Za-z][\w-]*){{0,2}}?)\s+(?P<noun>{_NOUN})\b"
    rf"|(?P<scaled>{_NUM})\s+(?P<sscale>(?i:million|billion))\b"
    rf"|\b[Nn]\s*=\s*(?P<nis>{_NUM})",
)
# Every statistic starts at a digit or at one of these words, or up to two words before a
# ``unit`` word. Scanning for them is far faster than ``_STATISTIC.finditer``; a leading
# character class, with the rest checked by look-behind, lets the engine skip most text.
_TRIGGER = re.compile(
    r"[\dTtOoaRHICNn](?:(?<=\d)\d*|(?<=[Tt])(?:wice|hrice)|(?<=[Oo])ne[\s-]+(?:in|out)\b"
    r"|(?<=a)OR\b|(?<=O)R\b|(?<=[RH])R\b|(?<=I)RR\b|(?<=C)I\b|(?<=[Nn])\s*=)"
    r"|(?P<unit>[PpTtFfOoRrHhCc](?:(?<=[Pp])er\s?cent|(?<=[Tt])imes|(?<=[Ff])old|(?<=[Oo])dds"
    r"|(?<=[Rr])(?:isk|atio|elative)|(?<=[Hh])azard|(?<=[Cc])onfidence))"
)
_WORD_START = re.compile(r"(?<![A-Za-z])[A-Za-z]")
# Every statistic holds a digit or, after a word boundary, a number word, "twice" or
# "thrice". The stems below begin each of those words; ``_may_state`` looks for them first.
_FIRST_WORDS = {w.split("-")[0] for w in WORD_NUMBERS} | {"twice", "thrice"}
_NUMBER_STEMS = tuple(  # "four" covers "fourteen"
    sorted(w for w in _FIRST_WORDS if not any(o != w and w.startswith(o) for o in _FIRST_WORDS))
)
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(rf"(?i:\b(?:{'|'.join(_NUMBER_STEMS)}))")
_HEDGE = re.compile(
    r"(?i:\b(?:about|around|approximately|approx\.|roughly|nearly|almost|some|circa|ca\.|over"
    r"|up\s+to|more\s+than|less\s+than|fewer\s+than|under|at\s+least|at\s+most|an\s+estimated"
    r"|estimated)|~|≈)\s*$"
)
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
#: How much a hedge ("about", "nearly") widens the tolerance, as a share of the written value.


@dataclass(frozen=True, slots=True)
class Statistic:
    """A statistic found in prose; ``start``/``end`` are offsets into the page text.

    ``values`` holds one number, or two for a range or confidence interval, each with its
    rounding ``tolerances`` (half a unit of the last written digit).
    """

    kind: str  # percent | ratio | ci | times | one-in-n | count
    values: tuple[float, ...]
    tolerances: tuple[float, ...]
    start: int
    end: int
    text: str
    measure: str = ""  # OR, RR or HR for a ratio
    hedged: bool = False


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of prose: ``start``/``end`` offsets into the page text."""

    start: int
    end: int


def _parse_number(raw: str) -> tuple[float, float]:
    """Value and half-unit tolerance of a written number ("3.40" → 3.4, 0.005)."""
    word = re.sub(r"[- ]+", "-", raw.strip().lower())
    if word in WORD_NUMBERS:
        return float(WORD_NUMBERS[word]), 0.5
    digits = re.sub(r"[^\d.]", "", raw)
    decimals = len(digits) - digits.index(".") - 1 if "." in digits else 0
    return float(digits), 0.5 * 10.0**-decimals


def _ratio_measure(name: str) -> str:
    lowered = name.lower()
    if "odds" in lowered or lowered.startswith(("or", "aor")):
        return "OR"
    return "HR" if "hazard" in lowered or lowered.startswith("hr") else "RR"


def _statistic(match: re.Match[str], masked: str, text: str, floor: int) -> Statistic | None:
    get = match.group
    measure, kind = "", ""
    raws: tuple[str, ...]
    if get("ci") is not None:
        kind, raws = "ci", (get("clo"), get("chi"))
    elif get("ratio") is not None:
        kind, raws, measure = "ratio", (get("ratio"),), _ratio_measure(get("rname"))
    elif get("plo") is not None:
        kind, raws = "percent", (get("plo"), get("phi"))
    elif get("pct") is not None:
        kind, raws = "percent", (get("pct"),)
    elif get("onein") is not None:
        kind, raws = "one-in-n", (get("onein"),)
    elif get("twice") is not None:
        kind, raws = "times", ("two" if get("twice").lower() == "twice" else "three",)
    elif get("times") is not None:
        kind, raws = "times", (get("times"),)
    elif get("count") is not None:
        raw = get("count")
        if get("between") and not get("scale") and _YEAR.fullmatch(raw):
            return None  # "in 2015 British adults": a year, not a count
        kind, raws = "count", (raw,)
    elif get("scaled") is not None:
        kind, raws = "count", (get("scaled"),)
    elif get("nis") is not None:
        kind, raws = "count", (get("nis"),)
    else:
        return None  # "95% CI" with no interval
    parsed = [_parse_number(raw) for raw in raws]
    scale = (
        _SCALES.get((get("scale") or get("sscale") or "").lower(), 1.0) if kind == "count" else 1
    )
    values = tuple(v * scale for v, _ in parsed)
    tolerances = tuple(t * scale for _, t in parsed)
    start, end = match.span()
    hedged = bool(_HEDGE.search(masked, max(floor, start - 16), start))
    return Statistic(kind, values, tolerances, start, end, text[start:end], measure, hedged)


# --- prose --------------------------------------------------------------------------------

# Non-prose inside prose blocks. Each branch begins at one of the characters in the leading
# class and checks it by look-behind: the engine then skips plain text quickly. Comments and
# code spans match only their opener; ``_mask_all`` finds where they close (``spans``), since
# a regex that scans on to the closer is quadratic in openers without one. Every other branch
# stops at a character it cannot cross, or is possessive.
_INLINE_MASK = re.compile(
    r"[<`\[@\]h&\\|](?:"
    r"(?<=<)(?P<comment>!--)"  # comments
    r"|(?<=`)(?<!``)(?P<ticks>`*+)"  # a backtick run: code, within a paragraph
    r"|(?<=\[)[^\[\]@]*+@[^\[\]]*+\]"  # citation brackets, with their locators and prefixes
    r"|(?<![\w@]@)(?<=@)(?P<key>[\w{][\w:.#$%&+?<>~/{}-]*(?<![.:?]))(?:\s?\[[^\[\]\n]*+\])?"
    r"|(?<=\])\((?:[^()\s]|\([^()\s]*+\))*+(?:\s+\"[^\"]*\")?\s*\)"  # link targets
    r"|(?<=\])\[[^\[\]]*+\]"  # reference-link labels
    r"|(?<=\[)\^[^\[\]\s]++\]"  # footnote references
    r"|(?<=<)[A-Za-z/!][^<>\n]*+>"  # HTML tags and autolinks
    r"|(?<![\w]h)(?<=h)ttps?://\S+"
    r"|(?<=&)#?\w++;"
    r"|(?<=\\)\||(?<=\|)"  # table pipes
    r")"
)
_TAG = re.compile(r"<[A-Za-z/!][^<>\n]*+>")
_CONTAINER = re.compile(r"(?m:^(?:[ \t]*(?:>|[-*+:](?=[ \t])|\d{1,9}[.)](?=[ \t]|$)))+)")
# How every _CONTAINER match begins, at the start of the text or after a line feed; the
# second has a literal first character, which the regex engine skips to quickly.
_CONTAINER_FIRST = re.compile(r"[ \t]*[>*+:\d-]")
_CONTAINER_NEXT = re.compile(r"\n[ \t]*[>*+:\d-]")
# A sentence ends at . ! ? (with closing quotes or brackets) before an upper-case start.
# Possessive runs, tried only at the start of a run of stops: linear in a run of dots.
_BOUNDARY = re.compile(
    r"(?<![.!?…])(?P<dots>[.!?…]++)[\"'”’»)\]*_]*+(?P<gap>\s++)(?=[\"'“‘«(\[*_]*+[^\W_a-z])"
)
_ABBREVIATION = re.compile(
    r"(?i:\b(?:et\s+al|e\.g|i\.e|cf|vs|p|pp|ch|chap|fig|figs|no|nos|vol|vols|ed|eds|eq|sec|dr|mr"
    r"|mrs|ms|prof|st|jr|sr|inc|ltd|co|approx|ca|c|n\.d|ibid|op|cit|viz|resp|ref|refs|[a-z]))$"
)


def _blank(chunk: str) -> str:
    """Spaces in place of every character but line breaks, so offsets and lines survive."""
    if "\n" not in chunk:
        return " " * len(chunk)
    return "\n".join(" " * len(line) for line in chunk.split("\n"))


def _blank_match(match: re.Match[str]) -> str:
    return _blank(match.group())


def _mask_inline(match: re.Match[str]) -> str:
    chunk = match.group()
    key = match.group("key")
    if key:
        # An in-text citation reads as a word ("@hl2015 found …"), so it can start a sentence.
        return "A" + "a" * len(key) + _blank(chunk[len(key) + 1 :])
    return _blank(chunk)


def _mask_all(text: str) -> str:
    """``text`` with every ``_INLINE_MASK`` span blanked (in-text keys kept as a word)."""
    code = CodeSpans(text) if "`" in text else None
    comments = Closers(text, "-->")
    out: list[str] = []
    done = pos = 0
    while (match := _INLINE_MASK.search(text, pos)) is not None:
        start, end = match.span()
        if match["ticks"] is not None and code is not None:
            end = code.close(start, end - start)
            if end < 0:  # no closing run: the backticks are text
                pos = match.end()
                continue
            chunk = _blank(text[start:end])
        elif match["comment"] is not None:
            close = comments.find(end)
            if close >= 0:
                end = close + 3
            elif (tag := _TAG.match(text, start)) is not None:
                end = tag.end()  # "<!-- x >" with no "-->" after it: a tag
            else:
                pos = start + 1
                continue
            chunk = _blank(text[start:end])
        else:
            chunk = _mask_inline(match)
        out += [text[done:start], chunk]
        done = pos = end
    out.append(text[done:])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Block:
    """A prose block: a paragraph (split into sentences) or a table row (one sentence)."""

    start: int
    end: int
    split: bool


def prose(text: str, tokens: Sequence[Token] | None = None) -> tuple[str, tuple[Block, ...]]:
    """The page with everything but prose blanked (same length), and its prose blocks.

    ``tokens`` may be a block-level parse of ``text`` made with the same plugins (the citation
    scanner's), to save parsing the page twice.
    """
    masked, spans = _prose(text, tokens)
    return masked, tuple(Block(*span) for span in spans)


def _prose(
    text: str, tokens: Sequence[Token] | None = None
) -> tuple[str, list[tuple[int, int, bool]]]:
    """``prose`` with each block as (start, end, split): most pages need no Block records."""
    starts = line_starts(text)
    spans: list[tuple[int, int, bool]] = []
    in_head = False
    if tokens is None:
        tokens = block_tokens(text)  # the scanner's parse: same blocks
    for token in tokens:
        kind = token.type
        if kind == "paragraph_open" or (kind == "tr_open" and not in_head):
            if token.map:
                first, last = token.map
                end = starts[last] if last < len(starts) else len(text)
                spans.append((starts[first], end, kind == "paragraph_open"))
        elif kind == "thead_open" or kind == "thead_close":
            in_head = kind == "thead_open"
    blank = _blank(text)  # sliced below: blanking is character by character
    pieces: list[str] = []
    done = 0
    for start, end, _ in spans:
        if start < done:  # nested maps cannot overlap, but never trust that
            continue
        pieces += [blank[done:start], text[start:end]]
        done = end
    pieces.append(blank[done:])
    return _mask_all(_blank_containers("".join(pieces))), spans


def _blank_containers(text: str) -> str:
    """``_CONTAINER.sub(_blank_match, text)``, skipped when no line can start a marker."""
    if _CONTAINER_FIRST.match(text) is None and _CONTAINER_NEXT.search(text) is None:
        return text
    return _CONTAINER.sub(_blank_match, text)


def _sentences_in(masked: str, segment: Block) -> list[Sentence]:
    cuts = [segment.start]
    if segment.split:
        for m in _BOUNDARY.finditer(masked, segment.start, segment.end):
            if m["dots"] == "." and _ABBREVIATION.search(masked, max(0, m.start() - 8), m.start()):
                continue
            cuts += [m.start("gap"), m.end()]
    cuts.append(segment.end)
    out = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=True):
        chunk = masked[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            out.append(Sentence(start + lead, end - (len(chunk) - len(chunk.rstrip()))))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a page's prose, in order."""
    masked, segments = prose(text)
    return [s for segment in segments for s in _sentences_in(masked, segment)]


def _candidates(masked: str, segment: Block) -> list[int]:
    """Offsets where a statistic may start: a cheap scan that spares the full regex."""
    starts = set()
    for trigger in _TRIGGER.finditer(masked, segment.start, segment.end):
        starts.add(trigger.start())
        if trigger.group("unit"):
            # "twenty-nine percent", "pooled relative risk": try the two words before.
            floor = max(segment.start, trigger.start() - 40)
            words = [m.start() for m in _WORD_START.finditer(masked, floor, trigger.start())]
            starts.update(words[-2:])
    return sorted(starts)


def _statistics_in(masked: str, text: str, segment: Block) -> list[Statistic]:
    found = []
    done = segment.start
    for start in _candidates(masked, segment):
        if start < done:
            continue
        match = _STATISTIC.match(masked, start, segment.end)
        if match is None:
            continue
        done = match.end()
        stat = _statistic(match, masked, text, segment.start)
        if stat is not None:
            found.append(stat)
    return found


def _may_state(masked: str) -> bool:
    """False only when no statistic can start anywhere in ``masked`` (a cheap pre-check).

    In ASCII text ``\\d`` is 0-9, ``\\w`` is ``isalnum()`` or ``_``, and a case-insensitive
    match is a match in ``lower()``; other text (where "ſ" matches "s") uses the regexes.
    """
    if not masked.isascii():
        return (_DIGIT.search(masked) or _NUMBER_WORD.search(masked)) is not None
    if any(digit in masked for digit in "0123456789"):
        return True
    low = masked.lower()
    for stem in _NUMBER_STEMS:
        at = low.find(stem)
        while at >= 0:
            if at == 0 or not (low[at - 1].isalnum() or low[at - 1] == "_"):
                return True
            at = low.find(stem, at + 1)
    return False


def find_statistics(text: str) -> list[Statistic]:
    """Statistics stated in a page's prose, in order."""
    masked, segments = prose(text)
    if not _may_state(masked):
        return []
    return [s for segment in segments for s in _statistics_in(masked, text, segment)]


# --- statistics and their citations ----------------------------------------------------


def cited_statistics(
    text: str,
    citations: Sequence[Citation],
    tokens: Sequence[Token] | None = None,
    prosed: tuple[str, Sequence[tuple[int, int, bool]]] | None = None,
) -> tuple[tuple[Statistic, tuple[str, ...]], ...]:
    """Every statistic in the page's prose, with the keys cited in its sentence.

    This half of the check needs no evidence, so it runs once, where the page is parsed;
    ``prosed`` may be ``_prose(text, tokens)`` already worked out.
    """
    masked, spans = prosed if prosed is not None else _prose(text, tokens)
    if not _may_state(masked):
        return ()
    segments = [Block(*span) for span in spans]
    cites = sorted(citations, key=lambda c: c.offset)
    offsets = [c.offset for c in cites]
    out: list[tuple[Statistic, tuple[str, ...]]] = []
    for segment in segments:
        stats = _statistics_in(masked, text, segment)
        if not stats:
            continue
        sentences = _sentences_in(masked, segment)
        starts = [s.start for s in sentences]
        keys_by_sentence: list[list[str]] = [[] for _ in sentences]
        lo, hi = bisect_right(offsets, segment.start - 1), bisect_right(offsets, segment.end - 1)
        for cite in cites[lo:hi]:
            index = max(bisect_right(starts, cite.offset) - 1, 0)
            keys_by_sentence[index].append(cite.key)
        for stat in stats:
            keys = keys_by_sentence[max(bisect_right(starts, stat.start) - 1, 0)]
            out.append((stat, tuple(dict.fromkeys(keys))))
    return tuple(out)
