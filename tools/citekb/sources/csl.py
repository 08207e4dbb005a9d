"""Convert BibTeX entries to CSL-JSON items: names, dates, types, LaTeX decoded to Unicode."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from citekb.core.identifiers import strip_doi_prefix

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

    from citekb.core.model import Entry

#: BibTeX (and biblatex) entry types mapped to CSL types; anything else becomes ``document``.
TYPES: dict[str, str] = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "collection": "book",
    "proceedings": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "report",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "online": "webpage",
    "www": "webpage",
    "webpage": "webpage",
    "electronic": "webpage",
    "unpublished": "manuscript",
    "dataset": "dataset",
    "software": "software",
    "misc": "document",
}

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
    "volume": "volume",
    "edition": "edition",
    "isbn": "ISBN",
    "issn": "ISSN",
    "note": "note",
    "language": "language",
    "abstract": "",
    "chapter": "chapter-number",
    "version": "version",
}

_URL_MACRO = re.compile(r"\\url\{([^{}]*)\}")
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{1,2}))?(?:-([0-9]{1,2}))?")
_AND = re.compile(r"(?<!\s)\s++and\s+", re.IGNORECASE)  # linear in a run of spaces
_SINGLE_QUOTED = re.compile(r"`([^`']*(?:'\w[^`']*)*)'(?!\w)")


@cache
def _decoder() -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


@lru_cache(maxsize=8192)  # the same titles and names recur across pages and formats
def latex_to_text(value: str) -> str:
    """Decode LaTeX accents, escapes, dashes and braces to plain Unicode text."""
    if not any(ch in value for ch in "\\{}$~`'-%"):
        return " ".join(value.split())
    try:
        text = _decoder().latex_to_text(value)
    except Exception:  # pylatexenc is lenient, but bad input must never abort a build
        text = value.replace("{", "").replace("}", "")
    if "`" in text:  # LaTeX `single quotes': pylatexenc leaves the backtick alone
        text = _SINGLE_QUOTED.sub("\u2018\\1\u2019", text).replace("`", "\u2018")
    return " ".join(text.replace("\xa0", " ").split())


def literal_text(value: str) -> str:
    r"""Strip LaTeX wrapping from a URL-like value without treating ``%`` as a comment."""
    value = _URL_MACRO.sub(r"\1", value.strip())
    value = re.sub(r"\\([_%&#$])", r"\1", value)
    return value.replace("{", "").replace("}", "").strip()


def normalize_doi(value: str) -> str:
    """``https://doi.org/10.1/x`` or ``doi:10.1/x`` -> ``10.1/x``, LaTeX braces removed."""
    return strip_doi_prefix(literal_text(value))


