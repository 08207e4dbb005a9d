"""Organisations as authors: ``{World Health Organization}`` must be in double braces, or
BibTeX reads it as a person and APA prints "Organization, W. H."."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from citekb.core.diagnostics import Code, Diagnostic, diagnostic

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from citekb.core.model import Entry, Library

#: Words that mark a name as an organisation's.
ORGANISATION_WORDS = frozenset(
    (
        *("organization", "organisation", "organizations", "organisations", "association"),
        *("associations", "institute", "institutes", "institution", "department", "agency"),
        *("service", "services", "council", "commission", "academy", "academies", "centre"),
        *("center", "centres", "centers", "society", "foundation", "ministry", "office"),
        *("committee", "university", "collaboration", "network", "board"),
        *("team", "group", "consortium", "college", "bureau", "project", "initiative"),
        *("corporation", "company", "inc", "ltd", "administration", "program", "programme"),
    )
)
#: Name particles that sit between a person's given and family names ("Sarah van Den Berg").
PARTICLES = frozenset(
    (
        *("van", "von", "de", "den", "der", "del", "della", "des", "di", "da", "das", "dos"),
        *("du", "la", "le", "ten", "ter", "bin", "ibn", "al", "el", "y", "zu", "af", "av"),
    )
)
#: "Coq Development Team, The": a name inverted around an article is an organisation's.
_ARTICLES = frozenset(("the", "a", "an", "le", "la", "les", "die", "der", "das"))
_INITIALS = re.compile(r"^(?:(?:[A-Z]\.-?){1,4}|[A-Z]{1,2})$")
_INVERTED_ARTICLE = re.compile(r",\s*\{?(?:the|an?|les?|la|die|der|das)\}?\s*(?:$|\sand\s)", re.I)
# Tried only where a run of spaces starts, and possessive: linear in a run of spaces.
_AND = re.compile(r"(?<!\s)\s++and\s+", re.I)


def split_names(value: str) -> list[str]:
    """A BibTeX name list split on ``and`` outside braces."""
    if "{" not in value:  # the common case, and fast on a library of 20,000 entries
        return [n for n in (part.strip() for part in _AND.split(value)) if n]
    names: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(value):
        char = value[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char.isspace():
            match = _AND.match(value, i)
            if match:
                names.append(value[start:i])
                start = i = match.end()
                continue
        i += 1
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def _braced(name: str) -> bool:
    """The whole name is one brace group, ``{…}``."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for i, char in enumerate(name):
        depth += (char == "{") - (char == "}")
        if depth == 0 and i < len(name) - 1:
            return False
    return True


def _person_word(word: str) -> bool:
    """A given name, a family name, an initial (with or without its dot) or a particle."""
    plain = re.sub(r"\\[a-zA-Z]+|\\.|[^\w.'-]", "", word)
    if not plain or plain.lower() in PARTICLES or _INITIALS.match(plain):
        return True
    return plain[0].isupper() and not plain.isupper()


def looks_corporate(name: str) -> bool:
    """Not braced, and an organisation word, four or more words that are not all a person's
    (initials, particles, capitalised names), or "Name, The" (inverted around an article)."""
    if _braced(name) or name.lower() == "others":
        return False
    if "," in name:
        family, _, given = name.partition(",")
        return given.strip(" {}").lower() in _ARTICLES and bool(family.strip())
    words = re.sub(r"[{}]", "", name).split()
    if any(w.strip(".()").lower() in ORGANISATION_WORDS for w in words):
        return True
    return len(words) >= 4 and not all(_person_word(w) for w in words)


def _all_family_first(value: str) -> bool:
    """Every name is written "Family, Given": a cheap test that settles most fields.

    Only for plain separators (one space, a lower-case ``and``); anything else is left to
    :func:`split_names`.
    """
    if "\n" in value or "\t" in value or "  " in value:
        return False
    if value.lower().count(" and ") != value.count(" and "):
        return False
    return all("," in part for part in value.split(" and "))


def corporate_names(entry: Entry) -> Iterator[tuple[str, str]]:
    """(field, name) for each author or editor that looks like an unbraced organisation."""
    for name in ("author", "editor"):
        value = entry.get(name)
        if not value or (_all_family_first(value) and not _INVERTED_ARTICLE.search(value)):
            continue
        for person in split_names(value):
            if looks_corporate(person):
                yield name, person


def check_corporate_authors(library: Library | Iterable[Entry]) -> list[Diagnostic]:
    """``corporate-author`` at the field's line, with the braced form as the hint."""
    out: list[Diagnostic] = []
    for entry in library:
        for name, person in corporate_names(entry):
            plain = person.replace("{", "").replace("}", "")
            family, comma, given = plain.partition(",")
            if comma and given.strip().lower() in _ARTICLES:  # "Coq Development Team, The"
                plain = f"{given.strip()} {family.strip()}"
            whole = len(split_names(entry.get(name))) == 1
            hint = (
                f"write `{name} = {{{{{plain}}}}}` so it is read as one name"
                if whole
                else f"put the organisation in braces: `{{{plain}}}`, so it is read as one name"
            )
            out.append(
                diagnostic(
                    Code.CORPORATE_AUTHOR,
                    entry.path,
                    entry.field_lines.get(name, entry.line),
                    1,
                    f"{entry.key}: {name} `{person}` looks like an organisation, but BibTeX "
                    "reads it as a person",
                    hint,
                )
            )
    return out
