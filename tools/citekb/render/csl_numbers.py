"""Ordinals as citeproc-js renders them, added to citeproc-py: a locale's superscript
ordinal letters ("1ʳᵉ", "1.ª") become superscript markup ("1<sup>r</sup><sup>e</sup>").

Part of the adapter in :mod:`citekb.render.citeproc_tuning`; pinned to the same citeproc-py.
"""

from __future__ import annotations

import unicodedata
from typing import Any

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
        text = to_ordinal(number, context)
        wrap = getattr(context.get_formatter(), "Superscript", None)
        if wrap is None or not any(c in SUPERSCRIPTS for c in str(text)):
            return text
        return superscripted(str(text), wrap)

    model.to_ordinal = ordinal
    model._citekb_ordinals = True
