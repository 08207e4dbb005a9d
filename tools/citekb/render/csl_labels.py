"""``citation-label`` (CSL 1.0.2) added to citeproc-py, which prints nothing for it: the
work's own label, else citeproc-js's trigraph of its authors and year ("Asth00", "BrCh98",
"DEFG26"), sortable, with the work's year suffix after it ("Asth00a"). Installed by
:func:`citekb.render.csl_disambiguate.install_disambiguation`; part of the adapter in
:mod:`citekb.render.csl_adapter`, pinned to the same citeproc-py.
"""

from __future__ import annotations

from typing import Any

#: The year suffix the disambiguation gives a work (on citeproc-py's reference).
SUFFIX = "year_suffix"


def install_labels() -> None:
    """``citation-label``: the work's own, else a trigraph of its authors and year ("Asth00",
    "BrCh98", "DEFG26", as citeproc-js); a year suffix follows the label."""
    from citeproc import model, source

    if getattr(model.Text, "_citekb_labels", False):
        return
    variable = model.Text._variable

    def text_variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") != "citation-label":
            return variable(self, item, context)
        from citeproc.string import String

        reference = item.reference
        label = dict.get(reference, "citation_label") or trigraph(reference)
        if not label:
            return None
        suffix = dict.get(reference, SUFFIX) or ""
        if self.get_root().xpath_search('.//cs:text[@variable="year-suffix"]'):
            suffix = ""
        return String(str(label) + suffix)

    model.Text._variable = text_variable
    get_field = source.CitationItem.get_field

    def get_field_labelled(self: Any, name: str) -> Any:
        value = get_field(self, name)
        if value is None and name == "citation_label":
            value = trigraph(self.reference) or None  # sorted by the label it shows
        return value

    source.CitationItem.get_field = get_field_labelled
    model.Text._citekb_labels = True


def trigraph(reference: Any) -> str:
    """citeproc-js's default label, ``Aaaa00:AaAa00:AaAA00:AAAA00``: letters of the first
    one to four family names (particles left out), then the year's last two digits."""
    names = dict.get(reference, "author") or dict.get(reference, "editor") or []
    families = []
    for name in names[:4]:
        family = str(dict.get(name, "family") or dict.get(name, "literal") or "")
        words = family.split()
        while len(words) > 1 and words[0][:1].islower():
            words = words[1:]  # "von Dipheria" -> "Dipheria"
        families.append(" ".join(words))
    widths = {1: (4,), 2: (2, 2), 3: (2, 1, 1)}.get(len(families), (1, 1, 1, 1))
    head = "".join(f[:w] for f, w in zip(families, widths, strict=False))
    issued = dict.get(reference, "issued")
    year = str(getattr(issued, "year", "") or "") if issued is not None else ""
    return head + year[-2:]
