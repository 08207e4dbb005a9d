"""BibTeX and biblatex name lists as CSL names: "Last, First", "First von Last", corporate
names in braces, biblatex's extended format (``family=Dijk, prefix=van``), CJK names."""

from __future__ import annotations

import re

from citekb.sources import biblatex_fields as bx
from citekb.sources.latex import latex_to_text

AND = re.compile(r"(?<!\s)\s++and\s+", re.IGNORECASE)  # linear in a run of spaces


def split_top(value: str, sep: re.Pattern[str] | str) -> list[str]:
    """Split on a separator that occurs outside braces."""
    if "{" not in value and "}" not in value:  # most names: all of it is outside braces
        found = value.split(sep) if isinstance(sep, str) else sep.split(value)
        return [p.strip() for p in found]
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
    for part in split_top(raw, ","):
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
    parts = split_top(raw, ",")
    if len(parts) >= 2:
        last, first = parts[0], parts[-1]
        suffix = parts[1] if len(parts) == 3 else ""
        particle, family = _split_particle(last.split())
        first, trailing = _trailing_particle(first)
        particle = " ".join(p for p in (trailing, particle) if p)
    else:
        words = split_top(" ".join(raw.split()), " ")
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
    for raw in split_top(" ".join(value.split()), AND):
        if raw and raw.lower() != "others":
            names.append(parse_name(raw))
    return names


def has_others(value: str) -> bool:
    """True when a name list ends in ``and others`` (the source truncated it)."""
    names = split_top(" ".join(value.split()), AND)
    return len(names) > 1 and names[-1].lower() == "others"
