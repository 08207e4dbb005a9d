"""Find pandoc citations (``[@key]``, ``@key [p. 3]``, ``[-@key]``) in Markdown pages.

markdown-it decides which source lines are prose (front matter, code, raw HTML and link
reference definitions are not); the prose of each block is then scanned with compiled regexes
that follow pandoc's ``citations`` grammar, so every citation keeps its exact line and column.

Unlike pandoc, it skips cross-references (``@fig-x``), ``@`` in bare URLs and e-mail addresses;
it follows CommonMark's blocks where pandoc's differ (see ``pandoc.py`` for the exceptions); and
emphasis never hides a ``]`` from it. The differences: ``manual/pandoc.md``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache, lru_cache
from itertools import accumulate, pairwise
from operator import add, attrgetter
from typing import TYPE_CHECKING

from citekb.core.model import DEFAULT_XREF_PREFIXES, Citation, CitationMode, Cluster
from citekb.pages.blocks import block_tokens
from citekb.pages.inline_mask import mask_inline
from citekb.pages.pandoc import examples as _examples
from citekb.pages.pandoc import split_locator as _split_locator

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from markdown_it.token import Token

__all__ = ["DEFAULT_XREF_PREFIXES", "block_tokens", "line_starts", "scan", "scan_clusters"]

# pandoc's citeKey: a word character, then word characters, with the punctuation below
# allowed only between word characters ("://" is allowed too, for URL-like keys).
_KEY = re.compile(r"[\w*](?:\w|[:.\#$%&\-+?<>~/](?=\w)|[:/](?=/))*+")
_BRACED_KEY = re.compile(r"\{((?:[^\s{}]|\{(?:[^\s{}]|\{[^\s{}]*\})*\})*)\}")
# Where citations or bracket groups may start, and the brackets/semicolons inside a group;
# written as literal alternatives (not "-?@"), which the regex engine skips to quickly.
_CANDIDATE = re.compile(r"\[|-@|@")
_SIMPLE_GROUP = re.compile(
    r"\[[^\[\]@;\-]*(-?@)([\w*](?:\w|[:.\#$%&\-+?<>~/](?=\w)|[:/](?=/))*+)[^\[\]@;]*\]"
)
_STRUCTURE = re.compile(r"\[|\]|;|@|-@")
_MAX_NESTING = 20
# An "@label" or a citation key that ends right before an "@" (see _after_word).
_LABEL_BEFORE = re.compile(r"@[\w\-]+\Z|(?<![\w.])@[\w:.#$%&\-+?<>~/]*\w\Z")
_BRACKETS = re.compile(r"[\[\]]")
# pandoc's spnl: optional spaces, at most one line break, optional spaces.
_SPNL_BRACKET = re.compile(r"[ \t]*(?:(?:\r\n?|\n)[ \t]*)?\[")
# "me_@example.org": pandoc would cite "example.org", but it is an e-mail address.
_EMAIL_AT = re.compile(r"[\w.%+\-]@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_NON_BREAK = re.compile(r"[^\r\n]")
_TABLE_PIPE = re.compile(r"(?<!\\)\|")


def scan_clusters(
    text: str,
    path: str = "",
    *,
    xref_prefixes: Sequence[str] = DEFAULT_XREF_PREFIXES,
    tokens: Sequence[Token] | None = None,
) -> list[Cluster]:
    """Every citation cluster in a Markdown page, in source order (outer before nested).

    ``tokens`` may be ``block_tokens(text)``, made once and shared with other readers.
    """
    if "@" not in text:
        return []
    if tokens is None:
        return list(_scan_cached(text, path, tuple(xref_prefixes)))
    return list(_scan(text, path, tuple(xref_prefixes), tokens))


@lru_cache(maxsize=1024)  # a live-reloading site rescans mostly unchanged pages
def _scan_cached(text: str, path: str, xref_prefixes: tuple[str, ...]) -> tuple[Cluster, ...]:
    return _scan(text, path, xref_prefixes, block_tokens(text))


def _scan(
    text: str, path: str, xref_prefixes: tuple[str, ...], tokens: Sequence[Token]
) -> tuple[Cluster, ...]:
    starts = line_starts(text)
    xref = _xref_pattern(xref_prefixes)
    examples = _examples(text, starts, tokens) if "@" in text else {}
    out: list[Cluster] = []
    for base, plain in _segments(text, starts, tokens):
        out.extend(_Scanner(plain, base, starts, path, xref, examples).run())
    out.sort(key=_START)  # stable: a cluster stays before those nested in it
    return tuple(out)


_START = attrgetter("start")
_OFFSET = attrgetter("offset")


@cache
def _xref_pattern(xref_prefixes: tuple[str, ...]) -> re.Pattern[str] | None:
    if not xref_prefixes:
        return None
    return re.compile(rf"(?:{'|'.join(map(re.escape, xref_prefixes))})[-:]")


def line_starts(text: str) -> list[int]:
    """Offset of each line, with line breaks as markdown-it counts them (CR, LF or CRLF)."""
    if "\r" in text:
        return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
    lines = text.split("\n")
    return list(map(add, accumulate(map(len, lines), initial=0), range(len(lines))))


def scan(
    text: str,
    path: str = "",
    *,
    xref_prefixes: Sequence[str] = DEFAULT_XREF_PREFIXES,
    tokens: Sequence[Token] | None = None,
) -> list[Citation]:
    """Every citation in a Markdown page, ordered by the position of its ``@``."""
    clusters = scan_clusters(text, path, xref_prefixes=xref_prefixes, tokens=tokens)
    return sorted((c for cl in clusters for c in cl.citations), key=_OFFSET)


def _segments(text: str, starts: list[int], tokens: Sequence[Token]) -> Iterator[tuple[int, str]]:
    """Yield (offset, text) of each prose block, container markers blanked out.

    The text has the length of its source span, so offsets carry over unchanged.
    """
    nlines = len(starts)
    in_table = False
    for tok in tokens:
        kind = tok.type
        if kind != "inline":
            if kind == "table_open":
                in_table = True
            elif kind == "table_close":
                in_table = False
            continue
        if tok.map is None or "@" not in tok.content:
            continue
        pieces: list[tuple[int, int]] = []
        for n, content in enumerate(tok.content.split("\n"), tok.map[0]):
            want = content.strip()
            if n >= nlines or not want:
                continue
            lo = starts[n]
            line = text[lo : starts[n + 1] if n + 1 < nlines else len(text)].rstrip("\r\n")
            stripped = line.rstrip()
            if not in_table and stripped.endswith(want):
                col = len(stripped) - len(want)
            else:
                col = line.find(want)
                if col < 0 and in_table:  # markdown-it unescapes "\|" in table cells
                    want = want.replace("|", "\\|")
                    col = line.find(want)
            if col < 0:  # content rewritten by markdown-it (tabs, NUL): keep the whole line
                pieces.append((lo, lo + len(line)))
            else:
                pieces.append((lo + col, lo + col + len(want)))
        if not pieces:
            continue
        if len(pieces) == 1:
            plain = text[pieces[0][0] : pieces[0][1]]
        else:
            parts = [text[pieces[0][0] : pieces[0][1]]]
            for (_, end), (a, b) in pairwise(pieces):
                parts += [_NON_BREAK.sub(" ", text[end:a]), text[a:b]]
            plain = "".join(parts)
        if in_table:  # a cell ends at an unescaped pipe, as in GFM and pandoc's pipe tables
            plain = _TABLE_PIPE.split(plain, 1)[0]
        yield pieces[0][0], plain


def _after_word(masked: str, i: int) -> bool:
    """True when position ``i`` directly follows a word, where pandoc allows no citation."""
    if i == 0:
        return False
    c = masked[i - 1]
    if c != "." and not (c.isalnum() and c != "_"):
        return False
    # pandoc reads "@label" (a citation, or an example reference when the "@" follows a word)
    # as one inline that is not a word, so "x@a@b" cites b.
    return _LABEL_BEFORE.search(masked, max(0, i - 200), i) is None


class _Scanner:
    """Scan one prose block; ``plain`` is the source text, ``masked`` hides non-prose."""

    def __init__(
        self,
        plain: str,
        base: int,
        starts: list[int],
        path: str,
        xref: re.Pattern[str] | None,
        examples: dict[str, int],
    ) -> None:
        self.plain = plain
        self.examples = examples
        self.masked = mask_inline(plain)
        self.base = base
        self.starts = starts
        self.path = path
        self.xref = xref
        self.n = len(plain)
        self.free = -1  # just after a citation, where "@" may follow without a space
        self.pairs: dict[int, int] | None = None
        self.depth = 0  # of citations nested in prefixes and suffixes

    def run(self, lo: int = 0, hi: int | None = None) -> list[Cluster]:
        """Clusters between ``lo`` and ``hi``, as pandoc's inline parser would find them."""
        hi = self.n if hi is None else hi
        out: list[Cluster] = []
        m = _CANDIDATE.search(self.masked, lo, hi) if self.depth <= _MAX_NESTING else None
        if m is None:
            return out
        self.depth += 1
        while m is not None:
            i = m.start()
            if self.masked.startswith("[^", i):  # a footnote reference: no citation inside
                close = self._close(i, hi)
                pos = i + 2 if close is None else close + 1
            else:
                found = self._bracket(i, hi) if m.group() == "[" else self._in_text(i, hi)
                if found is None:
                    pos = i + 1
                else:
                    out.extend(found[0])
                    self.free = found[1]
                    pos = max(found[1], i + 1)  # never scan the same place twice
            m = _CANDIDATE.search(self.masked, pos, hi) if pos < hi else None
        self.depth -= 1
        return out

    # -- keys ---------------------------------------------------------------------------------

    def _key_at(self, i: int, hi: int) -> tuple[int, str, bool, int] | None:
        """A key starting at ``i`` (``@`` or ``-@``): (offset of @, key, suppress, end)."""
        s = self.masked
        suppress = s[i] == "-"
        if suppress and i != self.free and (_after_word(s, i) or (i and s[i - 1] == "-")):
            return None  # pandoc reads "x-@k" and "--@k" as text followed by "@k"
        at = i + 1 if suppress else i
        if at >= hi or s[at] != "@" or (not suppress and at != self.free and _after_word(s, at)):
            return None
        if not suppress and at and s[at - 1] in "_%+-" and _EMAIL_AT.match(s, at - 1, hi):
            return None
        m = _KEY.match(s, at + 1, hi)
        if m is not None:
            return at, self.plain[m.start() : m.end()], suppress, m.end()
        m = _BRACED_KEY.match(s, at + 1, hi)
        if m is not None:
            return at, self.plain[m.start(1) : m.end(1)], suppress, m.end()
        return None

    def _in_text(self, i: int, hi: int) -> tuple[list[Cluster], int] | None:
        """``@key``, ``-@key``, optionally followed by ``[locator; more]``."""
        key = self._key_at(i, hi)
        if key is None:
            return None
        at, name, suppress, end = key
        example = self.examples.get(name)
        if example is not None and example <= self.base + at:
            return [], end  # a reference to an earlier example list item: no citation at all
        mode = CitationMode.SUPPRESS_AUTHOR if suppress else CitationMode.IN_TEXT
        bracket = _SPNL_BRACKET.match(self.masked, end, hi)
        open_ = bracket.end() - 1 if bracket is not None else -1
        close = self._close(open_, hi) if bracket is not None else None
        if close is not None and self.plain[close + 1 : close + 2] not in ("[", "(", "{"):
            # pandoc first reads "[...]" as more citations, then as this one's locator/suffix.
            more = self._cite_list(open_ + 1, close)
            if more is not None:
                first = self._cite(name, mode, at)
                return self._cluster([first, *more[0]], i, close + 1, more[1])
            split = self._split(open_ + 1, close)
            rest = self._cite_list(split[1] + 1, close) if len(split) > 1 else ([], [])
            if rest is not None and self.masked[open_ + 1] != "^":
                a, b = open_ + 1, split[1] if len(split) > 1 else close
                first = self._cite(name, mode, at, suffix=self._text(a, b))
                nested = [*self.run(a, b), *rest[1]]
                return self._cluster([first, *rest[0]], i, close + 1, nested)
        if example is not None:
            return [], end  # pandoc numbers a bare reference to a later example too
        return self._cluster([self._cite(name, mode, at)], i, end, [])

    # -- bracket groups -----------------------------------------------------------------------

    def _bracket(self, i: int, hi: int) -> tuple[list[Cluster], int] | None:
        """``[prefix @key suffix; ...]``, unless it is a note, link or span."""
        s = self.masked
        if (i and s[i - 1] == "^") or s[i + 1 : i + 2] == "^":
            return None
        m = _SIMPLE_GROUP.match(s, i, hi)
        if m is not None:
            (mark, at), (key_start, key_end), end = m.span(1), m.span(2), m.end()
            after = self.plain[end : end + 1]
            if (mark == i + 1 or s[mark - 1].isspace()) and after not in ("(", "[", "{"):
                # the common "[see @key, p. 3]": one key, nothing nested, nothing to look past
                mode = CitationMode.NORMAL if at - mark == 1 else CitationMode.SUPPRESS_AUTHOR
                cite = self._cite(
                    self.plain[key_start:key_end],
                    mode,
                    at - 1,
                    prefix=self._text(i + 1, mark) if mark > i + 1 else "",
                    suffix=self._text(key_end, end - 1),
                )
                if cite is None:
                    return [], end
                return [Cluster((cite,), self.base + i, self.base + end)], end
        close = self._close(i, hi)
        if close is None:
            return None
        nxt = self.plain[close + 1 : close + 2]
        pair = {"(": ")", "[": "]", "{": "}"}.get(nxt)
        if pair is not None and pair in self.plain[close + 2 : hi]:
            return None  # a link, reference link or bracketed span, not a citation
        found = self._cite_list(i + 1, close)
        if found is None:
            return None
        return self._cluster(found[0], i, close + 1, found[1])

    def _close(self, i: int, hi: int) -> int | None:
        """Index of the ``]`` matching the ``[`` at ``i``, if it comes before ``hi``."""
        if self.pairs is None:  # pair every bracket once, so no group is rescanned
            self.pairs = {}
            stack: list[int] = []
            for m in _BRACKETS.finditer(self.masked):
                if m.group() == "[":
                    stack.append(m.start())
                elif stack:
                    self.pairs[stack.pop()] = m.start()
        close = self.pairs.get(i)
        return close if close is not None and close < hi else None

    def _top(self, lo: int, hi: int) -> Iterator[re.Match[str]]:
        """``;``, ``@`` and ``-@`` in ``[lo, hi)`` outside nested brackets."""
        pos = lo
        while (m := _STRUCTURE.search(self.masked, pos, hi)) is not None:
            pos = m.end()
            if m.group() == "[":
                close = self._close(m.start(), hi)
                if close is None:
                    return
                pos = close + 1
            elif m.group() != "]":
                yield m

    def _split(self, lo: int, hi: int) -> list[int]:
        """``lo - 1`` followed by the positions of top-level semicolons in ``[lo, hi)``."""
        return [lo - 1, *(m.start() for m in self._top(lo, hi) if m.group() == ";")]

    def _cite_list(self, lo: int, hi: int) -> tuple[list[Citation | None], list[Cluster]] | None:
        """Citations separated by ``;``, each ``prefix @key suffix``; None unless all parse."""
        cuts = [*self._split(lo, hi), hi]
        cites: list[Citation | None] = []
        nested: list[Cluster] = []
        for a, b in pairwise(cuts):
            key = self._first_key(a + 1, b)
            if key is None:
                return None
            start, at, name, suppress, end = key
            mode = CitationMode.SUPPRESS_AUTHOR if suppress else CitationMode.NORMAL
            prefix, suffix = self._text(a + 1, start), self._text(end, b)
            cites.append(self._cite(name, mode, at, prefix=prefix, suffix=suffix))
            nested.extend(self.run(a + 1, start))
            nested.extend(self.run(end, b))
        return cites, nested

    def _first_key(self, lo: int, hi: int) -> tuple[int, int, str, bool, int] | None:
        """The first top-level key in ``[lo, hi)``: (start, offset of @, key, suppress, end)."""
        for m in self._top(lo, hi):
            i = m.start()
            key = self._key_at(i, hi) if m.group() != ";" else None
            if key is None and m.group() == "-@":
                i += 1
                key = self._key_at(i, hi)
            if key is not None:
                return (i, *key)
        return None

    # -- records ------------------------------------------------------------------------------

    def _text(self, a: int, b: int) -> str:
        return " ".join(self.plain[a:b].split())

    def _cite(
        self, key: str, mode: CitationMode, at: int, prefix: str = "", suffix: str = ""
    ) -> Citation | None:
        """The citation, or None for a cross-reference."""
        if self.xref is not None and self.xref.match(key):
            return None
        offset = self.base + at
        line = bisect_right(self.starts, offset)
        locator, suffix = _split_locator(suffix) if suffix else ("", "")
        column = offset - self.starts[line - 1] + 1
        return Citation(key, mode, self.path, line, column, offset, prefix, locator, suffix)

    def _cluster(
        self, cites: list[Citation | None], a: int, b: int, nested: list[Cluster]
    ) -> tuple[list[Cluster], int]:
        """The cluster spanning ``[a, b)`` (unless all are cross-references), then ``nested``."""
        kept = tuple(c for c in cites if c is not None)
        return ([Cluster(kept, self.base + a, self.base + b)] if kept else []) + nested, b
