"""Where inline spans close, found in linear time over a whole text.

A regex that scans from each opener to its closer (``<!--(?s:.*?)-->``, a backtick run up to
its match) is quadratic or worse when a page repeats the opener with no closer. The scanners
match only the opener, and ask these finders where it closes: each answer costs a lookup.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["Closers", "CodeSpans"]

_RUN = re.compile(r"`+")
# A line break followed by a blank line: a code span never crosses one.
_BREAK = re.compile(r"\n(?=[ \t]*+\n)")


class CodeSpans:
    """Code spans as CommonMark pairs them: a run of n backticks closes at the next run of
    exactly n within its paragraph; a run with no such match is literal text."""

    def __init__(self, text: str) -> None:
        self._runs: dict[int, list[int]] = {}
        for run in _RUN.finditer(text):
            self._runs.setdefault(run.end() - run.start(), []).append(run.start())
        self._breaks = [m.start() for m in _BREAK.finditer(text)] if "\n" in text else []

    def close(self, start: int, length: int) -> int:
        """The end of the code span opened by the ``length`` backticks at ``start``, or -1."""
        runs = self._runs.get(length, [])
        after = bisect_right(runs, start)
        if after == len(runs):
            return -1
        closer = runs[after]
        breaks = self._breaks
        cut = bisect_right(breaks, start)
        if cut < len(breaks) and breaks[cut] < closer:
            return -1
        return closer + length


class Closers:
    """``text.find(needle, pos)``, remembered: a scan whose positions only grow pays for each
    character once, however many openers it meets with no closer."""

    def __init__(self, text: str, needle: str) -> None:
        self._text = text
        self._needle = needle
        self._since = -1  # the position of the last search, -1 before the first
        self._found = -1

    def find(self, pos: int) -> int:
        """The first ``needle`` at or after ``pos``, or -1."""
        if 0 <= self._since <= pos and (self._found < 0 or self._found >= pos):
            return self._found
        self._since, self._found = pos, self._text.find(self._needle, pos)
        return self._found
