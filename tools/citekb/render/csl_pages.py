"""Page ranges as citeproc-js renders them, added to citeproc-py: a range whose numbers share
a prefix is shaped by ``page-range-format`` ("N110 - N5" → "N110–N115", minimal
"n11564 - n1568" → "n11564–8"), one whose prefixes differ is left as written with a hyphen
("110-N6"); ``chicago-16`` keeps only the changed digits beyond the hundreds ("1496–500");
roman ranges get the en dash and count as plural ("pages i–ix"); a hyphen inside a word
("3-B", "Michaelson-Morely") or escaped ("327\\-30") stays a hyphen.

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
"""

from __future__ import annotations

import re
from typing import Any

_RANGE = re.compile(
    r"(?<![\\\w])((?:\d*[A-Za-z]+0*)?)(\d+[a-z]*)\s*(?<!\\)[-\u2013]\s*"
    r"((?:\d*[A-Za-z]+0*)?)(\d+[a-z]*)(?!\w)"
)
_ROMAN = re.compile(r"(?<!\w)([ivxlcdm]+|[IVXLCDM]+)\s*[-\u2013]\s*([ivxlcdm]+|[IVXLCDM]+)(?!\w)")


def chicago16(first: int, last: int) -> str:
    """The last page under Chicago 16: beyond the hundreds, only the digits that change."""
    text = str(last)
    if first > 100 and first % 100:
        for power in range(2, len(text)):
            if first // 10**power == last // 10**power:
                return str(last % 10**power)
    return text


def roman_range(text: str) -> bool:
    """Whether the text holds a range of roman numerals ("i-ix")."""
    return _ROMAN.search(text) is not None


def format_pages(text: str, delimiter: str, last_page: Any, range_format: str | None) -> str:
    """A page variable with its ranges shaped; ``last_page(first, last)`` is citeproc's
    ``page-range-format`` for the digits of a range whose prefixes agree."""

    def numbered(match: re.Match[str]) -> str:
        first_prefix, first, last_prefix, last = match.groups()
        plain = f"{first_prefix}{first}-{last_prefix}{last}"
        if first_prefix != last_prefix or not (first.isdigit() and last.isdigit()):
            return plain
        if not range_format:  # as written, with the delimiter
            return f"{first_prefix}{first}{delimiter}{last_prefix}{last}"
        if len(last) < len(first):
            last = first[: len(first) - len(last)] + last
        if int(first) >= int(last):
            return plain
        if range_format == "chicago-16":
            shown = chicago16(int(first), int(last))
        else:
            shown = str(last_page(first, last))
        prefix = last_prefix if range_format == "expanded" else ""
        return f"{first_prefix}{first}{delimiter}{prefix}{shown}"

    text = _RANGE.sub(numbered, text)
    text = _ROMAN.sub(lambda m: f"{m.group(1)}{delimiter}{m.group(2)}", text)
    return text.replace("\\-", "-")


def install_pages() -> None:
    """Wrap ``FormatNumber._process`` for the ``page`` variable."""
    from citeproc import model

    if getattr(model.FormatNumber, "_citekb_pages", False):
        return
    process = model.FormatNumber._process

    def pages(self: Any, value: Any, variable: Any) -> Any:
        if variable != "page" or value is None:
            return process(self, value, variable)
        delimiter = str(self.get_single_term(name="page-range-delimiter") or "\u2013")
        range_format = self.get_root().get_option("page-range-format")
        text = format_pages(str(value), delimiter, self._format_last_page, range_format)
        return self.preformat(text)

    model.FormatNumber._process = pages
    model.FormatNumber._citekb_pages = True
