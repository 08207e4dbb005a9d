"""Write library entries as BibTeX, RIS or CSL-JSON (``citekb export`` and the site downloads).

Every writer is a pure function from entries to text. Entries arrive resolved (macros and
``crossref`` already applied), so an export of a few works stands on its own.
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import TYPE_CHECKING, Any

from citekb.sources.csl import entry_to_csl, latex_to_text

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence

    from citekb.core.model import Entry

#: Fields kept out of exports: ``crossref`` is already resolved, the rest is editorial.
PRIVATE_FIELDS: frozenset[str] = frozenset({"crossref", "verification"})

FORMATS: dict[str, str] = {"bibtex": ".bib", "csl-json": ".json", "ris": ".ris"}

_ESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")


def _balanced(value: str) -> bool:
    depth = 0
    for match in _ESCAPED_BRACE.finditer(value):
        depth += 1 if match.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0 and not value.endswith("\\")


def _bibtex_value(value: str) -> str:
    if _balanced(value):
        return "{" + value + "}"
    # An unbalanced brace cannot be enclosed as is; escaping keeps the text readable.
    return "{" + _ESCAPED_BRACE.sub(lambda m: "\\" + m.group(), value).rstrip("\\") + "}"


def to_bibtex(entries: Iterable[Entry], *, drop: Collection[str] = PRIVATE_FIELDS) -> str:
    """Entries as canonical BibTeX, in the order given, fields in ``citekb fmt`` order."""
    from citekb.sources.bibfmt import (  # heavy: bibtexparser; keeps citekb --help fast
        DEFAULT_ORDER,
        LAST_FIELDS,
    )

    rank = {name: i for i, name in enumerate(DEFAULT_ORDER)}
    last = {name: len(rank) + 1 + i for i, name in enumerate(LAST_FIELDS)}
    blocks = []
    for entry in entries:
        names = [n for n in entry.fields if n not in drop]
        names.sort(key=lambda n: last.get(n, rank.get(n, len(rank))))
        lines = [f"  {n} = {_bibtex_value(entry.fields[n])}" for n in names]
        body = ",\n".join(lines)
        blocks.append(
            f"@{entry.type}{{{entry.key},\n{body}\n}}" if lines else f"@{entry.type}{{{entry.key}}}"
        )
    return "\n\n".join(blocks) + "\n" if blocks else ""


def to_csl_json(entries: Iterable[Entry]) -> str:
    """Entries as a CSL-JSON array (the format Zotero and pandoc read)."""
    return join_blocks("csl-json", [csl_json_block(entry) for entry in entries])


def csl_json_block(entry: Entry) -> str:
    """One entry's CSL-JSON object, indented as an element of :func:`to_csl_json`'s array."""
    return textwrap.indent(json.dumps(entry_to_csl(entry), indent=2, ensure_ascii=False), "  ")


def entry_blocks(entry: Entry) -> dict[str, str]:
    """One entry in every export format, to be joined by :func:`join_blocks` (cacheable)."""
    return {
        "bibtex": to_bibtex([entry]).removesuffix("\n"),
        "csl-json": csl_json_block(entry),
        "ris": to_ris([entry]).removesuffix("\n"),
    }


def join_blocks(fmt: str, blocks: Sequence[str]) -> str:
    """The file of format ``fmt`` from its entries' blocks (as the ``to_*`` writers give it)."""
    if fmt == "csl-json":
        return "[\n" + ",\n".join(blocks) + "\n]\n" if blocks else "[]\n"
    return "\n\n".join(blocks) + "\n" if blocks else ""


#: CSL item types mapped to RIS reference types; anything else is ``GEN``.
RIS_TYPES: dict[str, str] = {
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
    "manuscript": "UNPB",
    "pamphlet": "PAMP",
    "dataset": "DATA",
    "software": "COMP",
    "entry-encyclopedia": "ENCYC",
}


def _ris_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    family = " ".join(filter(None, (name.get("non-dropping-particle"), name.get("family"))))
    return ", ".join(filter(None, (family, name.get("given"), name.get("suffix"))))


def _ris_date(date: dict[str, Any] | None) -> str:
    if not date:
        return ""
    if "literal" in date:
        return str(date["literal"])
    parts = [str(p) for p in date["date-parts"][0]]
    return "/".join(parts[:1] + [p.zfill(2) for p in parts[1:]] + [""] * (3 - len(parts))) + "/"


def _ris_item(entry: Entry, item: dict[str, Any], latex: Callable[[str], str]) -> list[str]:
    rows: list[tuple[str, str]] = [("TY", RIS_TYPES.get(str(item["type"]), "GEN"))]
    rows += [("AU", _ris_name(n)) for n in item.get("author", [])]
    rows += [("ED", _ris_name(n)) for n in item.get("editor", [])]
    for tag, key in (("TI", "title"), ("T2", "container-title"), ("T3", "collection-title")):
        if item.get(key):
            rows.append((tag, item[key]))
    issued = item.get("issued")
    if issued and "date-parts" in issued:
        rows.append(("PY", str(issued["date-parts"][0][0])))
    if date := _ris_date(issued):
        rows.append(("DA", date))
    for tag, key in (("VL", "volume"), ("IS", "issue"), ("IS", "number"), ("ET", "edition")):
        if item.get(key):
            rows.append((tag, str(item[key])))
    if page := str(item.get("page", "")):
        start, _, end = page.partition("-")
        rows.append(("SP", start.strip()))
        if end.strip():
            rows.append(("EP", end.strip()))
    for tag, key in (("PB", "publisher"), ("CY", "publisher-place"), ("SN", "ISBN")):
        if item.get(key):
            rows.append((tag, str(item[key])))
    if item.get("ISSN") and not item.get("ISBN"):
        rows.append(("SN", str(item["ISSN"])))
    for tag, key in (("DO", "DOI"), ("UR", "URL"), ("N1", "note")):
        if item.get(key):
            rows.append((tag, str(item[key])))
    if accessed := _ris_date(item.get("accessed")):
        rows.append(("Y2", accessed))
    if abstract := entry.get("abstract"):
        rows.append(("AB", latex(abstract)))
    rows += [("KW", k.strip()) for k in latex(entry.get("keywords")).split(",") if k.strip()]
    rows += [("ID", entry.key), ("ER", "")]
    # RIS is line-based: a value must not span lines.
    return [f"{tag}  - {' '.join(value.split())}" for tag, value in rows]


def to_ris(entries: Iterable[Entry]) -> str:
    """Entries as RIS records (read by EndNote, Zotero, Mendeley and most catalogues)."""
    records = ["\n".join(_ris_item(e, entry_to_csl(e), latex_to_text)) for e in entries]
    return "\n\n".join(records) + "\n" if records else ""


WRITERS: dict[str, Callable[[Iterable[Entry]], str]] = {
    "bibtex": to_bibtex,
    "csl-json": to_csl_json,
    "ris": to_ris,
}


def export_entries(entries: Iterable[Entry], fmt: str) -> str:
    """Entries in format ``fmt`` (a key of :data:`FORMATS`)."""
    return WRITERS[fmt](entries)
