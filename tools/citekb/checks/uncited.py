"""Whole-library exports: findings on entries that no page cites only count in the summary.

A Zotero or Mendeley export holds hundreds of entries the site never shows; their faults must
not stop the build. A curated library opts in to checking every entry (``check_uncited``).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from typing import TYPE_CHECKING

from citekb.core.diagnostics import Code, Diagnostic
from citekb.pages.markers import has_full_bibliography

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

    from citekb.core.model import Library
    from citekb.project.load import Project

#: Codes about one library entry, reported at a line inside it. A block that does not parse
#: is counted with the entry before it: were it cited, its citation would be an unknown key.
ENTRY_CODES = frozenset(
    {
        Code.BIB_SYNTAX,
        Code.MISSING_COMMA,
        Code.MISSING_FIELD,
        Code.INVALID_DOI,
        Code.INVALID_ISBN,
        Code.INVALID_URL,
        Code.INVALID_YEAR,
        Code.DUPLICATE_KEY,
        Code.DUPLICATE_WORK,
        Code.CORPORATE_AUTHOR,
        Code.BAD_CROSSREF,
        Code.UNDEFINED_MACRO,
        Code.CITEPROC_FAILED,
        Code.UNKNOWN_ENTRY_TYPE,
    }
)


def mark_uncited(
    found: Iterable[Diagnostic], library: Library, cited: Collection[str]
) -> list[Diagnostic]:
    """``found`` with each entry finding inside an uncited entry marked with that entry's key."""
    starts: dict[str, list[tuple[int, str]]] = {}
    for entry in library:
        starts.setdefault(entry.path, []).append((entry.line, entry.key))
    for spans in starts.values():
        spans.sort()
    lines = {path: [line for line, _ in spans] for path, spans in starts.items()}
    out: list[Diagnostic] = []
    for diag in found:
        rows = starts.get(diag.path)
        if diag.code in ENTRY_CODES and rows:
            at = bisect_right(lines[diag.path], diag.line) - 1
            if at >= 0 and (key := rows[at][1]) not in cited:
                diag = replace(diag, uncited=key)
        out.append(diag)
    return out


def cited_keys(project: Project) -> set[str]:
    """Keys the site shows: those cited, or every key when a page lists the whole library."""

    if any(has_full_bibliography(page.text) for page in project.pages):
        return set(project.library.by_key)
    return {c.key for page in project.pages for c in page.citations}
