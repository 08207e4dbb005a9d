"""Convert BibTeX entries to CSL-JSON items: names, dates, types, LaTeX decoded to Unicode."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from citekb.core.identifiers import strip_doi_prefix
from citekb.sources import biblatex_fields as bx
from citekb.sources import entry_types
from citekb.sources.bibnames import AND, split_top
from citekb.sources.bibnames import has_others as has_others
from citekb.sources.bibnames import parse_name as parse_name
from citekb.sources.bibnames import parse_names as parse_names
from citekb.sources.latex import URL_MACRO
from citekb.sources.latex import latex_to_text as latex_to_text
from citekb.sources.latex import literal_text as literal_text

if TYPE_CHECKING:
    from citekb.core.model import Entry

#: Entry types mapped to CSL types (:mod:`citekb.sources.entry_types`).
TYPES = entry_types.TYPES

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

#: Plain text fields copied after LaTeX decoding: BibTeX name -> CSL name.
_TEXT_FIELDS = {
    "title": "title",
    "shorttitle": "title-short",  # APA's in-text citations of works without an author
    "subtitle": "",  # joined onto the title below
    "volumes": "number-of-volumes",
    "volume": "volume",
    "edition": "edition",
    "isbn": "ISBN",
    "issn": "ISSN",
    "note": "note",
    "abstract": "",
    "chapter": "chapter-number",
    "version": "version",
}

#: Name fields: BibTeX/biblatex -> CSL (``bookauthor`` wrote the book a part is in).
_ROLES = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
}
#: A name that is a publisher of its own ("… of Crystallography and Oxford University Press").
_PUBLISHER_WORD = re.compile(r"\b(?:Press|University|Verlag|Publishers|Publishing)\b")
_INNER_WORD = re.compile(r"\s(?:of|for|on|in|the|de|für|des|du)\s", re.IGNORECASE)
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{1,2}))?(?:-([0-9]{1,2}))?")


def normalize_doi(value: str) -> str:
    """``https://doi.org/10.1/x`` or ``doi:10.1/x`` -> ``10.1/x``, LaTeX braces removed."""
    return strip_doi_prefix(literal_text(value))


def parse_date(entry: Entry, prefix: str = "") -> dict[str, Any] | None:
    """CSL date from biblatex ``date``/``urldate`` (ranges ``1984/1986`` too) or BibTeX
    ``year``/``month``/``day``."""
    iso = literal_text(entry.get(f"{prefix}date"))
    if iso:
        parsed = bx.parse_iso_range(iso)
        if parsed:
            return parsed
        match = _DATE.match(iso)
        if match:
            return {"date-parts": [[int(p) for p in match.groups() if p]]}
        return {"literal": iso}
    if prefix:
        return None
    year = literal_text(entry.get("year"))
    if not year:
        return None
    if not _ascii_digits(year):
        return {"literal": year}
    parts = [int(year)]
    month = literal_text(entry.get("month")).lower().rstrip(".")
    month_number = _MONTHS.get(month[:3] if month[:3] in _MONTHS else month) or (
        int(month) if _ascii_digits(month) and 1 <= int(month) <= 12 else 0
    )
    if month_number:
        parts.append(month_number)
        day = literal_text(entry.get("day"))
        if _ascii_digits(day):
            parts.append(int(day))
    return {"date-parts": [parts]}


_HYPHENED_RANGE = re.compile(r"^(\d+)\s*-\s*(\d+)$")


def _ascii_digits(value: str) -> bool:
    """``str.isdigit`` accepts "²" and other digits that ``int`` rejects."""
    return value.isascii() and value.isdigit()


def csl_type(entry: Entry) -> str:
    kind = entry_types.mapped_type(entry.type, entry.fields) or "document"
    has_url = entry.get("url") or _url_in(entry.get("howpublished"))
    if kind == "document" and has_url and not entry.get("publisher"):
        return "webpage"
    return kind


