"""biblatex fields that plain BibTeX lacks, as CSL-JSON: localisation keys, language, titles of
multi-volume works, date ranges, original dates, e-prints, and "and others".

Everything here works on raw field text (before LaTeX decoding) or on the CSL item, and is
pure: :func:`citekb.sources.csl.entry_to_csl` calls it for every entry.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

#: biblatex localisation keys (``english.lbx``) as English words, so that a key written in a
#: ``type``, ``series``, ``pubstate`` or ``editortype`` field is never printed raw. Thesis
#: types use APA's wording (10.6); patent types are capitalised as APA writes "U.S. Patent No.".
LOCALISATION_KEYS: dict[str, str] = {
    "newseries": "new series",
    "oldseries": "old series",
    "mathesis": "Master's thesis",
    "phdthesis": "Doctoral dissertation",
    "candthesis": "Candidate thesis",
    "techreport": "Technical report",
    "resreport": "Research report",
    "software": "Computer software",
    "datacd": "CD-ROM",
    "audiocd": "Audio CD",
    "inpreparation": "in preparation",
    "submitted": "submitted",
    "forthcoming": "forthcoming",
    "inpress": "in press",
    "prepublished": "pre-published",
    "patent": "Patent",
    "patentde": "German Patent",
    "patenteu": "European Patent",
    "patentfr": "French Patent",
    "patentuk": "British Patent",
    "patentus": "U.S. Patent",
    "patreq": "Patent Request",
    "patreqde": "German Patent Request",
    "patreqeu": "European Patent Request",
    "patreqfr": "French Patent Request",
    "patrequk": "British Patent Request",
    "patrequs": "U.S. Patent Request",
    "editor": "editor",
    "compiler": "compiler",
    "founder": "founder",
    "continuator": "continuator",
    "redactor": "redactor",
    "reviser": "reviser",
    "collaborator": "collaborator",
    "organizer": "organizer",
    "director": "director",
    "countryde": "Germany",
    "countryeu": "European Union",
    "countryfr": "France",
    "countryuk": "United Kingdom",
    "countryus": "United States",
}


def ordinal_series(series: str) -> str:
    """A numeric series is an ordinal, as biblatex prints it: ``3`` -> ``3rd series``."""
    if not (series.isascii() and series.isdigit()) or len(series) > 4:
        return series
    number = int(series)
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix} series"


_LANG_KEY = re.compile(r"^lang([a-z]+)$")
#: ``langid``/``language`` values (biblatex/babel names and BCP 47 codes) that mean English.
_ENGLISH = frozenset(
    {
        "english",
        "american",
        "british",
        "canadian",
        "australian",
        "newzealand",
        "usenglish",
        "ukenglish",
        "en",
        "eng",
        "langenglish",
        "langamerican",
        "langbritish",
    }
)


def localised(value: str) -> str:
    """``patentus`` -> ``U.S. Patent``, ``langgerman`` -> ``German``; other text unchanged."""
    key = value.strip().strip("{}").strip()
    folded = key.casefold()
    if folded in LOCALISATION_KEYS:
        return LOCALISATION_KEYS[folded]
    match = _LANG_KEY.match(folded)
    if match and " " not in key:
        return match.group(1).capitalize()
    return value


def is_english(fields: Mapping[str, str]) -> bool:
    """True unless ``langid``/``language``/``hyphenation`` names another language.

    A work with no language field is taken to be in English, as BibTeX styles do.
    """
    for name in ("langid", "language", "hyphenation"):
        raw = fields.get(name, "").strip().strip("{}").strip()
        if raw:
            first = re.split(r"\s+and\s+|[,;]", raw, maxsplit=1)[0].strip().casefold()
            first = first.replace(" ", "")
            return first in _ENGLISH or first.startswith(("en-", "en_", "english"))
    return True


def compose_title(fields: Mapping[str, str], case: Callable[[str], str]) -> str | None:
    """The raw title with its subtitle, add-on and multi-volume main title, or None.

    APA 10.2: a volume of a multi-volume work is "Main title: Vol. 2. Volume title"; a
    ``maintitle`` without ``volume`` gives "Main title: Volume title".
    """
    own = _joined(fields, "title", "subtitle", case)
    addon = fields.get("titleaddon", "").strip()
    if own and addon:
        own = f"{own} [{addon.strip('[]')}]"
    if fields.get("booktitle"):  # a part: the main title belongs to the book it is in
        return own or None
    return _with_main(fields, own, case)


def issue_title_fields(fields: Mapping[str, str]) -> Mapping[str, str]:
    """A ``@periodical`` issue's own title (``issuetitle: issuesubtitle``) as title fields."""
    return {"title": fields.get("issuetitle", ""), "subtitle": fields.get("issuesubtitle", "")}


def compose_booktitle(fields: Mapping[str, str], case: Callable[[str], str]) -> str | None:
    """The raw title of the book a part is in: ``booktitle: booksubtitle``, with the main title."""
    own = _joined(fields, "booktitle", "booksubtitle", case)
    return _with_main(fields, own, case)


