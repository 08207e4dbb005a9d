"""The HTML of a note style's citations: superscript markers in the text, the page's notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def note_marker(number: int) -> str:
    """A note style's cluster in the text: a superscript number linking to its note."""
    return (
        f'<sup class="citekb-noteref" id="noteref-{number}">'
        f'<a href="#note-{number}" aria-label="Note {number}">{number}</a></sup>'
    )


def notes_html(notes: Sequence[str]) -> str:
    """The page's notes in order, each with a link back to its place in the text."""
    items = "".join(
        f'<li id="note-{n}" class="citekb-note">{body}'
        f' <a class="citekb-back" href="#noteref-{n}" aria-label="Back to note {n}">↩</a></li>'
        for n, body in enumerate(notes, 1)
    )
    return f'<ol class="citekb-notes">{items}</ol>'
