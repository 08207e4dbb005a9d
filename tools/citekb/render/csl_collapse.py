"""Cite grouping and collapsing (CSL 1.0.2 ``collapse``, ``cite-group-delimiter``,
``year-suffix-delimiter``, ``after-collapse-delimiter``) added to citeproc-py, which has none:
"(Doe 2000a, b; Roe 1999)", "[1]–[3]", cites by one author kept together; and
``subsequent-author-substitute`` in the bibliography ("———. 1974b.").

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
The author of a cite is what its first ``cs:names`` renders, found by rendering the cite once
more with that ``cs:names`` suppressed.
"""

from __future__ import annotations

from typing import Any

from citekb.render.csl_sort import labels_dropped

_NO_AUTHOR = "citekb:no-author"
_CAPTURE = "citekb:capture-author"
_NO_NAMES = "\x00"  # the author of cites that render no names: all alike ("1965a,b")


def install_collapsing() -> None:
    from citeproc import model

    if getattr(model.Layout, "_citekb_collapse", False):
        return
    render_citation = model.Layout.render_citation
    names_process = model.Names.process

    def collapsing(self: Any, citation: Any, callback: Any) -> Any:
        parent = self.getparent()
        collapse = parent.get("collapse")
        grouped = parent.get("cite-group-delimiter") is not None
        if (not collapse and not grouped) or len(citation.cites) < 2:  # nothing to group
            return render_citation(self, citation, callback)
        return _render(self, citation, callback, collapse or "")

    def names_suppressed(self: Any, item: Any, context: Any = None, **kw: Any) -> Any:
        layout = (context if context is not None else self).get_layout()
        if layout.repressed.get(_NO_AUTHOR):
            layout.repressed[_NO_AUTHOR] = False  # the first names only
            return None
        capture = layout.repressed.get(_CAPTURE)
        if capture is None or capture:  # not capturing, or the first names are captured
            return names_process(self, item, context=context, **kw)
        capture.append(None)  # an outer names' substitutes are not the first names
        capture[0] = names_process(self, item, context=context, **kw)
        return capture[0]

    render_bibliography = model.Layout.render_bibliography

    def substituting(self: Any, citation_items: Any) -> Any:
        substitute = self.getparent().get("subsequent-author-substitute")
        if substitute is None or len(citation_items) < 2:  # nothing to substitute
            return render_bibliography(self, citation_items)
        return _substituted(self, citation_items, substitute)

    model.Layout.render_citation = collapsing
    model.Layout.render_bibliography = substituting
    model.Names.process = names_suppressed
    model.Layout._citekb_collapse = True


def _one(layout: Any, item: Any, no_author: bool = False) -> str | None:
    layout.repressed = {_NO_AUTHOR: True} if no_author else {}
    try:
        out = layout.render_children(item)
    except Exception:
        return None
    return None if out is None else str(out)


def _render(layout: Any, citation: Any, callback: Any, collapse: str) -> Any:
    from citeproc.string import String

    parent = layout.getparent()
    delimiter = layout.get("delimiter", "")
    group_delimiter = parent.get("cite-group-delimiter", ", ")
    suffix_delimiter = parent.get(
        "year-suffix-delimiter", parent.get("cite-group-delimiter", delimiter)
    )
    after_delimiter = parent.get("after-collapse-delimiter", delimiter)
    bibliography = citation.bibliography
    good = [c for c in citation.cites if not c.is_bad()]
    bad = [c for c in citation.cites if c.is_bad()]
    good.sort(key=lambda c: bibliography.keys.index(c.key))
    if parent.sort is not None:
        good = parent.sort.sort(good, layout)
    rendered = []  # (item, full, author, rest)
    for item in good:
        full = _one(layout, item)
        if full is None:
            continue
        parent.cites.append(item)
        full = item.get("prefix", "") + full + item.get("suffix", "")
        rest = _one(layout, item, no_author=True) if collapse != "citation-number" else None
        author = ""
        if rest and full.endswith(rest) and len(rest) < len(full):
            author = full[: len(full) - len(rest)].strip()
        elif not rest and collapse != "citation-number":  # only an author: "(Smith, 1900)"
            author = full.strip()
        elif rest == full and collapse != "citation-number":  # no names: one (empty) author
            author = _NO_NAMES
        rendered.append((item, full, author, rest or ""))
    if collapse == "citation-number":
        parts = _number_runs(rendered, delimiter)
        out = String(delimiter.join(parts))
    else:
        groups: list[list[tuple[Any, str, str, str]]] = []
        for entry in rendered:  # cites by one author kept together, in first-seen order
            home = next((g for g in groups if entry[2] and g[0][2] == entry[2]), None)
            if home is None:
                groups.append([entry])
            else:
                home.append(entry)
        pieces: list[tuple[str, bool]] = []
        for group in groups:
            text = group[0][1]
            previous_year = _without_suffix(group[0])
            suffixes = False  # the run just before is collapsed to year suffixes
            run = [_suffix(group[0])]  # the year suffixes of the run, the first in `text`
            for entry in group[1:]:
                year = _without_suffix(entry)
                same_year = collapse.startswith("year-suffix") and year == previous_year
                suffix = _suffix(entry)
                if same_year and suffix:
                    run.append(suffix)
                    suffixes = True
                elif entry[3] or not collapse:  # a cite that is only its author adds nothing
                    text += _suffix_run(run, suffix_delimiter, collapse)
                    run = [suffix]
                    between = after_delimiter if suffixes else group_delimiter
                    text += between + (entry[3] if collapse else entry[1])
                    suffixes = False
                previous_year = year
            text += _suffix_run(run, suffix_delimiter, collapse)
            pieces.append((text, len(group) > 1))
        out = String("")
        for index, (text, _) in enumerate(pieces):
            if index:
                out += after_delimiter if pieces[index - 1][1] and collapse else delimiter
            out += text
    for item in bad:
        value = callback(item)
        out += (delimiter if str(out) else "") + (value or f"{item.key}?")
    return layout.format(layout.wrap(out))


