"""The set of cited works: reference-list order, numbers of numeric styles, year suffixes
2020a/2020b, names added where "et al." forms collide, initials for first authors who share
a family name; composed from :class:`~citekb.render.formatted.Formatted` records."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from citekb.render import richtext as rt
from citekb.render.csl_patches import NUMBER
from citekb.render.csl_sort import collation_key
from citekb.render.formatted import Formatted, Layout, year_letter
from citekb.sources.trust import Trust

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from citekb.render.richtext import Rich


#: A role label after the names, "(Ed.)", "(Eds.)", "(Director)", Chicago's ", ed.": not part
#: of the author's place in the list (APA 9.44-9.47 order by the names alone).
_ROLE = re.compile(r"(?:\s*\([^()\d]{1,40}\)|,\s*(?:eds?|trans|comp)\.)\.?\s*$")
_ARTICLE = re.compile(r"^(?:a|an|the)\s+")
_MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m}
_DAY = re.compile(r"\b(\d{1,2})\b")


def sort_key(formatted: Formatted) -> tuple[str, ...]:
    """APA order (9.44-9.48): the author's names (a role label such as "(Ed.)" ignored), then
    works with no date, dated works (earliest first, a date to the day after the year alone)
    and works in press, then the title without "A", "An" or "The"; compared letter by letter
    with punctuation, case and accents ignored ("Ox" before "Ox test", "§ 305" under 3). A
    reference whose year is not found sorts by its whole text."""
    text = rt.to_text(formatted.reference)
    year = formatted.year.rsplit("/", 1)[-1]
    at = text.find(f"({year}") if year else -1
    end = text.find(")", at) + 1 if at >= 0 else -1
    if at < 0 and year and (at := text.find(year)) >= 0:
        end = at + len(year)
    if at < 0 or end <= at:
        return (collation_key(text), text)
    head = _ROLE.sub("", text[:at])
    if not formatted.names:  # a title in the author's place (APA 9.48)
        head = _ARTICLE.sub("", head.casefold())
    rest = _ARTICLE.sub("", collation_key(text[end:]))
    date = text[at:end]
    rank = "0" if year == "n.d." else "2" if not any(c.isdigit() for c in year) else "1"
    return (collation_key(head), rank, _date_key(date), rest, text)


def _date_key(date: str) -> str:
    """A date as shown, "(2001, March 3)", as comparable digits: year, month, day (0 if absent)."""
    digits = re.search(r"\d+", date)
    month = next((i for name, i in _MONTHS.items() if name in date), 0)
    day = _DAY.search(date[date.find(calendar.month_name[month]) :]) if month else None
    year = int(digits.group()) if digits else 0
    return f"{year:06d}{month:02d}{int(day.group(1)) if day else 0:02d}"


@dataclass(frozen=True)
class References:
    """Formatted works in reference-list order, with year suffixes assigned across the set."""

    entries: Mapping[str, Formatted] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    evidence: Mapping[str, str] = field(default_factory=dict)  # key -> evidence type
    layout: Layout = field(default_factory=Layout)
    trust: Trust = field(default_factory=Trust)  # verification status and notices
    #: Cited keys that name an entry by identifier or alias -> the entry's key.
    cited_as: Mapping[str, str] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def get(self, key: str) -> Formatted | None:
        return self.entries.get(key)

    @cached_property
    def rank(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.order)}

    def ordered(self, keys: Iterable[str] | None = None) -> list[Formatted]:
        """The given keys (default: all) in reference-list order; unknown keys skipped."""
        if keys is None:
            return [self.entries[k] for k in self.order]
        rank = self.rank
        wanted = sorted({k for k in keys if k in rank}, key=rank.__getitem__)
        return [self.entries[k] for k in wanted]


def build_references(
    formatted: Mapping[str, Formatted],
    evidence: Mapping[str, str] | None = None,
    layout: Layout | None = None,
    cited: Sequence[str] = (),
) -> References:
    """Sort the works and give same-author same-year works suffixes a, b, … in that order.

    A numeric style numbers the works in order of first citation (``cited``, by default the
    order of ``formatted``), or of the sorted list when its bibliography sorts otherwise.
    """
    layout = layout or Layout()
    if layout.numeric:
        return _numbered(formatted, evidence, layout, cited)
    ordered = sorted(formatted.values(), key=lambda f: (sort_key(f), f.key))
    groups: dict[tuple[str, str, str, str], list[Formatted]] = {}
    for item in ordered:
        if item.year and item.author:
            author = (rt.to_text(item.author).casefold(), item.family, item.initials)
            groups.setdefault((*author, item.year), []).append(item)
    entries = {item.key: item for item in ordered}
    for group in groups.values():
        if len(group) > 1:
            same: dict[tuple[str, ...], list[Formatted]] = {}
            for item in group:
                same.setdefault(tuple(n.casefold() for n in item.names), []).append(item)
            if len(same) > 1:  # different authors behind one "et al." form: add names
                for item in group:
                    entries[item.key] = with_names(item, list(same))
            for works in same.values():  # year letters only for identical author lists
                _add_letters(works, entries)
    entries.update(_add_initials(list(entries.values())))
    order = tuple(f.key for f in ordered)
    for number, key in enumerate(order, 1):  # a bibliography numbered in a non-numeric style
        if NUMBER in rt.to_text(entries[key].reference):
            entries[key] = with_number(entries[key], number)
    return References(entries, order, dict(evidence or {}), layout)


def _add_letters(works: Sequence[Formatted], entries: dict[str, Formatted]) -> None:
    """Letters a, b, … in list order; references that read the same (a biblatex ``@set``
    standing for its first member, one work entered twice) are one work and share a letter."""
    letters: dict[str, str] = {}
    for item in works:
        letters.setdefault(rt.to_text(item.reference), year_letter(len(letters)))
    if len(letters) > 1:
        for item in works:
            entries[item.key] = with_suffix(entries[item.key], letters[rt.to_text(item.reference)])


def _numbered(
    formatted: Mapping[str, Formatted],
    evidence: Mapping[str, str] | None,
    layout: Layout,
    cited: Sequence[str],
) -> References:
    first = list(dict.fromkeys(k for k in (*cited, *formatted) if k in formatted))
    if layout.bibliography_sorted:
        first.sort(key=lambda k: (sort_key(formatted[k]), k))
    entries: dict[str, Formatted] = {}
    for number, key in enumerate(first, 1):
        entries[key] = with_number(formatted[key], number)
    return References(entries, tuple(first), dict(evidence or {}), layout)


def with_number(item: Formatted, number: int) -> Formatted:
    """The work's place in a numeric style, in its citation and reference."""

    def put(rich: Rich) -> Rich:
        return rt.map_text(rich, lambda s: (s.replace(NUMBER, str(number)),), in_links=True)

    reference = put(item.reference)
    plain = rt.to_text(item.reference)
    if plain.find(NUMBER) in range(3):  # a first field "[1]" or "1." (second-field-align)
        end = plain.find(NUMBER) + 1
        while end < len(plain) and plain[end] in ".:)]":
            end += 1
        if end < len(plain) and not plain[end].isspace():
            reference = rt.insert_text(reference, end - 1 + len(str(number)), " ")
    return replace(item, reference=reference, cite=put(item.cite))


