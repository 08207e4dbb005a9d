"""CSL disambiguation (CSL 1.0.2 §Disambiguation) added to citeproc-py, which has none.

Cites that render alike are told apart in citeproc-js's order: document-wide given names
(``givenname-disambiguation-rule`` other than ``by-cite``), ``disambiguate-add-names`` (with
``by-cite`` given names), ``by-cite`` given names, ``disambiguate-add-year-suffix`` (letters in
reference-list order, after the year when the style does not place ``year-suffix`` itself),
then ``disambiguate="true"`` conditions for the cites still alike, one more at a time. Cites
are alike when alike first cited or, where the style has position tests or
``et-al-subsequent-*`` options, cited again. The names part is in
:mod:`citekb.render.csl_givenname`, ``citation-label`` in :mod:`citekb.render.csl_labels`.

The state lives on citeproc-py's references (keys prefixed ``citekb_``, and ``year_suffix``).
It is kept up to date incrementally as works are cited: a new work costs one render, and only
the works whose cite it resembles (or whose names it makes ambiguous) are told apart again,
so citing n works one at a time stays near-linear (:data:`RENDERS` counts the renders). Part of the adapter in
:mod:`citekb.render.csl_adapter`; pinned to the same citeproc-py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from citekb.render import csl_givenname as gn
from citekb.render import csl_labels
from citekb.render.formatted import year_letter

_LATER = "\x1e"  # between the first and the later form of a cite
_FLAG = "citekb_disambiguate"  # how many ``disambiguate="true"`` conditions hold
_SUFFIX = csl_labels.SUFFIX
_STATE = (gn.NAMES, gn.GIVENS, _FLAG, _SUFFIX)
#: Renders made for disambiguation since import (a test checks the cost stays linear).
RENDERS = [0]


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
    gn.install_given_names()
    _patch_dates(model)
    _patch_conditions(model)
    csl_labels.install_labels()
    bibliography._citekb_disambiguate = True


@dataclass
class _Options:
    names: bool
    givens: bool
    rule: str
    year: bool

    @classmethod
    def of(cls, bib: Any) -> _Options:
        citation = bib.style.root.citation

        def flag(name: str) -> bool:
            return str(citation.get(name, "false")).lower() == "true"

        rule = str(citation.get("givenname-disambiguation-rule", "by-cite"))
        return cls(
            flag("disambiguate-add-names"),
            flag("disambiguate-add-givenname"),
            rule,
            flag("disambiguate-add-year-suffix"),
        )


@dataclass
class _State:
    """What the disambiguation of one bibliography knows between two calls."""

    options: _Options
    keys: tuple[str, ...] = ()
    #: The cite of each work with the document-wide given names only, and its name lists.
    start: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[list[gn.NameKey]]] = field(default_factory=dict)
    #: start text -> works (the clusters of alike cites), and the final text of every work.
    clusters: dict[str, list[str]] = field(default_factory=dict)
    final: dict[str, str] = field(default_factory=dict)
    final_index: dict[str, set[str]] = field(default_factory=dict)
    #: Document-wide rules: family -> names, name -> hint, name -> works showing it.
    families: dict[str, set[gn.NameKey]] = field(default_factory=dict)
    hints: dict[gn.NameKey, str] = field(default_factory=dict)
    holders: dict[gn.NameKey, set[str]] = field(default_factory=dict)
    #: Each work's place in the reference list; the list was sorted since the last update.
    order: dict[str, int] = field(default_factory=dict)
    reordered: bool = False


def _ensure(bib: Any) -> None:
    keys = tuple(bib.keys)
    state: _State | None = getattr(bib, "_citekb_state", None)
    if state is not None and state.keys == keys:
        return
    if state is None and len(keys) < 2:
        return  # one work alone is never ambiguous
    if state is not None and keys[: len(state.keys)] != state.keys:
        if set(state.keys) - set(keys):
            state = None  # a work left the list: start again
        else:  # sorted: year suffixes follow the list's order
            state.order = {key: index for index, key in enumerate(keys)}
            state.reordered = True
    if state is None:
        state = _State(_Options.of(bib))
    _update(bib, state, keys)
    bib._citekb_state = state


def _update(bib: Any, state: _State, keys: tuple[str, ...]) -> None:
    """Bring the disambiguation up to date with the cited works ``keys`` (the works cited
    before, in the same order, then new ones)."""
    new = [key for key in keys[len(state.keys) :] if key not in state.start]
    new += [key for key in keys[: len(state.keys)] if key not in state.start]
    state.keys = keys
    group: set[str] = set()
    for key in new:
        state.order.setdefault(key, len(state.order))
        _clear(bib.source[key])
        with gn.recording() as seen:
            _set_start(bib, state, key)
        state.lists[key] = [list(names) for names in seen]
        group.add(key)
    options = state.options
    if options.givens and options.rule != "by-cite":
        changed = _document_hints(state, new)
        changed.update(key for key in new if _base_hints(state, key))  # first drawn without
        for key in changed:
            old = _set_start(bib, state, key)
            group.update(_members(state, old or ""))
            group.add(key)
    if state.reordered:
        group.update(k for ks in state.clusters.values() if len(ks) > 1 for k in ks)
        state.reordered = False
    _settle(bib, state, _component(state, group))


def _base_hints(state: _State, key: str) -> dict[gn.NameKey, str]:
    """The document-wide hints of the names a work shows."""
    hints = {n: state.hints.get(n, "") for names in state.lists.get(key, ()) for n in names}
    return {n: h for n, h in hints.items() if h}


def _set_start(bib: Any, state: _State, key: str) -> str | None:
    """Render a work with the document-wide given names only and file it in its cluster;
    the text of the cluster it left."""
    old = state.start.get(key)
    if old is not None:
        for part in _parts(old):
            state.clusters[part].remove(key)
            if not state.clusters[part]:
                del state.clusters[part]
    ref = bib.source[key]
    _clear(ref)
    hints = _base_hints(state, key)
    if hints:
        ref[gn.GIVENS] = hints
    text = _render(bib, key)
    state.start[key] = text
    for part in _parts(text):
        state.clusters.setdefault(part, []).append(key)
    return old


def _parts(text: str) -> list[str]:
    """A cite's forms (first, later), each a key of the clusters: alike in one is alike."""
    return [f"{index}\x1f{form}" for index, form in enumerate(text.split(_LATER))]


