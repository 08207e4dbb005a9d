"""CSL-JSON variable aliases that citeproc-js reads and citeproc-py does not: Zotero's
``journalAbbreviation`` is the ``container-title-short`` (``form="short"`` of a journal
title). Part of the adapter (:mod:`citekb.render.csl_adapter`) (pinned to the same
citeproc-py)."""

from __future__ import annotations

from typing import Any

#: Input name -> CSL variable, used when the item has no value for the variable itself.
ALIASES = {"journalAbbreviation": "container-title-short"}


def install_variable_aliases() -> None:
    """Patch ``CiteProcJSON.__init__`` once to read the aliases (the items are not changed)."""
    from citeproc.source.json import CiteProcJSON

    if getattr(CiteProcJSON, "_citekb_aliases", False):
        return
    init = CiteProcJSON.__init__

    def aliased_init(self: Any, json_data: Any, *args: Any, **kwargs: Any) -> None:
        init(self, [with_aliases(item) for item in json_data], *args, **kwargs)

    CiteProcJSON.__init__ = aliased_init
    CiteProcJSON._citekb_aliases = True


def with_aliases(item: Any) -> Any:
    """``item`` with each alias copied to its CSL variable where that is missing."""
    if not isinstance(item, dict) or not any(alias in item for alias in ALIASES):
        return item
    out = dict(item)
    for alias, variable in ALIASES.items():
        if alias in out:
            value = out.pop(alias)
            out.setdefault(variable, value)
    return out