def entry_to_csl(entry: Entry) -> dict[str, Any]:
    """A CSL-JSON item for one entry (``id`` is the citation key)."""
    get = entry.get
    kind = csl_type(entry)
    item: dict[str, Any] = {"id": entry.key, "type": kind}
    for bib, csl in _TEXT_FIELDS.items():
        if csl and get(bib):
            item[csl] = latex_to_text(get(bib))
    if "edition" in item:
        item["edition"] = bx.edition_number(item["edition"])  # "Second" -> "(2nd ed.)"
    title = bx.compose_title(entry.fields, _same)
    if title:
        item["title"] = latex_to_text(title)
    if get("maintitle") and get("volume"):
        item.pop("volume", None)  # "Main title: Vol. 2. Title" (APA 10.2), or the book it is in
    elif _HYPHENED_RANGE.match(item.get("volume", "")):  # "1-5" is a range: "Vols. 1–5"
        item["volume"] = _HYPHENED_RANGE.sub("\\1\u2013\\2", item["volume"])
    if get("language"):
        item["language"] = latex_to_text(bx.localised(get("language")))
    for role, csl_role in _ROLES.items():
        if get(role):
            names = parse_names(get(role))
            if names:
                item[csl_role] = names
    if item.get("editor") and bx.localised(get("editortype") or "").casefold() == "director":
        item["director"] = item.pop("editor")  # a film's director: "Kubrick, S. (Director)."
    if (
        kind != "chapter"
        and "container-author" in item
        and item["container-author"] == item.get("author")
    ):
        del item["container-author"]  # a book by its own author: not "(By F. Nietzsche; …)"
    # biblatex files give whole books a booktitle (their own title) for children to inherit
    whole_book = kind == "book" and entry.type not in ("inbook", "bookinbook", "suppbook")
    booktitle = bx.compose_booktitle(entry.fields, _same) if get("booktitle") else None
    booktitle = None if whole_book else booktitle
    journal = get("journal") or get("journaltitle")
    if journal and get("journalsubtitle"):
        journal = f"{journal}: {get('journalsubtitle')}"
    container = journal or booktitle
    if container:
        item["container-title"] = latex_to_text(container)
    elif kind == "webpage" and get("organization"):
        item["container-title"] = latex_to_text(get("organization"))
    if kind == "periodical" and get("issuetitle") and item.get("title"):
        # an issue with its own title, in its journal: "Issue title. (2011). Journal, 35(4)."
        item["container-title"] = item["title"]
        item["title"] = latex_to_text(bx.compose_title(bx.issue_title_fields(entry.fields), _same))
    if get("series"):
        series = latex_to_text(bx.localised(get("series")))
        item["collection-title"] = bx.ordinal_series(series)
    if get("number"):
        item[_number_variable(kind, entry)] = latex_to_text(get("number"))
    if get("pages"):
        item["page"] = re.sub(r"[-\u2010-\u2015]+", "-", literal_text(get("pages")))
    article_number = get("eid") or get("articleno") or get("article-number")
    if kind == "article-journal" and article_number and "page" not in item:
        item["number"] = literal_text(article_number)  # "Article 124106" (APA 10.1)
    publisher = (
        get("publisher") or get("institution") or get("school") or get("organization")
        if kind != "webpage"
        else get("publisher")
    )
    howpublished = get("howpublished")
    if not publisher and howpublished and not _url_in(howpublished):
        publisher = howpublished  # misc: "The Guardian", "Blog post on …"
    if publisher:
        listed = _publishers(publisher) if publisher == get("publisher") else publisher
        item["publisher"] = latex_to_text(listed)
    place = get("address") or get("location")
    if place:
        item["publisher-place"] = latex_to_text(place)
    if kind == "thesis":
        item["genre"] = latex_to_text(bx.localised(get("type"))) or (
            "Master's thesis" if entry.type == "mastersthesis" else "Doctoral dissertation"
        )
    elif get("type"):
        item["genre"] = latex_to_text(bx.localised(get("type")))
    elif kind == "motion_picture" and (
        entry.type in ("movie", "film") or get("entrysubtype").strip().casefold() == "film"
    ):
        item["genre"] = "Film"  # APA 10.12: "[Film]", not the locale's "[Video recording]"
    if get("pubstate"):
        item["status"] = latex_to_text(bx.localised(get("pubstate")))
    issued = parse_date(entry)
    if issued and entry.type == "patent" and "date-parts" in issued:
        issued = {"date-parts": [[issued["date-parts"][0][0]]]}  # APA: the year of issue
    original = bx.original_date(entry.fields)
    if original and not issued:  # only the original date is known: it dates the work
        issued, original = original, None
    if issued:
        item["issued"] = issued
    if original:
        item["original-date"] = original
    if kind in ("paper-conference", "speech"):  # a paper or talk at an event (APA 10.5)
        _add_event(item, entry)
    accessed = parse_date(entry, "url")
    if accessed:
        item["accessed"] = accessed
    if get("doi"):
        item["DOI"] = normalize_doi(get("doi"))
    url = get("url") or _url_in(get("howpublished"))
    if url:
        item["URL"] = literal_text(url)
    bx.add_eprint(item, entry.fields, literal_text)
    return item


