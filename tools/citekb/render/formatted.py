"""The record of one work formatted alone (:class:`Formatted`) and how a style joins a
cluster (:class:`Layout`): what :mod:`citekb.render.style` makes and
:mod:`citekb.render.citeset` composes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from citekb.render import richtext as rt

if TYPE_CHECKING:
    from collections.abc import Mapping

    from citekb.render.richtext import Rich


@dataclass(frozen=True, slots=True)
class Layout:
    """How the style joins a cluster: brackets, delimiter, item sorting, same-author collapse."""

    prefix: str = "("
    suffix: str = ")"
    delimiter: str = "; "
    sort: bool = True
    collapse_year: bool = True
    #: A numeric style: citations show ``citation-number``, given in order of first citation
    #: (or of the sorted reference list when the bibliography sorts by something else).
    numeric: bool = False
    bibliography_sorted: bool = True
    collapse_number: bool = False  # "1–3" for a run of three or more numbers
    #: A note style (``class="note"``): each cluster becomes a numbered note.
    note: bool = False


def citation_layout(source: bytes) -> Layout:
    """Read ``<citation>`` and its ``<layout>`` from a CSL style (defaults: APA's)."""
    import xml.etree.ElementTree as ET

    ns = "{http://purl.org/net/xbiblio/csl}"
    try:
        root = ET.fromstring(source)
    except ET.ParseError:
        return Layout()
    citation = root.find(f"{ns}citation")
    layout = citation.find(f"{ns}layout") if citation is not None else None
    if citation is None or layout is None:
        return Layout()
    numeric = any(e.get("variable") == "citation-number" for e in layout.iter())
    bib_keys = root.findall(f"{ns}bibliography/{ns}sort/{ns}key")
    return Layout(
        prefix=layout.get("prefix", ""),
        suffix=layout.get("suffix", ""),
        delimiter=layout.get("delimiter", "; "),
        sort=citation.find(f"{ns}sort") is not None,
        collapse_year=citation.get("collapse", "").startswith("year"),
        numeric=numeric,
        bibliography_sorted=any(k.get("variable") != "citation-number" for k in bib_keys),
        collapse_number=citation.get("collapse", "") == "citation-number",
        note=root.get("class", "") == "note",
    )


@dataclass(frozen=True, slots=True)
class Later:
    """A note style's forms of a work after its first note (CSL ``position``): the short
    ``subsequent`` form and ``ibid``, each also as it reads before a locator ("ibid., ")."""

    subsequent: Rich
    subsequent_at: Rich
    ibid: Rich
    ibid_at: Rich

    def to_json(self) -> list[Any]:
        return [
            rt.to_json(r) for r in (self.subsequent, self.subsequent_at, self.ibid, self.ibid_at)
        ]

    @classmethod
    def from_json(cls, data: Any) -> Later | None:
        if not isinstance(data, list) or len(data) != 4:
            return None
        return cls(*(rt.from_json(r) for r in data))


@dataclass(frozen=True, slots=True)
class Formatted:
    """One entry formatted alone: its reference, and the pieces of its in-text citation."""

    key: str
    reference: Rich
    author: Rich  # "Holt-Lunstad et al.", empty for numeric styles
    year: str  # "2015", "n.d."; empty when the style shows no year
    cite: Rich  # the whole parenthetical body, "Holt-Lunstad et al., 2015"
    error: str = ""  # why citeproc-py failed; the fields then hold a plain fallback
    family: str = ""  # the first author's family name and initials, to tell apart
    initials: str = ""  # two first authors who share a family name
    names: tuple[str, ...] = ()  # every author's family name, to tell "et al." forms apart
    later: Later | None = None  # a note style's subsequent and ibid forms

    def to_json(self) -> dict[str, Any]:
        later = {"later": self.later.to_json()} if self.later is not None else {}
        return {
            **later,
            "reference": rt.to_json(self.reference),
            "author": rt.to_json(self.author),
            "year": self.year,
            "cite": rt.to_json(self.cite),
            "family": self.family,
            "initials": self.initials,
            "names": list(self.names),
        }

    @classmethod
    def from_json(cls, key: str, data: Mapping[str, Any]) -> Formatted:
        return cls(
            key,
            rt.from_json(data["reference"]),
            rt.from_json(data["author"]),
            str(data["year"]),
            rt.from_json(data["cite"]),
            family=str(data.get("family", "")),
            initials=str(data.get("initials", "")),
            names=tuple(str(n) for n in data.get("names", ())),
            later=Later.from_json(data.get("later")),
        )


def year_letter(index: int) -> str:
    """The year suffix of the ``index``-th work in a group: 0 -> a, 25 -> z, 26 -> aa."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("a") + rem) + out
    return out
