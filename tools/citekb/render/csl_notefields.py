"""Variables in a CSL-JSON item's ``note`` ("cheater syntax", as Zotero's Extra field and
citeproc-js read it): a line ``reviewed-title: …``, ``reviewed-author: Hall || W.C.`` or
``event-date: 2004-10-01/2004-10-14`` sets a CSL variable the item lacks, and leaves the note.
Only lower-case CSL variable names count, so a note "PMID: 117" stays a note.
(Zotero's ``journalAbbreviation`` is read by :mod:`citekb.render.csl_variables`.)

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
"""

from __future__ import annotations

import re
from typing import Any

_LINE = re.compile(r"^([a-z][a-z-]*[a-z]):\s*(.+?)\s*$")
#: CSL 1.0.2 variables citeproc-py does not list.
_MORE = {"reviewed_title", "reviewed_author", "collection_title_short", "title_short"}
_MORE_NAMES = {"reviewed_author"}
_DATE = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def note_variables(item: dict[str, Any], names: Any, dates: Any, known: Any) -> dict[str, Any]:
    """The item with the variables its note sets (a copy when there are any)."""
    note = item.get("note")
    if not isinstance(note, str) or ":" not in note:
        return item
    found: dict[str, Any] = {}
    kept = []
    for line in note.splitlines():
        match = _LINE.match(line.strip())
        key = match.group(1) if match else ""
        python_key = key.replace("-", "_")
        if not match or not (python_key in known or python_key in names or python_key in dates):
            kept.append(line)
            continue
        if key in item or key in found:
            continue
        value = match.group(2)
        if python_key in names:
            family, _, given = value.partition("||")
            person = {"family": family.strip(), "given": given.strip()}
            found.setdefault(key, []).append({k: v for k, v in person.items() if v})
        elif python_key in dates:
            parts = [_date_parts(p) for p in value.split("/")]
            if None in parts:
                found[key] = {"literal": value}
            else:
                found[key] = {"date-parts": parts}
        else:
            found[key] = value
    if not found:
        return item
    out = {**item, **found}
    if kept:
        out["note"] = "\n".join(kept)
    else:
        out.pop("note")
    return out


def _date_parts(text: str) -> list[int] | None:
    match = _DATE.match(text.strip())
    if match is None:
        return None
    return [int(p) for p in match.groups() if p is not None]


def install_note_fields() -> None:
    """Wrap ``CiteProcJSON.__init__`` to read the items' note variables first."""
    from citeproc import DATES, NAMES, VARIABLES
    from citeproc.source import json as source_json

    if getattr(source_json.CiteProcJSON, "_citekb_notes", False):
        return
    init = source_json.CiteProcJSON.__init__
    known = {v.replace("-", "_") for v in VARIABLES} | _MORE
    names = set(NAMES) | _MORE_NAMES

    def reading(self: Any, json_data: Any) -> None:
        items = [
            note_variables(item, names, DATES, known) if isinstance(item, dict) else item
            for item in json_data
        ]
        init(self, items)
        for item in items:  # names citeproc-py does not know it parsed as text
            for key in _MORE_NAMES & {k.replace("-", "_") for k in item}:
                raw = item.get(key.replace("_", "-"), item.get(key))
                reference = self.get(str(item.get("id", "")).lower())
                if isinstance(raw, list) and reference is not None:
                    reference[key] = self.parse_names(raw)

    source_json.CiteProcJSON.__init__ = reading
    source_json.CiteProcJSON._citekb_notes = True
