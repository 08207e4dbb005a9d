"""CSL disambiguation (CSL 1.0.2 §Disambiguation) added to citeproc-py, which has none.

Cites that render alike are told apart, in the spec's order: ``disambiguate-add-names``
(as many more names as tell each author list apart), ``disambiguate="true"`` conditions,
then ``disambiguate-add-year-suffix`` (letters in reference-list order, after the year when
the style does not place ``year-suffix`` itself). Given-name expansion is not done.

The state lives on citeproc-py's references (keys prefixed ``citekb_``, and ``year_suffix``)
and is recomputed when the set of cited works changes. Part of the adapter in
:mod:`citekb.render.citeproc_tuning`; pinned to the same citeproc-py.
"""

from __future__ import annotations

from typing import Any

from citekb.render.formatted import year_letter

_NAMES = "citekb_names"  # how many names a cite shows (overrides et-al-use-first)
_FLAG = "citekb_disambiguate"  # ``disambiguate="true"`` conditions hold
_SUFFIX = "year_suffix"


def install_disambiguation() -> None:
    """Patch citeproc-py once: the pass before citing, and the renderers that obey it."""
    from citeproc import frontend, model

    if getattr(frontend.CitationStylesBibliography, "_citekb_disambiguate", False):
        return
    bibliography = frontend.CitationStylesBibliography
    cite, bib = bibliography.cite, bibliography.bibliography

    def cite_disambiguated(self: Any, citation: Any, callback: Any) -> Any:
        _ensure(self)
        return cite(self, citation, callback)

    def bibliography_disambiguated(self: Any) -> Any:
        _ensure(self)
        return bib(self)

    bibliography.cite = cite_disambiguated
    bibliography.bibliography = bibliography_disambiguated
    _patch_names(model)
    _patch_dates(model)
    _patch_conditions(model)
    bibliography._citekb_disambiguate = True


def _ensure(bib: Any) -> None:
    done = getattr(bib, "_citekb_done", None)
    if done != tuple(bib.keys) and len(bib.keys) > 1:
        disambiguate(bib)
        bib._citekb_done = tuple(bib.keys)


def _options(bib: Any) -> tuple[bool, bool]:
    citation = bib.style.root.citation
    names = str(citation.get("disambiguate-add-names", "false")).lower() == "true"
    year = str(citation.get("disambiguate-add-year-suffix", "false")).lower() == "true"
    return names, year


def _render(bib: Any, key: str) -> str:
    """The plain cite of one work alone, as the citation layout renders it."""
    from citeproc import Citation, CitationItem

    item = CitationItem(key)
    Citation([item]).bibliography = bib
    layout = bib.style.root.citation.layout
    layout.repressed = {}
    try:
        out = layout.render_children(item)
    except Exception:  # a work citeproc-py cannot render is never ambiguous
        return f"\0{key}"
    return str(out) if out is not None else ""


def _name_list(reference: Any) -> tuple[str, ...]:
    for role in ("author", "editor", "translator"):
        names = dict.get(reference, role)
        if names:
            return tuple(str(n).casefold() for n in names)
    return ()


def disambiguate(bib: Any) -> None:
    """Give every cited work the names, flag and year suffix that make its cite unique."""
    add_names, add_year = _options(bib)
    keys = list(bib.keys)
    refs = {key: bib.source[key] for key in keys if key in bib.source}
    for ref in refs.values():
        for name in (_NAMES, _FLAG, _SUFFIX):
            dict.pop(ref, name, None)
    rendered = {key: _render(bib, key) for key in refs}
    for group in _collisions(rendered):
        if add_names:
            lists = {key: _name_list(refs[key]) for key in group}
            for key in group:
                mine = lists[key]
                others = {lst for k, lst in lists.items() if lst != mine}
                if not others or len(mine) < 2:
                    continue
                count = next(
                    (n for n in range(1, len(mine)) if all(o[:n] != mine[:n] for o in others)),
                    len(mine),
                )
                refs[key][_NAMES] = count
            rendered.update({key: _render(bib, key) for key in group})
    for group in _collisions(rendered):
        for key in group:
            refs[key][_FLAG] = True
        rendered.update({key: _render(bib, key) for key in group})
    if add_year:
        for group in _collisions(rendered):
            for index, key in enumerate(group):  # keys are in reference-list order
                refs[key][_SUFFIX] = year_letter(index)


def _collisions(rendered: dict[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for key, text in rendered.items():
        groups.setdefault(text, []).append(key)
    return [keys for keys in groups.values() if len(keys) > 1]


def _in_citation(element: Any, context: Any) -> bool:
    found = (context if context is not None else element).xpath_search(
        "./ancestor::*[self::cs:citation or self::cs:bibliography][1]"
    )
    return bool(found) and str(found[0].tag).endswith("citation")


def _patch_names(model: Any) -> None:
    process = model.Name.process

    def names_process(
        self: Any,
        item: Any,
        variable: Any,
        context: Any = None,
        sort_options: Any = None,
        **kw: Any,
    ) -> Any:
        count = dict.get(item.reference, _NAMES)
        if count and sort_options is None and _in_citation(self, context):
            names = dict.get(item.reference, variable) or []
            if count >= len(names):
                sort_options = {"et-al-min": "0", "et-al-subsequent-min": "0"}
            else:
                sort_options = {"et-al-use-first": str(count)}
        return process(self, item, variable, context=context, sort_options=sort_options, **kw)

    model.Name.process = names_process


#: Year suffixes waiting for the next rendered year: [suffix, placed?], innermost last.
_PENDING: list[list[Any]] = []


def _patch_dates(model: Any) -> None:
    """The year suffix goes right after the year of the first ``issued`` date a work renders
    (inside that date's affixes: "(1986a)", "[1990a]"), unless the style places
    ``year-suffix`` itself."""
    process = model.Date.process
    part_process = model.Date_Part.process

    def date_process(
        self: Any,
        item: Any,
        variable: Any = None,
        show_parts: Any = None,
        context: Any = None,
        **kw: Any,
    ) -> Any:
        suffix = dict.get(item.reference, _SUFFIX)
        if not suffix or self.get("variable") != "issued":
            return process(self, item, variable, show_parts, context, **kw)
        if self.get_root().xpath_search('.//cs:text[@variable="year-suffix"]'):
            return process(self, item, variable, show_parts, context, **kw)
        repressed = (context if context is not None else self).get_layout().repressed
        if repressed.get("citekb:suffixed"):
            return process(self, item, variable, show_parts, context, **kw)
        pending = [suffix, False]
        _PENDING.append(pending)
        try:
            text = process(self, item, variable, show_parts, context, **kw)
        finally:
            _PENDING.pop()
        if pending[1] and text:
            repressed["citekb:suffixed"] = True
        return text

    def date_part_process(self: Any, date: Any, context: Any = None) -> Any:
        text = part_process(self, date, context)
        if text and self.get("name") == "year" and _PENDING and not _PENDING[-1][1]:
            _PENDING[-1][1] = True
            return text + _PENDING[-1][0]
        return text

    model.Date.process = date_process
    model.Date_Part.process = date_part_process


def _patch_conditions(model: Any) -> None:
    render = model.If.render

    def if_render(self: Any, item: Any, context: Any = None, **kw: Any) -> Any:
        wants = self.get("disambiguate")
        if wants is not None:
            holds = bool(dict.get(item.reference, _FLAG))
            if holds != (wants.lower() == "true") and self.get("match") != "any":
                raise model.ConditionFailed
        return render(self, item, context=context, **kw)

    model.If.render = if_render
