"""Locators as citeproc-js renders them, added to citeproc-py: trimmed, a range of numbers
joined by an en dash (spaces around the hyphen dropped, "100 - 103" → "100–103") and, for
pages, shaped by ``page-range-format``; an escaped hyphen ("327\\-30") kept as a hyphen and
not counted as a range for the label ("page 327-30"); "&" as the locale's "and" symbol,
escaped; a label whose variable is empty renders nothing ("p." without a page).

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
"""

from __future__ import annotations

import re
from typing import Any

from citekb.render.csl_pages import roman_range

_SEPARATOR = re.compile(r"\s*(,|&)\s*")
_RANGE = re.compile(r"(\w*\d\w*)\s*[-\u2013]\s*(\w*\d\w*)")
_ESCAPED_HYPHEN = "\\-"


def locator_pieces(text: str) -> list[tuple[str, str]]:
    """A locator as (piece, separator after it) pairs, split at commas and ampersands."""
    parts = _SEPARATOR.split(text.strip())
    pieces = parts[0::2]
    separators = [*parts[1::2], ""]
    return list(zip(pieces, separators, strict=True))


def install_locators() -> None:
    """Wrap ``Text._variable`` (the ``locator`` variable) and ``Label._is_plural`` (an escaped
    hyphen is no range; a roman page range is), and ``Label.process`` (no label for an empty
    variable)."""
    from citeproc import model

    if getattr(model.Text, "_citekb_locators", False):
        return
    variable = model.Text._variable
    is_plural = model.Label._is_plural

    def locator(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") != "locator":
            return variable(self, item, context)
        repressed = context.get_layout().repressed
        if "locator" in repressed.get(self.tag, ()):
            return None
        try:
            identifier = str(item.locator.identifier)
            label = item.locator.label
        except (KeyError, AttributeError):
            return variable(self, item, context)
        return _formatted(self, identifier, label)

    def plural(self: Any, item: Any) -> Any:
        if self.get("variable") == "locator" and item.has_locator:
            identifier = str(item.locator.identifier).replace(_ESCAPED_HYPHEN, "")
            return self.RE_MULTIPLE_NUMBERS.search(identifier) is not None
        if self.get("variable") == "page" and roman_range(str(dict.get(item.reference, "page"))):
            return True  # "pages i–ix"
        return is_plural(self, item)

    label_process = model.Label.process

    def label_of_something(
        self: Any, item: Any, variable: Any = None, *args: Any, **kw: Any
    ) -> Any:
        own = self.get("variable")
        if variable is None and own and own != "locator":  # a label of an empty variable: none
            value = dict.get(item.reference, own.replace("-", "_"))
            if value is None or str(value).strip() == "":
                return None
        return label_process(self, item, variable, *args, **kw)

    model.Label.process = label_of_something
    model.Text._variable = locator
    model.Label._is_plural = plural
    model.Text._citekb_locators = True


def _formatted(element: Any, identifier: str, label: str) -> Any:
    out = []
    for piece, separator in locator_pieces(identifier):
        out.append(str(element.preformat(_piece(element, piece, label))))
        if separator == ",":
            out.append(", ")
        elif separator == "&":
            symbol = element.get_single_term(name="and", form="symbol")  # escaped already
            out.append(f" {symbol or element.preformat('&')} ")
    return "".join(out)


def _piece(element: Any, piece: str, label: str) -> str:
    if _ESCAPED_HYPHEN in piece:
        return piece.replace(_ESCAPED_HYPHEN, "-")
    match = _RANGE.fullmatch(piece)
    if match is None:
        return piece
    first, last = match.groups()
    dash = "\u2013"
    if label == "page":
        dash = element.get_single_term(name="page-range-delimiter") or dash
        if first.isdigit() and last.isdigit():
            last = str(element._format_last_page(first, last))
    return f"{first}{dash}{last}"
