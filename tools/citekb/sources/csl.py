"""Convert BibTeX entries to CSL-JSON items: names, dates, types, LaTeX decoded to Unicode."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from citekb.core.identifiers import strip_doi_prefix
from citekb.sources import biblatex_fields as bx

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
_INNER_WORD = re.compile(r"\s(?:of|for|on|in|the|de|für|des|du)\s", re.IGNORECASE)
_URL_MACRO = re.compile(r"\\url\{([^{}]*)\}")
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{1,2}))?(?:-([0-9]{1,2}))?")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SINGLE_QUOTED = re.compile(r"`([^`']*(?:'\w[^`']*)*)'(?!\w)")


#: Macros whose content pylatexenc would drop or mangle: font switches keep their argument,
#: logos their name, biblatex quotes become quotation marks, ``\hyphen`` a hyphen.
_KEEP_ARGUMENT = (
    "textsf",
    "texttt",
    "textrm",
    "textup",
    "textmd",
    "textnormal",
    "textsl",
    "textbf",
    "textit",
    "emph",
    "mkbibemph",
    "mkbibitalic",
    "mkbibbold",
    "textsc",
    "mkbibacro",
    "textsuperscript",
    "textsubscript",
    "mbox",
    "hbox",
    "text",
    "url",
    "nolinkurl",
    "ensuremath",
    "NoCaseChange",
    "uppercase",
    "lowercase",
    "MakeUppercase",
    "MakeLowercase",
)
_NAMED = {
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2e",
    "BibTeX": "BibTeX",
    "XeTeX": "XeTeX",
    "LuaTeX": "LuaTeX",
    "ConTeXt": "ConTeXt",
    "METAFONT": "METAFONT",
    "MF": "METAFONT",
    "hyphen": "-",
    "textendash": "\u2013",
    "textemdash": "\u2014",
    "slash": "/",
    "nbhyph": "-",
    "textquotedbl": '"',
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textunderscore": "_",
    "textbar": "|",
    "textellipsis": "\u2026",
    "dots": "\u2026",
}
_QUOTES = ("mkbibquote", "enquote", "textquote", "mkbibquotes")
_DISCARD = ("noopsort", "SortNoop", "sortnoop", "nocite")


@cache
def _decoder() -> tuple[LatexNodes2Text, Any]:
    from pylatexenc import latexwalker, macrospec
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "citekb",
        prepend=True,
        macros=[macrospec.MacroSpec(name, "{") for name in (*_KEEP_ARGUMENT, *_DISCARD)]
        + [macrospec.MacroSpec(name, "*{") for name in _QUOTES]  # \enquote*{x}: inner quotes
        + [macrospec.MacroSpec(name, "") for name in _NAMED],
    )
    text_db = get_default_latex_context_db()
    text_db.add_context_category(
        "citekb",
        prepend=True,
        macros=[MacroTextSpec(name, "%s") for name in _KEEP_ARGUMENT]
        + [MacroTextSpec(name, _quoted) for name in _QUOTES]
        + [MacroTextSpec(name, value.replace("%", "%%")) for name, value in _NAMED.items()]
        + [MacroTextSpec(name, discard=True) for name in _DISCARD],
    )
    decoder = LatexNodes2Text(latex_context=text_db, math_mode="text", strict_latex_spaces=True)
    return decoder, walker_db


def _quoted(node: Any, l2tobj: Any) -> str:
    """``\\enquote{x}`` -> “x”, ``\\enquote*{x}`` -> ‘x’ (the last argument is the text)."""
    args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
    text = l2tobj.nodelist_to_text([args[-1]]) if args else ""
    starred = len(args) > 1
    return f"\u2018{text}\u2019" if starred else f"\u201c{text}\u201d"


def _decode(value: str) -> str:
    from pylatexenc.latexwalker import LatexWalker

    decoder, walker_db = _decoder()
    walker = LatexWalker(value, latex_context=walker_db, tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    return str(decoder.nodelist_to_text(nodes))


@lru_cache(maxsize=8192)  # the same titles and names recur across pages and formats
def latex_to_text(value: str) -> str:
    """Decode LaTeX accents, escapes, dashes and braces to plain Unicode text."""
    if not any(ch in value for ch in "\\{}$~`'-%"):
        return " ".join(value.split())
    try:
        text = _decode(value)
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
    """One BibTeX name as a CSL name; a fully braced name is a corporate ``literal``.

    biblatex's extended name format (``family=Dijk, given=Marten, prefix=van,
    useprefix=true``), which Zotero's Better BibTeX writes, is read too; a name written in
    Chinese, Japanese or Korean script is a ``literal``, family name first, without a space.
    """
    raw = raw.strip()
    if _is_braced(raw):
        return {"literal": latex_to_text(raw[1:-1])}
    name = _extended_name(raw) if "=" in raw else None
    if name is None:
        name = _bibtex_name(raw)
    return bx.cjk_literal(name)


_EXTENDED_PART = re.compile(r"^\s*([a-z-]+)\s*=\s*(.*)$", re.IGNORECASE | re.DOTALL)
_EXTENDED_KEYS = {"family": "family", "given": "given", "suffix": "suffix", "prefix": ""}


def _extended_name(raw: str) -> dict[str, str] | None:
    """``family=Dijk, given=Marten, prefix=van, useprefix=true`` -> a CSL name, else None."""
    parts = {}
    for part in _split_top(raw, ","):
        match = _EXTENDED_PART.match(part)
        if not match:
            return None
        parts[match.group(1).casefold()] = match.group(2).strip()
    if "family" not in parts and "given" not in parts:
        return None
    name = {
        csl: latex_to_text(parts[key])
        for key, csl in _EXTENDED_KEYS.items()
        if csl and parts.get(key)
    }
    if parts.get("prefix"):  # kept with the surname ("van Dijk, M."), as for BibTeX names
        name["non-dropping-particle"] = latex_to_text(parts["prefix"])
    return name if name.get("family") or name.get("given") else None


def _bibtex_name(raw: str) -> dict[str, str]:
    parts = _split_top(raw, ",")
    if len(parts) >= 2:
        last, first = parts[0], parts[-1]
        suffix = parts[1] if len(parts) == 3 else ""
        particle, family = _split_particle(last.split())
        first, trailing = _trailing_particle(first)
        particle = " ".join(p for p in (trailing, particle) if p)
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


#: Particles that Google Scholar exports leave after the given name ("Oord, Aaron van den").
_PARTICLES = frozenset(
    ("van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "la", "le", "ter", "ten")
)


def _trailing_particle(given: str) -> tuple[str, str]:
    """``Aaron van den`` -> (``Aaron``, ``van den``): the particle belongs to the surname."""
    words = given.split()
    cut = len(words)
    while cut > 1 and words[cut - 1] in _PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def _split_particle(words: list[str]) -> tuple[str, str]:
    """``["van", "der", "Berg"]`` -> ``("van der", "Berg")``."""
    lower = 0
    while lower < len(words) - 1 and words[lower][:1].islower():
        lower += 1
    return " ".join(words[:lower]), " ".join(words[lower:])


def parse_names(value: str) -> list[dict[str, str]]:
    """An ``author``/``editor`` field as CSL names; ``and others`` is dropped (the APA
    formatter marks the list as truncated, see :func:`has_others`)."""
    names = []
    for raw in _split_top(" ".join(value.split()), _AND):
        if raw and raw.lower() != "others":
            names.append(parse_name(raw))
    return names


def has_others(value: str) -> bool:
    """True when a name list ends in ``and others`` (the source truncated it)."""
    names = _split_top(" ".join(value.split()), _AND)
    return len(names) > 1 and names[-1].lower() == "others"


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
    title = bx.compose_title(entry.fields, _same)
    if title:
        item["title"] = latex_to_text(title)
    if get("maintitle") and get("volume"):
        item.pop("volume", None)  # "Main title: Vol. 2. Title" (APA 10.2), or the book it is in
    if get("language"):
        item["language"] = latex_to_text(bx.localised(get("language")))
    for role, csl_role in _ROLES.items():
        if get(role):
            names = parse_names(get(role))
            if names:
                item[csl_role] = names
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
    if get("series"):
        series = latex_to_text(bx.localised(get("series")))
        item["collection-title"] = bx.ordinal_series(series)
    if get("number"):
        item[_number_variable(kind, entry)] = latex_to_text(get("number"))
    if get("pages"):
        item["page"] = re.sub(r"[-\u2010-\u2015]+", "-", literal_text(get("pages")))
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
    if get("pubstate"):
        item["status"] = latex_to_text(bx.localised(get("pubstate")))
    issued = parse_date(entry)
    if issued and entry.type == "patent" and "date-parts" in issued:
        issued = {"date-parts": [[issued["date-parts"][0][0]]]}  # APA: the year of issue
    if issued:
        item["issued"] = issued
    original = bx.original_date(entry.fields)
    if original:
        item["original-date"] = original
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


def _publishers(value: str) -> str:
    """biblatex lists publishers with ``and``; APA (9.29) separates them with semicolons.

    Only when every part is a name of two or more words ("Deutscher Taschenbuch-Verlag and
    Walter de Gruyter"): "Chapman and Hall", "John Wiley and Sons" and "Routledge and Kegan
    Paul" are each one publisher, whose name keeps its "and", and so is a name whose "and"
    follows "of" or "for" ("U.S. Department of Health and Human Services"). Only the
    ``publisher`` field is a list; ``institution`` and ``howpublished`` are one name or text.
    """
    parts = _split_top(" ".join(value.split()), _AND)
    if len(parts) < 2 or any(len(part.split()) < 2 for part in parts):
        return value
    if any(_INNER_WORD.search(part) for part in parts[:-1]):
        return value  # "Department of Health and Human Services": one name
    return "; ".join(parts)


def _same(value: str) -> str:
    return value


def _number_variable(kind: str, entry: Entry) -> str:
    """A journal's ``number`` is its issue; a book's (in a series) its number in the series,
    which APA leaves out (10.2), as for proceedings (else the style prints "Article 1" in
    place of the pages); anything else (reports, patents) keeps its own number."""
    if kind == "article-journal":
        return "issue"
    if kind == "paper-conference":
        return "collection-number"  # the proceedings' number in a series, which APA omits
    if kind in ("book", "chapter") and entry.type not in ("report", "techreport", "manual"):
        return "collection-number"
    return "number"


def _url_in(value: str) -> str:
    match = _URL_MACRO.search(value)
    return match.group(1) if match else ""