def with_names(item: Formatted, lists: Sequence[tuple[str, ...]]) -> Formatted:
    """APA 8.18 (CSL ``disambiguate-add-names``): as many authors as tell this work's list
    apart from the other ``lists`` that shorten to the same "et al." form, "Kapoor, Bloom,
    Montez, et al."; all of them, "… & Last", when no shorter form will do."""
    plain = rt.to_text(item.author)
    if "et al." not in plain or not item.names:
        return item
    mine = tuple(n.casefold() for n in item.names)
    others = [other for other in lists if other != mine]
    count = next(
        (k for k in range(1, len(mine)) if all(o[:k] != mine[:k] for o in others)), len(mine)
    )
    names = item.names
    if count < len(names):
        head = ", ".join(names[:count]) + ", et al."
    elif len(names) == 2:
        head = f"{names[0]} & {names[1]}"
    else:
        head = ", ".join(names[:-1]) + f", & {names[-1]}"
    start = plain.find(item.names[0])
    if start < 0:
        return item
    author = rt.normalize((*rt.slice_text(item.author, 0, start), head))
    rest = rt.slice_text(item.cite, len(plain))
    return replace(item, author=author, cite=rt.normalize(author + rest))


def _add_initials(items: Sequence[Formatted]) -> dict[str, Formatted]:
    """APA 8.20: first authors with one family name but different initials show the initials,
    "(J. Smith, 2020; A. Smith, 2019)"."""
    by_family: dict[str, set[str]] = {}
    for item in items:
        if item.family and item.initials:
            by_family.setdefault(item.family, set()).add(item.initials)
    out: dict[str, Formatted] = {}
    for item in items:
        if len(by_family.get(item.family, ())) > 1 and rt.to_text(item.author).startswith(
            item.family
        ):
            prefix = (f"{item.initials} ",)
            out[item.key] = replace(
                item,
                author=rt.normalize(prefix + item.author),
                cite=rt.normalize(prefix + item.cite),
            )
    return out


def with_suffix(item: Formatted, letter: str) -> Formatted:
    """``2020`` -> ``2020a`` in the reference and the citation; ``n.d.`` -> ``n.d.-a``."""
    suffix = f"-{letter}" if not item.year[-1:].isdigit() else letter
    year = item.year + suffix

    def add(rich: Rich, bracketed: bool) -> Rich:
        plain = rt.to_text(rich)
        if bracketed:  # the reference's "(2020)", else the first year in it
            at = plain.find(f"({item.year}")
            at = at + 1 if at >= 0 else plain.find(item.year)
        else:
            at = plain.rfind(item.year)
        return rich if at < 0 else rt.insert_text(rich, at + len(item.year), suffix)

    return replace(item, reference=add(item.reference, True), cite=add(item.cite, False), year=year)
