"""Citing a work by its identifier (``@doi:10.1/x``, ``@pmid:…``, ``@isbn:…``, ``@url:…``).

One pure resolution shared by the checks, the site and the handouts: a cited key names the
library entry with that key, else (through a manubot alias line ``[@tag:x]: doi:10.1/x``) the
entry whose ``doi``, ``pmid``, ``isbn`` or ``url`` field carries the identifier. DOIs compare
without case and prefix, ISBN-10 and ISBN-13 of one book compare equal. No network access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from citekb.core.model import CitationMode

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from citekb.core.model import Citation, Cluster, Library

__all__ = [
    "KINDS",
    "Resolution",
    "definitions",
    "normalize_identifier",
    "parse",
    "resolve_citations",
    "resolve_clusters",
    "resolve_keys",
]

#: The identifier prefixes a citation key may carry, each naming the entry field it matches.
KINDS = ("doi", "pmid", "isbn", "url")

_PREFIX = re.compile(r"(doi|pmid|isbn|url):(.+)", re.I | re.S)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_LATEX_ESCAPE = re.compile(r"\\([_%&#$])")
_ISBN_SPLIT = re.compile(r"[,;]|(?<!\s)\s{2,}|\s(?=\d{3}-)")  # linear in a run of spaces
# "[@alias]: target" alone on a line (up to three spaces before it), as manubot writes it.
_DEFINITION = re.compile(r"[ ]{0,3}\[@([^\s\[\]]+)\]:[ \t]*([^\s@]+)[ \t]*")


def parse(key: str) -> tuple[str, str] | None:
    """``("doi", "10.1/x")`` for the key ``doi:10.1/x``; None for a key that is no identifier."""
    m = _PREFIX.fullmatch(key)
    return (m[1].lower(), m[2]) if m is not None else None


def _plain(value: str) -> str:
    return _LATEX_ESCAPE.sub(r"\1", value.replace("{", "").replace("}", "")).strip()


def _isbn13(value: str) -> str:
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if len(digits) == 10 and digits[:9].isdigit():
        core = "978" + digits[:9]
        check = (10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(core)) % 10) % 10
        return core + str(check)
    return digits


def normalize_identifier(kind: str, value: str) -> str:
    """The form in which two spellings of one identifier compare equal."""
    value = _plain(value)
    if kind == "doi":
        return _DOI_PREFIX.sub("", value).lower()
    if kind == "isbn":
        return _isbn13(value)
    if kind == "pmid":
        return value.removeprefix("PMID:").strip()
    return value.rstrip("/")


def _values(kind: str, field_value: str) -> Iterable[str]:
    parts = _ISBN_SPLIT.split(field_value) if kind == "isbn" else [field_value]
    return (normalize_identifier(kind, p) for p in parts if p.strip(" {}"))


@dataclass(frozen=True)
class Resolution:
    """How the keys a site cites map to library entries.

    ``keys``: each cited key that names an entry under another key (an identifier or an
    alias) -> that entry's key. ``aliases``: each alias -> its target as written.
    """

    keys: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)

    def target(self, key: str) -> str:
        """What an unresolved key stands for: an alias's target, else the key itself."""
        return self.aliases.get(key, key)


def definitions(text: str, citations: Iterable[Citation]) -> dict[int, tuple[str, str]]:
    """Offset of each alias line's citation -> (alias, target), for ``[@tag:x]: doi:10.1/x``."""
    out: dict[int, tuple[str, str]] = {}
    for c in citations:
        if c.mode is not CitationMode.NORMAL or c.prefix or c.locator or c.suffix:
            continue
        start = text.rfind("\n", 0, c.offset) + 1
        end = text.find("\n", c.offset)
        m = _DEFINITION.fullmatch(text, start, len(text) if end < 0 else end)
        if m is not None and m.start(1) == c.offset + 1 and m[1] == c.key:
            out[c.offset] = (c.key, m[2])
    return out


def resolve_keys(
    library: Library, pages: Sequence[tuple[str, Sequence[Citation]]]
) -> tuple[Resolution, list[tuple[Citation, ...]]]:
    """Resolve every page's citations (``(text, citations)`` each) against ``library``.

    Returns the resolution and each page's citations with alias lines left out and each key
    that names an entry by identifier or alias replaced by the entry's key.
    """
    aliases: dict[str, str] = {}
    defined = [definitions(text, cites) if "]:" in text else {} for text, cites in pages]
    for found in defined:
        for alias, target in found.values():
            aliases.setdefault(alias, target)
    index: dict[tuple[str, str], str] | None = None
    keys: dict[str, str] = {}
    for key in {c.key for _, cites in pages for c in cites} - set(library.by_key):
        target = aliases.get(key, key)
        if target in library:
            keys[key] = target
            continue
        ident = parse(target)
        if ident is None:
            continue
        if index is None:
            index = _index(library)
        entry = index.get((ident[0], normalize_identifier(*ident)))
        if entry is not None:
            keys[key] = entry
    out = [
        resolve_citations(cites, keys, set(found))
        for (_, cites), found in zip(pages, defined, strict=True)
    ]
    return Resolution(keys, aliases), out


def _index(library: Library) -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for key, entry in library.by_key.items():
        for kind in KINDS:
            if value := entry.get(kind):
                for norm in _values(kind, value):
                    index.setdefault((kind, norm), key)
    return index


def resolve_citations(
    citations: Sequence[Citation], keys: Mapping[str, str], skip: set[int] | frozenset[int]
) -> tuple[Citation, ...]:
    """``citations`` without those at the offsets in ``skip``, keys mapped through ``keys``."""
    if not keys and not skip:
        return tuple(citations)
    return tuple(
        replace(c, key=keys[c.key]) if c.key in keys else c
        for c in citations
        if c.offset not in skip
    )


def resolve_clusters(
    text: str, clusters: Sequence[Cluster], keys: Mapping[str, str]
) -> tuple[list[Cluster], list[tuple[int, int]]]:
    """The clusters with keys mapped through ``keys``, and the spans of the alias lines.

    An alias line's cluster is left out; its span (the whole line) is what a renderer hides.
    """
    found = definitions(text, (c for cl in clusters for c in cl.citations))
    out: list[Cluster] = []
    lines: list[tuple[int, int]] = []
    for cluster in clusters:
        if len(cluster.citations) == 1 and cluster.citations[0].offset in found:
            start = text.rfind("\n", 0, cluster.start) + 1
            end = text.find("\n", cluster.end)
            lines.append((start, len(text) if end < 0 else end))
            continue
        if keys and any(c.key in keys for c in cluster.citations):
            cites = resolve_citations(cluster.citations, keys, frozenset())
            cluster = replace(cluster, citations=cites)
        out.append(cluster)
    return out, lines


def strip_doi_prefix(value: str) -> str:
    """``https://doi.org/10.1/X`` or ``doi:10.1/X`` -> ``10.1/X``."""
    return _DOI_PREFIX.sub("", value.strip())


def canonical_doi(value: str) -> str:
    """A DOI for comparison: prefix dropped, lower-cased (DOIs are case-insensitive)."""
    return strip_doi_prefix(value).lower()


def isbn_digits(value: str) -> str:
    return re.sub(r"[^0-9Xx]", "", value).upper()