def _joined(
    fields: Mapping[str, str], title: str, subtitle: str, case: Callable[[str], str]
) -> str:
    main = fields.get(title, "").strip()
    sub = fields.get(subtitle, "").strip()
    if main and sub:
        return f"{case(main)}: {case(sub)}"
    return case(main or sub) if (main or sub) else ""


def _with_main(fields: Mapping[str, str], own: str, case: Callable[[str], str]) -> str | None:
    main = _joined(fields, "maintitle", "mainsubtitle", case)
    if not main:
        return own or None
    volume = fields.get("volume", "").strip()
    if own and volume:
        return f"{main}: Vol. {volume}. {own}"
    if volume:
        return f"{main} (Vol. {volume})"
    return f"{main}: {own}" if own else main


_DATE_PART = re.compile(
    r"^(-?[0-9]{4}|[yY]-?[0-9]{5,})(?:-([0-9]{1,2}))?(?:-([0-9]{1,2}))?(?:T\S*)?[?~%]?$"
)


def _date_parts(match: re.Match[str]) -> list[int]:
    """EDTF date parts as CSL's: a ``y`` year (``y-51234``) is a number, and EDTF's
    astronomical years (``0000`` is 1 BCE, ``-0050`` is 51 BCE) count back from 1 BCE as
    CSL's negative years do, so that APA prints "51 B.C.E."."""
    year, *rest = match.groups()
    number = int(year.lstrip("yY"))
    return [number if number > 0 else number - 1, *(int(p) for p in rest if p)]


def parse_iso_range(value: str) -> dict[str, Any] | None:
    """biblatex ISO 8601 dates: ``1984``, ``2004-10-27``, ``1984/1986``, ``1988-03/1989``;
    an open end (``1984/``) keeps the start, an open start (``../2004``) the end. ``None`` for
    anything else."""
    value = value.strip()
    start, _, end = value.partition("/")
    if start.strip() in {"", ".."} and end.strip() not in {"", ".."}:
        start, end = end, ""
    first = _DATE_PART.match(start.strip())
    if not first:
        return None
    parts = [_date_parts(first)]
    if end.strip() and end.strip() != "..":
        last = _DATE_PART.match(end.strip())
        if not last:
            return None
        later = _date_parts(last)
        if later[0] != parts[0][0]:  # within one year (a conference's days) the start is kept
            parts.append(later)
    parts = [p if len(p) < 2 or 1 <= p[1] <= 12 else p[:1] for p in parts]  # no seasons
    out: dict[str, Any] = {"date-parts": parts}
    if start.strip().endswith(("?", "~", "%")):
        out["circa"] = 1
    return out


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def cjk_literal(name: dict[str, str]) -> dict[str, str]:
    """A name in Chinese, Japanese or Korean script is written family name first, without a
    space and never as initials (CSL 1.0.2, "Name-part order"): ``肖, 发民`` -> ``肖发民``."""
    family, given = name.get("family", ""), name.get("given", "")
    if family and given and _CJK.search(family) and _CJK.search(given):
        return {"literal": family + given}
    return name


def original_date(fields: Mapping[str, str]) -> dict[str, Any] | None:
    """``origdate``/``origyear`` as CSL ``original-date`` (APA: "Original work published 1969")."""
    iso = fields.get("origdate", "").strip().strip("{}")
    if iso:
        return parse_iso_range(iso) or {"literal": iso}
    year = fields.get("origyear", "").strip().strip("{}")
    if year.isascii() and year.isdigit():
        return {"date-parts": [[int(year)]]}
    return {"literal": year} if year else None


_ORDINAL_WORDS = (
    *("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"),
    *("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth"),
    *("seventeenth", "eighteenth", "nineteenth", "twentieth"),
)
_ORDINALS = {word: str(n) for n, word in enumerate(_ORDINAL_WORDS, start=1)}
#: "Second", "2nd edition", "2d ed.", "Third Edn": an edition as an English word or ordinal.
_EDITION = re.compile(
    r"^(?:(?P<word>[a-z]+)|(?P<number>[0-9]{1,3})(?:st|nd|rd|th|d)?)\.?"
    r"(?:\s+(?:edition|edn\.?|ed\.?))?$",
    re.IGNORECASE,
)


def edition_number(value: str) -> str:
    """An edition written as an English word or ordinal is its number, which APA prints as
    "(2nd ed.)": ``Second`` / ``2nd edition`` -> ``2``; anything else ("Rev. ed.") unchanged."""
    match = _EDITION.match(value.strip())
    if not match:
        return value
    if match.group("number"):
        return match.group("number")
    return _ORDINALS.get(match.group("word").casefold(), value)


