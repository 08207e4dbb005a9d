"""Ordinals as citeproc-js renders them, added to citeproc-py: the ordinal term agrees in
gender with its noun (the variable's term, or the month for a day: "1ᵉʳ octobre", "1ʳᵉ
édition"), the first locale that defines ordinal terms supplies all of them (CSL 1.0.1), and
a locale's superscript ordinal letters become superscript markup ("1<sup>e</sup><sup>r</sup>").

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
"""

from __future__ import annotations

import unicodedata
from contextvars import ContextVar
from typing import Any

#: The gender of the noun an ordinal day is counted in (its month's term), while it renders.
DAY_GENDER: ContextVar[str | None] = ContextVar("citekb_day_gender", default=None)

#: Superscript letters a locale's ordinal terms use, and their plain letters.
SUPERSCRIPTS = {
    "\u00aa": "a",
    "\u00ba": "o",
    **{
        char: unicodedata.name(char).rsplit(" ", 1)[-1].lower()
        for char in "\u02b3\u1d49\u02e2\u1d48\u207f\u1d57\u02b0\u1d52\u1d43\u02e1\u1d50"
    },
}


def superscripted(text: str, wrap: Any) -> str:
    """``text`` with each superscript letter as ``wrap(letter)``."""
    return "".join(wrap(SUPERSCRIPTS[c]) if c in SUPERSCRIPTS else c for c in text)


def install_ordinals() -> None:
    """Wrap ``citeproc.model.to_ordinal`` (module-level, looked up at each call)."""
    from citeproc import model

    if getattr(model, "_citekb_ordinals", False):
        return
    to_ordinal = model.to_ordinal

    def ordinal(number: Any, context: Any) -> Any:
        try:
            suffix = _ordinal_term(int(number), context, _gender(context))
        except (TypeError, ValueError):  # not a whole number: citeproc-py's own answer
            suffix = None
        text = to_ordinal(number, context) if suffix is None else f"{number}{suffix}"
        wrap = getattr(context.get_formatter(), "Superscript", None)
        if wrap is None or not any(c in SUPERSCRIPTS for c in str(text)):
            return text
        return superscripted(str(text), wrap)

    model.to_ordinal = ordinal
    model._citekb_ordinals = True


def _gender(context: Any) -> str | None:
    """The gender of the noun an ordinal counts: the number's variable's term, else a day's
    month."""
    if context.tag.endswith("}number") and context.get("variable"):
        term = context.get_term(context.get("variable").replace("_", "-"))
        return None if term is None else term.get("gender")
    return DAY_GENDER.get()


def _ordinal_term(number: int, context: Any, gender: str | None) -> str | None:
    """The ordinal suffix from the first locale that defines ordinal terms, or None."""
    for locale in getattr(context.get_root(), "locales", None) or ():
        terms = getattr(locale, "terms", None)
        found = [] if terms is None else [t for t in terms.iterchildren() if _is_ordinal(t)]
        if found:
            return _pick(found, number, gender)
    return None


def _is_ordinal(term: Any) -> bool:
    name = str(term.get("name") or "")
    return name == "ordinal" or (name.startswith("ordinal-") and name[8:].isdigit())


def _pick(terms: list[Any], number: int, gender: str | None) -> str:
    def applies(term: Any) -> bool:
        name = str(term.get("name"))
        if name == "ordinal":
            return True
        value = int(name[8:])
        match = term.get("match") or ("last-digit" if value < 10 else "last-two-digits")
        if match == "whole-number":
            return number == value
        if match == "last-two-digits":
            return number % 100 == value
        return number % 10 == value

    def rank(term: Any) -> tuple[int, int]:
        name = str(term.get("name"))
        specific = 0 if name == "ordinal" else (2 if term.get("match") == "whole-number" else 1)
        if specific == 1 and int(name[8:]) >= 10:
            specific = 2  # "ordinal-11" before "ordinal-01"
        return specific, 1 if term.get("gender-form") == gender else 0

    usable = [t for t in terms if applies(t) and t.get("gender-form") in (None, gender)]
    if not usable:
        return ""
    best = max(usable, key=rank)
    return str(best.text or "")