def _split_top(value: str, sep: re.Pattern[str] | str) -> list[str]:
    """Split on a separator that occurs outside braces."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            end = _match_end(value, i, sep)
            if end is not None:
                parts.append(value[start:i])
                start = i = end
                continue
        i += 1
    parts.append(value[start:])
    return [p.strip() for p in parts]


def _match_end(value: str, i: int, sep: re.Pattern[str] | str) -> int | None:
    if isinstance(sep, str):
        return i + len(sep) if value.startswith(sep, i) else None
    match = sep.match(value, i)
    return match.end() if match else None


def _is_braced(value: str) -> bool:
    """True when the whole value is one brace group, e.g. ``{World Health Organization}``."""
    if not (value.startswith("{") and value.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(value):
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and i < len(value) - 1:
            return False
    return True


def parse_name(raw: str) -> dict[str, str]:
    """One BibTeX name as a CSL name; a fully braced name is a corporate ``literal``."""
    raw = raw.strip()
    if _is_braced(raw):
        return {"literal": latex_to_text(raw[1:-1])}
    parts = _split_top(raw, ",")
    if len(parts) >= 2:
        last, first = parts[0], parts[-1]
        suffix = parts[1] if len(parts) == 3 else ""
        particle, family = _split_particle(last.split())
    else:
        words = _split_top(" ".join(raw.split()), " ")
        # "First von Last": the particle starts at the first lower-case word after the first
        cut = next(
            (i for i, w in enumerate(words[:-1]) if i > 0 and w[:1].islower()),
            len(words) - 1,
        )
        first = " ".join(words[:cut])
        particle, family = _split_particle(words[cut:])
        suffix = ""
    name: dict[str, str] = {"family": latex_to_text(family)}
    if first:
        name["given"] = latex_to_text(first)
    if particle:
        name["non-dropping-particle"] = latex_to_text(particle)
    if suffix:
        name["suffix"] = latex_to_text(suffix)
    if not name["family"]:
        return {"literal": latex_to_text(raw)}
    return name


def _split_particle(words: list[str]) -> tuple[str, str]:
    """``["van", "der", "Berg"]`` -> ``("van der", "Berg")``."""
    lower = 0
    while lower < len(words) - 1 and words[lower][:1].islower():
        lower += 1
    return " ".join(words[:lower]), " ".join(words[lower:])


def parse_names(value: str) -> list[dict[str, str]]:
    """An ``author``/``editor`` field as CSL names; ``and others`` is dropped."""
    names = []
    for raw in _split_top(" ".join(value.split()), _AND):
        if raw and raw.lower() != "others":
            names.append(parse_name(raw))
    return names


def parse_date(entry: Entry, prefix: str = "") -> dict[str, Any] | None:
    """CSL date from biblatex ``date``/``urldate`` or BibTeX ``year``/``month``/``day``."""
    iso = literal_text(entry.get(f"{prefix}date"))
    if iso:
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


def _ascii_digits(value: str) -> bool:
    """``str.isdigit`` accepts "²" and other digits that ``int`` rejects."""
    return value.isascii() and value.isdigit()


def csl_type(entry: Entry) -> str:
    kind = TYPES.get(entry.type, "document")
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
    if get("subtitle"):
        item["title"] = f"{item.get('title', '')}: {latex_to_text(get('subtitle'))}"
    for role in ("author", "editor", "translator"):
        if get(role):
            names = parse_names(get(role))
            if names:
                item[role] = names
    container = get("journal") or get("journaltitle") or get("booktitle")
    if container:
        item["container-title"] = latex_to_text(container)
    elif kind == "webpage" and get("organization"):
        item["container-title"] = latex_to_text(get("organization"))
    if get("series"):
        item["collection-title"] = latex_to_text(get("series"))
    if get("number"):
        item["issue" if kind == "article-journal" else "number"] = latex_to_text(get("number"))
    if get("pages"):
        item["page"] = re.sub(r"-+", "-", literal_text(get("pages")))
    publisher = (
        get("publisher") or get("institution") or get("school") or get("organization")
        if kind != "webpage"
        else get("publisher")
    )
    howpublished = get("howpublished")
    if not publisher and howpublished and not _url_in(howpublished):
        publisher = howpublished  # misc: "The Guardian", "Blog post on …"
    if publisher:
        item["publisher"] = latex_to_text(publisher)
    place = get("address") or get("location")
    if place:
        item["publisher-place"] = latex_to_text(place)
    if kind == "thesis":
        item["genre"] = latex_to_text(get("type")) or (
            "Master's thesis" if entry.type == "mastersthesis" else "Doctoral dissertation"
        )
    elif get("type"):
        item["genre"] = latex_to_text(get("type"))
    issued = parse_date(entry)
    if issued:
        item["issued"] = issued
    accessed = parse_date(entry, "url")
    if accessed:
        item["accessed"] = accessed
    if get("doi"):
        item["DOI"] = normalize_doi(get("doi"))
    url = get("url") or _url_in(get("howpublished"))
    if url:
        item["URL"] = literal_text(url)
    return item


def _url_in(value: str) -> str:
    match = _URL_MACRO.search(value)
    return match.group(1) if match else ""
