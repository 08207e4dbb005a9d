"""Field checks whose hints must fit real exports: several ISBNs, an ISSN in `isbn`, a DOI
pasted into the wrong entry."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.core.identifiers import isbn_digits
from citekb.sources.entry_types import TYPES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from citekb.core.model import Entry

__all__ = ["check_isbn", "duplicate_work", "isbn13", "isbn_parts", "isbn_valid", "unknown_type"]


def isbn_valid(digits: str) -> bool:
    """ISBN-10 or ISBN-13 checksum."""
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def isbn13(digits: str) -> str:
    """The ISBN-13 form of a valid ISBN, so that ISBN-10 and -13 of one book compare equal."""
    if len(digits) == 13:
        return digits
    core = "978" + digits[:9]
    check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core)) % 10) % 10
    return core + str(check)


def _at(entry: Entry, name: str) -> tuple[str, int, int]:
    return entry.path, entry.field_lines.get(name, entry.line), 1


def _title_words(entry: Entry) -> str:
    return " ".join(re.findall(r"\w+", entry.get("title").lower()))


def duplicate_work(entry: Entry, other: Entry, kind: str, ident: str) -> Diagnostic:
    """Two entries with one DOI or ISBN: the same work twice, or (titles differ) a pasted DOI."""
    where = f"{other.key} ({other.path}:{other.line})"
    mine, theirs = _title_words(entry), _title_words(other)
    if mine and theirs and not (mine.startswith(theirs) or theirs.startswith(mine)):
        look = f"https://doi.org/{ident}" if kind == "doi" else f"ISBN {ident}"
        return diagnostic(
            Code.DUPLICATE_WORK,
            *_at(entry, kind),
            f"{entry.key} and {where} share {kind.upper()} {ident}, but their titles differ",
            f"the {kind.upper()} was probably pasted into the wrong entry: look it up"
            f" ({look}) and fix the {kind} of the entry it does not belong to",
        )
    return diagnostic(
        Code.DUPLICATE_WORK,
        *_at(entry, kind),
        f"{entry.key} and {where} share {kind.upper()} {ident}",
        f"keep one entry and cite {other.key!r} everywhere",
    )


_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")


def isbn_parts(value: str) -> list[str]:
    """The ISBNs in an ``isbn`` field: separated by commas, semicolons, slashes or spaces
    (exports write several, e.g. ``9780195… 0195…``); spaces inside one ISBN are kept."""
    parts: list[str] = []
    current = ""
    for token in re.split(r"[,;/|]|\s+", value):
        if not token.strip():
            continue
        current = f"{current} {token}".strip()
        digits = isbn_digits(current)
        done = _ISSN.match(current) or (len(digits) == 10 and isbn_valid(digits))
        if done or len(digits) >= 13 or len(current) > 40:  # no ISBN is longer: stay linear
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return parts


def check_isbn(entry: Entry, value: str) -> Iterable[Diagnostic]:
    for part in isbn_parts(value):
        digits = isbn_digits(part)
        if isbn_valid(digits):
            continue
        if _ISSN.match(part):
            message = (
                f"{entry.key}: {part!r} in `isbn` is an ISSN (a journal's number), not an ISBN"
            )
            hint = f"move it to `issn = {{{part}}}`, or remove it"
        elif len(digits) in (10, 13):
            message = f"{entry.key}: ISBN {part!r} fails its checksum"
            hint = "copy the ISBN-10 or ISBN-13 again from the book's copyright page"
        else:
            message = (
                f"{entry.key}: {part!r} in `isbn` has {len(digits)} digits; an ISBN has 10 or 13"
            )
            hint = "keep only ISBNs in `isbn`, separated by commas; other numbers go elsewhere"
        yield diagnostic(Code.INVALID_ISBN, *_at(entry, "isbn"), message, hint)


def unknown_type(entry: Entry) -> Diagnostic:
    """``unknown-entry-type``, with the closest known type as the hint."""
    import difflib

    close = difflib.get_close_matches(entry.type, list(TYPES), n=1, cutoff=0.75)
    hint = (
        f"did you mean @{close[0]}? Otherwise use a standard type"
        if close
        else "use a standard type that fits the source"
    )
    return diagnostic(
        Code.UNKNOWN_ENTRY_TYPE,
        entry.path,
        entry.line,
        1,
        f"{entry.key}: @{entry.type} is not a known entry type; it renders as a plain document",
        hint + ", e.g. @article, @book, @incollection, @online, @report or @misc",
    )