def _members(state: _State, text: str) -> set[str]:
    return {key for part in _parts(text) for key in state.clusters.get(part, ())}


def _component(state: _State, group: set[str]) -> set[str]:
    """The works alike, in any form, with the works of ``group``, and so on."""
    todo, out = list(group), set(group)
    while todo:
        for key in _members(state, state.start[todo.pop()]):
            if key not in out:
                out.add(key)
                todo.append(key)
    return out


def _document_hints(state: _State, new: list[str]) -> set[str]:
    """Add the names of new works to their families; the works whose hints change."""
    rule = state.options.rule
    primary = rule.startswith("primary")
    touched: set[str] = set()
    for key in new:
        for names in state.lists[key]:
            for name in names[:1] if primary else names:
                state.holders.setdefault(name, set()).add(key)
                family = gn.family(name)
                if family and gn.initials(name):
                    members = state.families.setdefault(family, set())
                    if name not in members:
                        members.add(name)
                        touched.add(family)
    changed: set[str] = set()
    for family in touched:
        hints = gn.family_hints(state.families[family], rule)
        for name in state.families[family]:
            hint = hints.get(name, "")
            if state.hints.get(name, "") != hint:
                state.hints[name] = hint
                changed.update(k for k in state.holders.get(name, ()) if k not in new)
    return changed


def _clear(ref: Any) -> None:
    for name in _STATE:
        dict.pop(ref, name, None)


def _render(bib: Any, key: str) -> str:
    """The plain cite of one work alone as the citation layout renders it: first cited, and
    cited again (where the style has position tests or et-al-subsequent options)."""
    from citeproc import Citation, CitationItem

    citation = bib.style.root.citation
    first = _render_as(bib, key, citation, [])
    if not _later_form(citation):
        return first
    before = [CitationItem(key), CitationItem("\0")]  # cited before, not just before
    for index, cite in enumerate(before):
        Citation([cite]).note_index = index + 1
    gn.SUBSEQUENT[0] = True  # et-al-subsequent-* in force
    try:
        later = _render_as(bib, key, citation, before)
    finally:
        gn.SUBSEQUENT[0] = False
    return first + _LATER + later


def _render_as(bib: Any, key: str, citation: Any, before: list[Any]) -> str:
    from citeproc import Citation, CitationItem

    RENDERS[0] += 1
    item = CitationItem(key)
    Citation([item]).bibliography = bib
    layout = citation.layout
    cites = getattr(citation, "cites", None)
    citation.cites = before
    layout.repressed = {}
    try:
        out = layout.render_children(item)
    except Exception:  # a work citeproc-py cannot render is never ambiguous
        return f"\0{key}"
    finally:
        citation.cites = cites if cites is not None else []
    return str(out) if out is not None else f"\0{key}"


