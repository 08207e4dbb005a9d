"""Term forms that fall back as CSL 1.0.2 says, added to citeproc-py (which returns no term):
"verb-short" to "verb" then the long form, "symbol" to "short" then long, "short" to long
("by" for ``reviewed-author`` with ``form="verb-short"``); a term that is only a line break
and indentation (``<term name="and others">`` on two lines) is empty.

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
"""

from __future__ import annotations

from typing import Any

#: A term form, and the form to try when a locale lacks it (None: the long form).
FALLBACK: dict[str, str | None] = {
    "verb-short": "verb",
    "verb": None,
    "symbol": "short",
    "short": None,
}

#: Term look-ups remembered at most (a name may come from a citation's locator label).
_TERMS = 10_000


def install_term_fallback() -> None:
    """Wrap ``CitationStylesElement.get_term`` (a missing form falls back; each look-up made
    once, as a style's locales never change) and the ``Term`` texts (an indented line break
    is no text)."""
    from citeproc import model
    from citeproc.string import String

    if getattr(model.CitationStylesElement, "_citekb_terms", False):
        return
    get_term = model.CitationStylesElement.get_term
    found: dict[tuple[Any, ...], Any] = {}

    def falling_back(self: Any, name: Any, form: Any = None, *args: Any, **kw: Any) -> Any:
        # the term an element's style (or locale) has never changes: looked up once
        key = (self.get_root(), name, form, *args, *sorted(kw.items()))
        if key in found:
            return found[key]
        term = get_term(self, name, form, *args, **kw)
        while term is None and form in FALLBACK:
            form = FALLBACK[form]
            term = get_term(self, name, form, *args, **kw)
        if len(found) < _TERMS:
            found[key] = term
        return term

    def blank(prop: Any) -> property:
        def text(self: Any) -> Any:
            value = prop.fget(self)
            return String("") if "\n" in str(value) and not str(value).strip() else value

        return property(text)

    model.CitationStylesElement.get_term = falling_back
    model.Term.single = blank(model.Term.single)
    model.Term.multiple = blank(model.Term.multiple)
    model.CitationStylesElement._citekb_terms = True