def _add_event(item: dict[str, Any], entry: Entry) -> None:
    """``eventtitle``, ``venue`` and ``eventdate``: "Event title, Place" after the title."""
    if entry.get("eventtitle"):
        item["event"] = latex_to_text(entry.get("eventtitle"))
    if entry.get("venue"):
        item["event-place"] = latex_to_text(entry.get("venue"))
    event_date = parse_date(entry, "event")
    if event_date:
        item["event-date"] = event_date


def _publishers(value: str) -> str:
    """biblatex lists publishers with ``and``; APA (9.29) separates them with semicolons.

    Only when every part is a name of two or more words ("Deutscher Taschenbuch-Verlag and
    Walter de Gruyter"): "Chapman and Hall", "John Wiley and Sons" and "Routledge and Kegan
    Paul" are each one publisher, whose name keeps its "and", and so is a name whose "and"
    follows "of" or "for" ("U.S. Department of Health and Human Services") unless the last
    part is a publisher's name of its own ("… and Oxford University Press"). Only the
    ``publisher`` field is a list; ``institution`` and ``howpublished`` are one name or text.
    """
    parts = split_top(" ".join(value.split()), AND)
    if len(parts) < 2 or any(len(part.split()) < 2 for part in parts):
        return value
    if not _PUBLISHER_WORD.search(parts[-1]) and any(
        _INNER_WORD.search(part) for part in parts[:-1]
    ):
        return value  # "Department of Health and Human Services": one name
    return "; ".join(parts)


def _same(value: str) -> str:
    return value


def _number_variable(kind: str, entry: Entry) -> str:
    """A journal's ``number`` is its issue; a book's (in a series) its number in the series,
    which APA leaves out (10.2), as for proceedings (else the style prints "Article 1" in
    place of the pages); anything else (reports, patents) keeps its own number."""
    if kind in ("article-journal", "periodical"):
        return "issue"
    if kind == "paper-conference":
        return "collection-number"  # the proceedings' number in a series, which APA omits
    if kind in ("book", "chapter") and entry.type not in ("report", "techreport", "manual"):
        return "collection-number"
    return "number"


_BARE_URL = re.compile(r"^\{?\s*(https?://[^\s{}]+)\s*\}?$")


def _url_in(value: str) -> str:
    """The URL in a ``howpublished`` field: ``\\url{…}`` anywhere in it, or the whole field."""
    match = URL_MACRO.search(value) or _BARE_URL.match(value.strip())
    return match.group(1) if match else ""