def _substituted(layout: Any, items: Any, substitute: str) -> list[Any]:
    """``subsequent-author-substitute`` (rule ``complete-all``): an entry whose authors are
    those of the entry before shows the substitute in their place ("———. 1974b. …")."""
    from citeproc.string import String

    out = []
    previous = None
    for item in items:
        full = _one(layout, item)
        if full is None:
            continue
        with labels_dropped():  # "Doe, John ed." has the names of "Doe, John"
            names = _first_names(layout, item)
        text = full
        if names and names == previous and full.startswith(names):
            rest = full[len(names) :]  # label and punctuation stay
            merged = names.endswith(".") and rest[:1] not in tuple(".,:;")  # "et al." + "."
            text = substitute + ("." if merged else "") + rest
        previous = names or None
        out.append(layout.format(layout.wrap(String(text))))
    return out


def _first_names(layout: Any, item: Any) -> str:
    """What the first ``cs:names`` of the layout renders for the item (its substitute if
    it has no names), as plain text."""
    captured: list[Any] = []
    layout.repressed = {_CAPTURE: captured}
    try:
        layout.render_children(item)
    except Exception:
        return ""
    finally:
        layout.repressed = {}
    return str(captured[0]) if captured and captured[0] is not None else ""


def _suffix(entry: tuple[Any, str, str, str]) -> str:
    return str(dict.get(entry[0].reference, "year_suffix") or "")


def _suffix_run(run: list[str], delimiter: str, collapse: str) -> str:
    """What follows the first year suffix of a run: ",b,c", or "–c" for three or more
    consecutive letters under ``year-suffix-ranged`` ("2000a–c")."""
    if len(run) < 2:
        return ""
    if collapse != "year-suffix-ranged":
        return "".join(delimiter + s for s in run[1:])
    chains: list[list[str]] = []
    for suffix in run:
        last = chains[-1][-1] if chains else ""
        if len(suffix) == len(last) == 1 and ord(suffix) == ord(last) + 1:
            chains[-1].append(suffix)
        else:
            chains.append([suffix])
    items: list[str] = []
    for chain in chains:
        items.extend([f"{chain[0]}\u2013{chain[-1]}"] if len(chain) >= 3 else chain)
    return delimiter.join(items)[len(run[0]) :]


def _without_suffix(entry: tuple[Any, str, str, str]) -> str:
    rest = entry[3]
    suffix = str(dict.get(entry[0].reference, "year_suffix") or "")
    at = rest.rfind(suffix) if suffix else -1
    return rest[:at] + rest[at + len(suffix) :] if at >= 0 else rest


def _number_runs(rendered: list[tuple[Any, str, str, str]], delimiter: str) -> list[str]:
    """Runs of three or more consecutive numbers as "first–last"."""
    parts: list[str] = []
    run: list[tuple[int, str]] = []

    def flush() -> None:
        if len(run) >= 3:
            parts.append(f"{run[0][1]}\u2013{run[-1][1]}")
        else:
            parts.extend(text for _, text in run)
        run.clear()

    for item, full, _, _ in rendered:
        number = item.number
        plain = item.get("prefix", "") or item.get("suffix", "") or item.has_locator
        if run and not plain and number == run[-1][0] + 1:
            run.append((number, full))
            continue
        flush()
        if plain:
            parts.append(full)
        else:
            run.append((number, full))
    flush()
    return parts
