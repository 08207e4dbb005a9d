"""CSL ``position`` as the specification and citeproc-js have it, which citeproc-py
approximates: "ibid" only after a note that cites the work alone (or the cite just before in
the same citation), a locator that is lost or changed makes "subsequent" or
"ibid-with-locator" (and "ibid" holds whenever "ibid-with-locator" does), "near-note" by note
numbers, ``first-reference-note-number``, and a note style's citation that opens with a term
capitalised ("Ibid."). Part of the adapter (:mod:`citekb.render.csl_adapter`) (pinned to
the same citeproc-py). Linear: what came before is indexed once per cite, never rescanned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_SENTENCE_END = ".!?"
_CLOSING = "\"'\u201d\u2019)]"
#: A cite whose text (its prefix) opens with one of these follows the one before directly.
_JOINING = ",.;:"
#: The terms rendered so far by each note-opening cite being rendered (innermost last).
_TERMS: list[list[str]] = []


@dataclass
class _Seen:
    """What the cites rendered so far say, indexed as they are appended."""

    cites: Any  # the citeproc-py list being indexed (a new list: a new document)
    done: int = 0
    first_note: dict[str, int] = field(default_factory=dict)
    last: dict[str, Any] = field(default_factory=dict)  # key -> its latest cite
    #: the latest cite in the running text (note number 0) and in the notes
    previous: dict[bool, Any] = field(default_factory=dict)
    in_note: dict[int, int] = field(default_factory=dict)  # note number -> its cites


def _seen(citation_element: Any) -> _Seen:
    cites = citation_element.cites
    seen: _Seen | None = getattr(citation_element, "_citekb_seen", None)
    if seen is None or seen.cites is not cites or seen.done > len(cites):
        seen = _Seen(cites)
        citation_element._citekb_seen = seen
    for cite in cites[seen.done :]:
        note = _note(cite)
        seen.first_note.setdefault(cite.key, note)
        seen.last[cite.key] = cite
        seen.previous[note > 0] = cite
        seen.in_note[note] = seen.in_note.get(note, 0) + 1
    seen.done = len(cites)
    return seen


def _note(cite: Any) -> int:
    citation = dict.get(cite, "citation")
    return int(dict.get(citation, "note_index", 0) or 0) if citation is not None else 0


def _locator(cite: Any) -> tuple[str, str] | None:
    locator = dict.get(cite, "locator")
    if locator is None:
        return None
    return str(getattr(locator, "label", "")), str(getattr(locator, "identifier", ""))


def install_positions() -> None:
    """Patch citeproc-py once: ``If._position`` (replaced), and wrapped: ``Text._variable``
    (the note number of a work's first citation), ``Text._term`` and
    ``Layout.render_children`` (a note's opening term), ``Layout.render_citation`` (cites in
    the given order without ``cs:sort``) and ``Layout.join`` (delimiters next to a cite's
    punctuation)."""
    from citeproc import model
    from citeproc.source import VariableError
    from citeproc.string import join as join_strings

    if getattr(model.If, "_citekb_position", False):
        return
    text_variable = model.Text._variable
    render_children = model.Layout.render_children
    term = model.Text._term

    def position(self: Any, item: Any, context: Any = None) -> list[bool]:
        context = self if context is None else context
        if context.xpath_search("./ancestor::*[self::cs:bibliography]"):
            return [False]
        element = context.get_layout().getparent()
        return [_holds(p, item, element) for p in self.get("position").split()]

    def variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") == "first-reference-note-number":
            layout = (context if context is not None else self).get_layout()
            note = _seen(layout.getparent()).first_note.get(item.key)
            if not note:
                raise VariableError
            return str(note)
        return text_variable(self, item, context)

    def opening_term(self: Any, item: Any) -> Any:
        text = term(self, item)
        if _TERMS and text:
            _TERMS[-1].append(str(text))
        return text

    render_citation = model.Layout.render_citation

    def in_given_order(self: Any, citation: Any, callback: Any) -> Any:
        bib = dict.get(citation, "bibliography")
        if self.getparent().sort is not None or bib is None or len(citation.cites) < 2:
            return render_citation(self, citation, callback)
        keys = bib.keys
        bib.keys = _GivenOrder(keys, citation.cites)
        try:
            return render_citation(self, citation, callback)
        finally:
            bib.keys = keys

    def render_capitalised(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
        citation = dict.get(item, "citation")
        bib = dict.get(citation, "bibliography") if citation is not None else None
        keys = getattr(bib, "keys", None)
        if isinstance(keys, _GivenOrder):
            keys.sorting = False  # sorted: from here on, the real places (citation-number)
        if not _opens_note(self, item):
            return render_children(self, item, *args, **kwargs)
        _TERMS.append([])
        try:
            out = render_children(self, item, *args, **kwargs)
        finally:
            terms = _TERMS.pop()
        text = str(out) if out is not None else ""
        if terms and terms[0][:1].islower() and text.startswith(terms[0]):
            out = out.capitalize_first() if hasattr(out, "capitalize_first") else out
        return out

    model.If._position = position
    model.Text._variable = variable
    model.Text._term = opening_term
    join = model.Layout.join

    def join_cites(self: Any, strings: Any, default_delimiter: str = "") -> Any:
        parent = self.getparent()
        items = [s for s in strings if s is not None]
        if parent is None or parent.tag.rsplit("}", 1)[-1] != "citation" or len(items) < 2:
            return join(self, strings, default_delimiter)
        delimiter = self.get("delimiter", default_delimiter)
        bare = delimiter.lstrip(_JOINING)  # "; " after a cite ending in "," is " "
        pieces = [items[0]]
        for text in items[1:]:  # a cite whose prefix opens with punctuation: no delimiter
            if str(text)[:1] in _JOINING:
                pieces.append(text)
            else:
                after = str(pieces[-1]).rstrip()[-1:] in ",;:" and bare != delimiter
                pieces.extend([bare if after else delimiter, text])
        return join_strings(pieces, "")

    model.Layout.render_children = render_capitalised
    model.Layout.join = join_cites
    model.Layout.render_citation = in_given_order
    model.If._citekb_position = True


class _GivenOrder(list):  # type: ignore[type-arg]
    """A bibliography's keys while a citation without ``cs:sort`` is rendered: citeproc-py
    sorts its cites by ``keys.index`` before rendering them, which must keep the order the
    author gave (CSL: cites are sorted only by ``cs:sort``); once the first cite renders,
    ``index`` is the work's real place again."""

    def __init__(self, keys: Any, cites: Any) -> None:
        super().__init__(keys)
        self.sorting = True
        self.given: dict[str, int] = {}
        for place, cite in enumerate(cites):
            self.given.setdefault(cite.key, place)

    def index(self, key: Any, *args: Any) -> int:
        if self.sorting and str(key) in self.given:
            return self.given[str(key)]
        return int(super().index(key, *args))


def _opens_note(layout: Any, item: Any) -> bool:
    """A note style's citation layout rendering a cite that starts a sentence: the first
    of its citation without a prefix, or any after a prefix that ends one ("This has been
    said. Ibid.")."""
    parent = layout.getparent()
    if parent is None or parent.tag.rsplit("}", 1)[-1] != "citation":
        return False
    if layout.get_root().get("class") != "note":
        return False
    citation = dict.get(item, "citation")
    if citation is None:
        return False
    prefix = str(dict.get(item, "prefix", "") or "").rstrip().rstrip(_CLOSING)
    if prefix:  # one word and a period is an abbreviation ("Cf."), not a sentence
        return prefix[-1] in _SENTENCE_END and len(prefix.split()) > 1
    cites = parent.cites
    return not (cites and dict.get(cites[-1], "citation") is citation)


#: A cite's position given by the caller (citeproc-js's numbers: first, subsequent, ibid,
#: ibid-with-locator) -> the positions that then hold.
_GIVEN = {
    0: {"first"},
    1: {"subsequent"},
    2: {"subsequent", "ibid"},
    3: {"subsequent", "ibid", "ibid-with-locator"},
}


def _holds(name: str, item: Any, element: Any) -> bool:
    given = dict.get(item, "position")
    if isinstance(given, int) and given in _GIVEN:
        if name == "near-note":
            return bool(dict.get(item, "near-note", False))
        return name in _GIVEN[given]
    seen = _seen(element)
    before = seen.last.get(item.key)
    if name == "first":
        return before is None
    if before is None:
        return False
    if name == "subsequent":
        return True
    if name == "near-note":
        return _near(item, before, element)
    ibid, with_locator = _ibid(item, seen)
    return with_locator if name == "ibid-with-locator" else ibid


def _ibid(item: Any, seen: _Seen) -> tuple[bool, bool]:
    """(ibid, ibid-with-locator): the cite just before (in the running text, or in the
    notes) is of the same work, in the same citation, or alone in the citation before (in
    the note before, when notes are numbered); a locator lost makes neither."""
    note = _note(item)
    previous = seen.previous.get(note > 0)
    if previous is None or previous.key != item.key:
        return False, False
    citation = dict.get(item, "citation")
    earlier = dict.get(previous, "citation")
    if earlier is not citation:
        before = _note(previous)
        alone = (
            seen.in_note.get(before, 0) == 1
            if before and before != note
            else len(getattr(earlier, "cites", ())) == 1
        )
        if not alone:
            return False, False
    mine, theirs = _locator(item), _locator(previous)
    if mine is None:
        return theirs is None, False
    changed = theirs is None or mine != theirs
    return True, changed


def _near(item: Any, before: Any, element: Any) -> bool:
    """The work was cited within ``near-note-distance`` notes (default 5); without note
    numbers, within that many citations."""
    try:
        distance = int(element.get("near-note-distance", 5))
    except ValueError:
        distance = 5
    now, then = _note(item), _note(before)
    if now and then:
        return 0 <= now - then <= distance
    count, last = 1, None
    for cite in reversed(element.cites):
        if cite.key == item.key:
            return count <= distance
        citation = dict.get(cite, "citation")
        if citation is not last:
            count += 1
            last = citation
        if count > distance:
            return False
    return False
