"""A macro that printed nothing for a work prints nothing again, without its walk, for any
work of the same type and language that has the same of its variables: APA's
``publication-history``, ``label-locator``, ``source-archive`` and a dozen more print
nothing for most works (walking them was a sixth of a work's time in APA).

Sound because what a macro prints can depend on a variable's value only where it prints that
variable (and then it is not empty), tests it with ``is-numeric`` or ``is-uncertain-date``,
or labels it: a work with such a variable is walked every time. Two more reasons a present
variable prints nothing, an empty value and a substitute that printed it already, are
counted (:mod:`citekb.render.csl_groups`' ``_HOLLOW``), and such a result is not kept.
A macro is never memoised when its output can depend on more than the work: a ``position``
or ``disambiguate`` test, a generated variable (``citation-number``, ``year-suffix``,
``citation-label``, ``first-reference-note-number``), a ``cs:names`` without a variable, a
missing macro; nor while a sort key is rendered. Replaying an empty result repeats its one
effect on group suppression: the variables it asked for. Part of the adapter
(:mod:`citekb.render.csl_adapter`); installed after :mod:`citekb.render.csl_groups`, whose
``Macro.render`` it wraps.
"""

from __future__ import annotations

from typing import Any

from citekb.render.csl_groups import _CALLED, _HOLLOW, _RENDERED, spellings

#: Variables whose value the processor makes (numbering, disambiguation, labels), not the work.
_GENERATED = frozenset(
    {"citation-number", "year-suffix", "citation-label", "first-reference-note-number"}
)
#: Attributes whose test reads the citation or the disambiguation, not the work.
_STATEFUL = ("position", "disambiguate")
_LOCATOR = frozenset({"locator"})
_MACRO = "{http://purl.org/net/xbiblio/csl}macro"
_UNREAD: Any = object()  # a macro not read yet (None: read, never memoised)
#: Memoised empty results at most (the keys hold a work's language, which any file may set).
_LIMIT = 20_000


def install_empty_macros() -> None:
    """Wrap ``Macro.render`` (once) with the memo of empty results."""
    from citeproc import model

    if getattr(model.Macro, "_citekb_empty", False):
        return
    render_macro = model.Macro.render
    plans: dict[Any, Reads | None] = {}
    empty: dict[tuple[Any, Any, Any, Any, frozenset[str]], int] = {}

    def render(self: Any, item: Any, context: Any = None, sort_options: Any = None) -> Any:
        plan = plans.get(self, _UNREAD)
        if plan is _UNREAD:  # the first of this style's macros met: read them all (before
            # any renders, so none is read while csl_patches lends a cs:names other variables)
            plans.update(variables_read(self.getparent()))
            plan = plans.setdefault(self, None)
        if plan is None or sort_options is not None:
            return render_macro(self, item, context=context, sort_options=sort_options)
        names, values = plan
        reference = item.reference
        present = names.intersection(reference)  # in C, over the work's few fields
        if "locator" in names and "locator" in item:
            present |= _LOCATOR
        if present and not values.isdisjoint(present):  # a value is tested: no memo
            return render_macro(self, item, context=context, sort_options=sort_options)
        kind, language = dict.get(reference, "type"), dict.get(reference, "language")
        if not isinstance(kind, str) or not isinstance(language, str | None):
            return render_macro(self, item, context=context, sort_options=sort_options)
        key = (self, context, kind, language, present)
        asked = empty.get(key)
        if asked is not None:
            _CALLED[0] += asked
            return None
        called, rendered, hollow = _CALLED[0], _RENDERED[0], _HOLLOW[0]
        out = render_macro(self, item, context=context, sort_options=sort_options)
        kept = out is None and (_RENDERED[0], _HOLLOW[0]) == (rendered, hollow)
        if kept and len(empty) < _LIMIT:
            empty[key] = _CALLED[0] - called
        return out

    model.Macro.render = render
    model.Macro._citekb_empty = True


#: A macro's variables in every spelling, and those of them whose value a test or a label
#: reads (``is-numeric``, ``is-uncertain-date``, a label's plural, the locator's type).
Reads = tuple[frozenset[str], frozenset[str]]


def variables_read(style: Any) -> dict[Any, Reads | None]:
    """What each macro of a style reads or tests, through the macros it calls, each variable
    in every spelling citeproc-py may look up (``title`` also as ``title_short``,
    ``page-first`` as ``page``); None for a macro whose output may depend on more than the
    work (see the module's docstring), or that calls itself. Each macro is read once and each
    call followed once, so a hostile style costs time in proportion to its size."""
    macros: dict[str, Any] = {}
    for macro in style.iterchildren(_MACRO):
        macros.setdefault(macro.get("name"), macro)  # citeproc-py takes the first
    own = {macro: _own_reads(macro, macros) for macro in macros.values()}
    out: dict[Any, Reads | None] = {}
    expanded: set[Any] = set()
    for first in own:
        stack = [first]
        while stack:  # depth first, without recursion: a chain of macros can be long
            macro = stack[-1]
            facts = own[macro]
            if macro in out or facts is None:
                out.setdefault(macro, None)
                stack.pop()
            elif macro not in expanded:
                expanded.add(macro)
                stack.extend(called for called in facts[2] if called not in out)
            else:  # its calls are done; or it is met again in a cycle, and one of them is not
                stack.pop()
                done = [out.get(called) for called in facts[2]]
                if any(reads is None for reads in done):
                    out[macro] = None
                else:
                    out[macro] = (
                        facts[0].union(*(reads[0] for reads in done if reads)),
                        facts[1].union(*(reads[1] for reads in done if reads)),
                    )
    return out


#: A macro's own reads (the ``Reads`` of its elements) and the macros it calls.
_Own = tuple[frozenset[str], frozenset[str], tuple[Any, ...]]


def _own_reads(macro: Any, macros: dict[str, Any]) -> _Own | None:
    """What a macro's own elements read, and the macros they call; None where its output
    may depend on more than the work, or a macro it calls is missing."""
    read: set[str] = set()
    valued: set[str] = set()
    calls: list[Any] = []
    for element in macro.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        attrib = element.attrib
        if any(name in attrib for name in _STATEFUL):
            return None
        tag = element.tag.rpartition("}")[2]
        if tag == "names" and "variable" not in attrib:
            return None
        named = attrib.get("variable", "").split()
        read.update(named)
        if tag == "label":
            valued.update(named)
        for name in ("is-numeric", "is-uncertain-date"):
            valued.update(attrib.get(name, "").split())
        if "locator" in attrib:  # a test of the locator's type
            valued.add("locator")
        if "macro" in attrib:
            if attrib["macro"] not in macros:
                return None  # let citeproc-py raise as it does
            calls.append(macros[attrib["macro"]])
    read |= valued
    if read & _GENERATED:
        return None
    return frozenset(_spelled(read)), frozenset(_spelled(valued)), tuple(calls)


def _spelled(variables: set[str]) -> set[str]:
    return {form for name in variables for form in spellings(name)}