def _later_form(citation: Any) -> bool:
    """The style renders later cites otherwise (cached on the citation element)."""
    found = getattr(citation, "_citekb_later", None)
    if found is None:
        names = "@et-al-subsequent-min or @et-al-subsequent-use-first"
        found = bool(
            citation.get("et-al-subsequent-min")
            or citation.get("et-al-subsequent-use-first")
            or citation.xpath_search(f".//cs:name[{names}]")
            or citation.get_root().xpath_search(".//*[@position]")
        )
        citation._citekb_later = found
    return bool(found)


def _settle(bib: Any, state: _State, group: set[str]) -> None:
    """Tell the alike cites among ``group`` apart (their earlier state is dropped); a work
    outside it that ends up alike joins the group and the pass runs again."""
    for _ in range(8):
        outside = _pass(bib, state, group)
        if not outside:
            return
        group = _component(state, group | outside)
    _pass(bib, state, group)


def _pass(bib: Any, state: _State, group: set[str]) -> set[str]:
    options = state.options
    keys = sorted(group, key=state.order.__getitem__)
    refs = {key: bib.source[key] for key in keys}
    current = {key: state.start[key] for key in keys}
    for key in keys:
        _clear(refs[key])
        hints = _base_hints(state, key)
        if hints:
            refs[key][gn.GIVENS] = hints
    rule = options.rule if options.givens else None
    flat = {key: [n for names in state.lists[key] for n in names] for key in keys}

    def rerender(groups: list[list[str]]) -> list[list[str]]:
        for keys_ in groups:
            for key in keys_:
                current[key] = _render(bib, key)
        return _collisions(current)

    def hint(keys_: list[str]) -> None:
        for key, hints in gn.by_cite_hints({k: flat[k] for k in keys_}).items():
            refs[key].setdefault(gn.GIVENS, {}).update(hints)

    groups = _collisions(current)
    if groups and options.names:
        for keys_ in groups:
            if rule == "by-cite":
                hint(keys_)
            for key, count in gn.add_names({k: flat[k] for k in keys_}, rule).items():
                refs[key][gn.NAMES] = count
        groups = rerender(groups)
    if groups and rule == "by-cite":
        for keys_ in groups:
            hint(keys_)
        groups = rerender(groups)
    if groups and options.year:
        for keys_ in groups:
            for index, key in enumerate(keys_):  # keys are in reference-list order
                refs[key][_SUFFIX] = year_letter(index)
        groups = rerender(groups)
    conditions = len(bib.style.root.xpath_search(".//*[@disambiguate]"))
    for level in range(1, conditions + 1):  # one more condition at a time, as citeproc-js
        if not groups:
            break
        for keys_ in groups:
            for key in keys_:
                refs[key][_FLAG] = level
        groups = rerender(groups)
    outside: set[str] = set()
    for key in keys:
        for part in _parts(state.final.get(key, "")) if key in state.final else ():
            state.final_index[part].discard(key)
        state.final[key] = current[key]
        for part in _parts(current[key]):
            others = state.final_index.setdefault(part, set())
            outside.update(k for k in others if k not in group)
            others.add(key)
    return outside


def _collisions(rendered: dict[str, str]) -> list[list[str]]:
    """The sets of works alike in some form (in the order of ``rendered``)."""
    parent = {key: key for key in rendered}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    seen: dict[str, str] = {}
    for key, text in rendered.items():
        for part in _parts(text):
            other = seen.setdefault(part, key)
            if other != key:
                parent[root(key)] = root(other)
    groups: dict[str, list[str]] = {}
    for key in rendered:
        groups.setdefault(root(key), []).append(key)
    return [keys for keys in groups.values() if len(keys) > 1]


_PLACED = './/cs:text[@variable="year-suffix" or @variable="citation-label"]'
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
        if self.get_root().xpath_search(_PLACED):  # the style or its label places it
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
    """``disambiguate="true"`` is one test among the condition's others, under its ``match``:
    "all" needs it, "any" is met by it alone, "none" fails on it."""
    met = model.If._citekb_met  # which Choose.render and If.render ask (csl_speed)
    tests: dict[Any, tuple[str, str] | None] = {}

    def if_met(self: Any, item: Any, context: Any = None) -> bool:
        if self not in tests:  # read once per element: most make no such test
            wants = self.get("disambiguate")
            tests[self] = None if wants is None else (wants, self.get("match", "all"))
        test = tests[self]
        if test is None:
            return bool(met(self, item, context))
        wants, match = test
        # the first ``level`` disambiguate conditions met in this render hold
        repressed = (context if context is not None else self).get_layout().repressed
        count = repressed["citekb:conditions"] = repressed.get("citekb:conditions", 0) + 1
        holds = (count <= (dict.get(item.reference, _FLAG) or 0)) == (wants.lower() == "true")
        if match == "any" and holds:
            return True
        if (match == "none" and holds) or (match == "all" and not holds):
            return False
        return bool(met(self, item, context))

    model.If._citekb_met = if_met
