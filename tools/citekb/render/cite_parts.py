"""The parts of one formatted work that citekb composes itself: the in-text author and year
split from the cite, APA's italic title for an authorless report, US punctuation inside
quotes, the first author's family name and initials, and a plain fallback when citeproc-py
fails on a work."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from citekb.render import richtext as rt
from citekb.render.csl_typography import typographic_apostrophes
from citekb.render.formatted import Formatted

if TYPE_CHECKING:
    from collections.abc import Mapping

    from citekb.render.richtext import Rich


def titled_report(author: Rich, item: Mapping[str, Any]) -> bool:
    """An authorless report cited by its title, which APA italicises (the style does not)."""
    if item.get("type") != "report" or item.get("author") or item.get("editor"):
        return False
    titles = {str(item.get(k, "")).casefold() for k in ("title", "title-short")}
    return rt.to_text(author).casefold() in titles and all(isinstance(n, str) for n in author)


def italic_head(author: Rich, cite: Rich) -> tuple[Rich, Rich]:
    italic: Rich = (rt.Span("i", author),)
    rest = rt.slice_text(cite, len(rt.to_text(author)))
    return italic, rt.normalize(italic + rest)


def punctuation_in_quote(rich: Rich) -> Rich:
    """US usage, which citeproc-py ignores: ``“Title”, 2020`` -> ``“Title,” 2020``."""
    return rt.map_text(rich, lambda s: (re.sub("\u201d([,.])", "\\1\u201d", s),))


def first_author(item: Mapping[str, Any]) -> tuple[str, str]:
    """("Smith", "J. A.") for a first author "Smith, John Andrew"; corporate names: no initials."""
    names = item.get("author") or item.get("editor") or []
    first = names[0] if names and isinstance(names[0], dict) else {}
    given = str(first.get("given", ""))
    parts = [p for p in re.split(r"[\s.]+", given) if p]
    initials = " ".join(
        "-".join(f"{piece[0]}." for piece in part.split("-") if piece) for part in parts
    )
    # as rendered: "O’Brien" (csl_flipflop makes every apostrophe between letters typographic)
    return typographic_apostrophes(str(first.get("family", ""))), initials


def family_names(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The family names (with particles) or literal names of the authors, else the editors."""
    names = item.get("author") or item.get("editor") or []
    out = []
    for name in names:
        if not isinstance(name, dict):
            continue
        family = str(name.get("family", "")).strip()
        particle = str(name.get("non-dropping-particle", "")).strip()
        out.append(f"{particle} {family}".strip() if family else str(name.get("literal", "")))
    return tuple(typographic_apostrophes(name) for name in out)


def year_of(item: Mapping[str, Any]) -> str:
    """The in-text year: "2015", "1984–1986", "n.d.", or "1969/1982" for a republished work
    (APA 8.15), as the style's citation writes it."""
    year = date_text(item.get("issued") or {}) or "n.d."
    original = date_text(item.get("original-date") or {})
    return f"{original}/{year}" if original and original != year else year


def date_text(date: Mapping[str, Any]) -> str:
    parts = date.get("date-parts") or [[]]
    if len(parts) > 1 and parts[1] and parts[0] and parts[1][0] != parts[0][0]:
        return f"{parts[0][0]}\u2013{parts[1][0]}"  # a range of years: "1984–1986"
    if parts and parts[0]:
        return str(parts[0][0])
    return str(date.get("literal", ""))


def strip_affixes(cite: Rich, prefix: str) -> Rich:
    """Drop the citation layout's brackets: ``(Smith, 2020)`` -> ``Smith, 2020``."""
    plain = rt.to_text(cite)
    closing = {"(": ")", "[": "]"}.get(prefix, "")
    if prefix and closing and plain.startswith(prefix) and plain.endswith(closing):
        return rt.slice_text(cite, len(prefix), len(plain) - len(closing))
    return cite


def split_cite(cite: Rich, year: str) -> tuple[Rich, str]:
    """``Holt-Lunstad et al., 2015`` -> (``Holt-Lunstad et al.``, ``2015``)."""
    plain = rt.to_text(cite)
    at = plain.rfind(year) if year else -1
    if at <= 0:
        return (), (year if at == 0 else "")
    head = plain[:at].rstrip()
    head = head[:-1] if head.endswith(",") else head
    return rt.slice_text(cite, 0, len(head)), year


def fallback(key: str, item: Mapping[str, Any], error: str) -> Formatted:
    year = year_of(item)
    names = item.get("author") or item.get("editor") or []
    first = names[0] if names else {}
    author = str(first.get("family") or first.get("literal") or "")
    title = str(item.get("title", key))
    reference = rt.linkify(rt.text(f"{author}. ({year}). {title}." if author else f"{title}."))
    cite = rt.text(f"{author or title}, {year}")
    return Formatted(key, reference, rt.text(author or title), year, cite, error)