#: Business designations that APA (9.29) leaves out of a publisher's name, at its end.
_DESIGNATION = re.compile(
    r"(?:,?\s+(?:Inc|Ltd|LLC|L\.L\.C|Co|Corp|AG|GmbH|S\.A|SA|Pty|Pvt|PLC|Plc|B\.V|BV|N\.V"
    r"|S\.p\.A|SpA|S\.r\.l|KG|KGaA|Limited|Incorporated)\.?)+$"
)


def apa_publisher(name: str) -> str:
    """A publisher's name as APA 9.29 writes it, without "Inc.", "Ltd.", "LLC", "Co.", "AG",
    "GmbH", "S.A." or "Pty" at its end (of each of several publishers): "Wiley Inc." ->
    "Wiley", "Springer Science+Business Media, LLC" -> "Springer Science+Business Media".
    "Press" and "Books" stay, and so do "Smith & Co." and a name that is only the word."""
    out = []
    for part in name.split("; "):
        short = _DESIGNATION.sub("", part).rstrip()
        # "Smith & Co.", "Little, Brown and Co.": the word is part of the name
        kept = not short or short.endswith(("&", " and", ",")) or short == "&"
        out.append(part if kept else short)
    return "; ".join(out)


#: E-print archives: biblatex ``eprinttype`` -> (archive name, URL template for the id).
EPRINT_ARCHIVES: dict[str, tuple[str, str]] = {
    "arxiv": ("arXiv", "https://arxiv.org/abs/{}"),
    "biorxiv": ("bioRxiv", "https://doi.org/10.1101/{}"),
    "jstor": ("JSTOR", "https://www.jstor.org/stable/{}"),
    "pubmed": ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/{}/"),
    "pmid": ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/{}/"),
    "pmcid": ("PubMed Central", "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/"),
    "hdl": ("Handle", "https://hdl.handle.net/{}"),
    "googlebooks": ("Google Books", "https://books.google.com/books?id={}"),
    "ssrn": ("SSRN", "https://papers.ssrn.com/sol3/papers.cfm?abstract_id={}"),
}
_EPRINT_ID = re.compile(r"^[A-Za-z0-9._/:\-]{1,200}$")
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
#: A journal field that only names an arXiv preprint: "arXiv preprint arXiv:1806.06920",
#: "arXiv:1111.1797 [cs]", "ArXiv e-prints".
_ARXIV_JOURNAL = re.compile(
    r"^arxiv(?:\s+(?:preprint|e-?prints?))?[\s,:]*(?:arxiv:\s*|abs/)?"
    r"((?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)(?:\s*\[[^\]]*\])?\.?$",
    re.IGNORECASE,
)


def add_eprint(
    item: dict[str, Any], fields: Mapping[str, str], literal: Callable[[str], str]
) -> None:
    """An e-print (``eprint`` with ``eprinttype`` or ``archivePrefix``) keeps its archive and link.

    APA 10.8 shows a preprint as "Title (arXiv:ID). arXiv. URL": an entry that is not in a
    journal becomes a CSL ``article`` published by the archive, with its number; every
    e-print without a DOI or URL gets the archive's link.
    """
    kind = (fields.get("eprinttype") or fields.get("archiveprefix") or "").strip("{} ").casefold()
    ident = _ARXIV_PREFIX.sub("", literal(fields.get("eprint", "")))
    if not ident and kind in ("", "arxiv") and fields.get("arxivid"):
        kind, ident = "arxiv", _ARXIV_PREFIX.sub("", literal(fields["arxivid"]))
    if not kind and re.match(r"^\d{4}\.\d{4,5}(v\d+)?$", ident):
        kind = "arxiv"  # a modern arXiv identifier needs no eprinttype
    journal = _ARXIV_JOURNAL.match(literal(fields.get("journal") or fields.get("journaltitle", "")))
    if journal and kind in ("", "arxiv") and (not ident or ident == journal.group(1)):
        kind, ident = "arxiv", journal.group(1)  # Google Scholar: "arXiv preprint arXiv:ID"
        item.pop("container-title", None)
    if kind not in EPRINT_ARCHIVES or not _EPRINT_ID.match(ident):
        return
    archive, template = EPRINT_ARCHIVES[kind]
    if not item.get("DOI") and not item.get("URL"):
        item["URL"] = template.format(ident)
    in_journal = item.get("container-title") and item["type"] != "webpage"
    if kind in ("arxiv", "biorxiv", "ssrn") and not in_journal:
        item["type"] = "article"
        item.setdefault("publisher", archive)
        if item.get("status") in ("pre-published", "submitted"):
            del item["status"]  # a preprint is unpublished by definition (APA 10.8)
        item.pop("container-title", None)
        if kind == "arxiv":  # nocase: the style's capitalize-first would write "ArXiv"
            item.setdefault("number", f'<span class="nocase">arXiv:{ident}</span>')


#: A stand-in name for "and others" (a list the source itself truncated); the formatter turns
#: "…, & <this>" into "…, et al." (see :func:`citekb.render.apa_fixes.honest_others`).
OTHERS = "\ue010others\ue011"
