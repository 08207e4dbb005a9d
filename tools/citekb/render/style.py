"""CSL formatting through citeproc-py into rich text shared by the site and the PDF handouts.

Each entry is formatted once, alone, into a :class:`Formatted` record (reference, in-text
author, year), cached by the entry's content and the style's bytes. Everything that depends on
the set of cited works (sort order, numbers, year suffixes 2020a/2020b, added names, initials)
is composed from those records in :mod:`citekb.render.citeset`, and every citation form in
:mod:`citekb.render.citeforms`, so a warm cache never touches citeproc-py, which is imported lazily.
This module is the front of the render layer: the :class:`Engine`, and the names other layers
use from :mod:`~citekb.render.style_files`, :mod:`~citekb.render.citeset` and
:mod:`~citekb.render.formatted`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from citekb.core.model import Entry
from citekb.render import richtext as rt
from citekb.render.apa_fixes import add_others, fix_reference, honest_others, parse_html, protect
from citekb.render.cite_parts import (
    fallback,
    family_names,
    first_author,
    italic_head,
    punctuation_in_quote,
    split_cite,
    strip_affixes,
    titled_report,
    year_of,
)
from citekb.render.citeset import References, build_references, sort_key, with_suffix
from citekb.render.csl_adapter import adapt_citeproc
from citekb.render.format_pool import format_parallel
from citekb.render.formatted import Formatted, Layout, citation_layout
from citekb.render.note_forms import later_forms
from citekb.render.style_files import (
    StyleError,
    packaged_style,
    read_style_file,
    style_path,
)
from citekb.sources.biblatex_fields import apa_publisher
from citekb.sources.csl import entry_to_csl
from citekb.sources.sentence_case import apply_sentence_case

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
    from pathlib import Path

    from citekb.core.model import Library
    from citekb.render.richtext import Rich

#: Below this many uncached entries, starting worker processes costs more than it saves.
PARALLEL_MIN = 48
_APA_ID = re.compile(rb"<id>[^<]*/styles/apa(?:-[a-z0-9-]*)?</id>")
#: Bumped whenever the cached form or the post-processing changes.
FORMAT_VERSION = "11"

__all__ = [
    "Engine",
    "Formatted",
    "Layout",
    "References",
    "StyleError",
    "build_references",
    "citation_layout",
    "packaged_style",
    "sort_key",
    "style_path",
    "with_suffix",
]


class Engine:
    """Formats CSL-JSON items with one CSL style (``source``: its bytes, read by the caller
    inside the project; else ``path`` is read, bounded); keeps citeproc-py's parsed style."""

    def __init__(self, path: Path, source: bytes | None = None) -> None:
        try:
            self.source = read_style_file(path) if source is None else source
        except OSError as exc:
            raise StyleError(f"cannot read CSL style {path}: {exc.strerror}") from None
        if b"<style" not in self.source:
            raise StyleError(f"{path} is not a CSL style (no <style> element)")
        self.path = path
        self.layout = citation_layout(self.source)
        #: APA styles get sentence-case titles, which CSL processors do not make themselves.
        self.sentence_case = bool(_APA_ID.search(self.source))
        self.id = hashlib.sha256(FORMAT_VERSION.encode() + self.source).hexdigest()[:16]
        self._style: Any = None
        self._inside: bool | None = None  # the locale's punctuation-in-quote, read once
        #: Called as ``progress(done, total)`` while formatting; set by a terminal front end.
        self.progress: Callable[[int, int], None] | None = None

    def entry_cache_key(self, entry: Entry) -> str:
        """The cache key of an entry: its key, type and fields, and the style."""
        blob = json.dumps([entry.key, entry.type, sorted(entry.fields.items())], ensure_ascii=False)
        return hashlib.sha256(self.id.encode() + blob.encode()).hexdigest()

    def format_entries(
        self, entries: Iterable[Entry], cache: MutableMapping[str, Any] | None = None
    ) -> dict[str, Formatted]:
        """Format entries (key -> record); a cache hit skips CSL conversion and citeproc-py."""
        out: dict[str, Formatted] = {}
        todo: list[tuple[str, Entry]] = []
        for entry in entries:
            ckey = self.entry_cache_key(entry) if cache is not None else ""  # no cache: unused
            hit = _cached(cache, ckey, entry.key)
            if hit is not None:
                out[entry.key] = hit
            else:
                todo.append((ckey, entry))  # converted to CSL where it is formatted
        self._fill(todo, out, cache)
        return out

    def csl_item(self, entry: Entry) -> dict[str, Any]:
        """The CSL-JSON item this style formats (for APA: sentence-case titles, and publishers
        without a business designation, APA 9.29)."""
        item = add_others(entry_to_csl(entry), entry.fields)
        if self.sentence_case:
            apply_sentence_case(item, entry.fields)
            if isinstance(item.get("publisher"), str):
                item["publisher"] = apa_publisher(str(item["publisher"]))
        return item

    def format_any(self, work: Mapping[str, Any] | Entry) -> Formatted:
        """Format a CSL-JSON item, or an entry converted here (in a worker, in parallel)."""
        return self.format_one(self.csl_item(work) if isinstance(work, Entry) else work)

    def _fill(
        self,
        todo: Sequence[tuple[str, Entry]],
        out: dict[str, Formatted],
        cache: MutableMapping[str, Any] | None,
    ) -> None:
        done = self.format_many([item for _, item in todo])
        for (ckey, _), formatted in zip(todo, done, strict=True):
            out[formatted.key] = formatted
            if cache is not None and not formatted.error:
                cache[ckey] = formatted.to_json()

    def format_many(self, items: Sequence[Mapping[str, Any] | Entry]) -> list[Formatted]:
        """Format CSL-JSON items or entries in order, on every core when there are many
        (citeproc-py is slow; entries are converted to CSL in the workers too)."""
        workers = min(os.cpu_count() or 1, 8)
        if len(items) >= PARALLEL_MIN and workers > 1:
            try:
                self._load()  # citeproc-py imported before the workers fork (where they can)
                done = format_parallel(Engine, self.path, items, workers, self.progress, self)
                return [_restored(key, data, error) for key, data, error in done]
            except (OSError, RuntimeError, ImportError):  # no processes here: go serial
                pass
        out = []
        for item in items:
            out.append(self.format_any(item))
            if self.progress is not None:
                self.progress(len(out), len(items))
        return out

    def _load(self) -> Any:
        if self._style is None:
            from citeproc import CitationStylesStyle  # heavy: citeproc-py, lxml

            adapt_citeproc()
            try:
                self._style = CitationStylesStyle(str(self.path), validate=False)
            except Exception as exc:  # lxml or citeproc-py: either way the style is unusable
                raise StyleError(f"{self.path}: not a usable CSL style: {exc}") from None
        return self._style

    def format_one(self, item: Mapping[str, Any]) -> Formatted:
        """Format one item alone; a citeproc-py failure yields a plain fallback and ``error``."""
        from citeproc import Citation as CslCitation
        from citeproc import CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        key = str(item["id"])
        style = self._load()
        data = protect(dict(item))  # a copy: protect makes every dict and list anew
        data["id"] = "item"
        later = None
        try:
            bib = CitationStylesBibliography(style, CiteProcJSON([data]), formatter.html)
            bib.citekb_alone = True  # citation-number: a placeholder, numbered across the set
            citation = CslCitation([CitationItem("item")])
            bib.register(citation)
            cite_html = str(bib.cite(citation, lambda _item: None))
            entries = bib.bibliography()
            ref_html = str(entries[0]) if entries else ""
            if self.layout.note:
                later = later_forms(bib, "item", self._cite_rich)
        except Exception as exc:  # citeproc-py raises bare errors on odd data
            return fallback(key, item, f"{type(exc).__name__}: {exc}")
        cite = self._cite_rich(cite_html, quotes=False)
        reference = fix_reference(parse_html(ref_html), item)
        author, year = split_cite(cite, year_of(item))
        if titled_report(author, item):
            author, cite = italic_head(author, cite)
        if self._quotes_inside():
            cite = punctuation_in_quote(cite)  # "Title," 2020: the author part keeps no comma
            reference = punctuation_in_quote(reference)  # "Title." Publisher
        family, initials = first_author(item)
        names = family_names(item)
        return Formatted(key, reference, author, year, cite, "", family, initials, names, later)

    def _quotes_inside(self) -> bool:
        """Whether the style's locale puts punctuation inside quotes (US English)."""
        if self._inside is None:
            option = self._load().root.get_locale_option("punctuation-in-quote")
            self._inside = option.lower() == "true"
        return self._inside

    def _cite_rich(self, html: str, quotes: bool = True) -> Rich:
        """A citation as citeproc-py renders it, without the layout's brackets or a note's
        closing period, "et al." where the list is incomplete; US punctuation in quotes
        unless ``quotes`` is false."""
        style = self._load()
        layout = style.root.citation.layout
        cite = honest_others(strip_affixes(parse_html(html), layout.get("prefix", "")))
        end = layout.get("suffix", "")
        if end and end not in ")]" and rt.to_text(cite).endswith(end):  # a note's closing "."
            cite = rt.slice_text(cite, 0, len(rt.to_text(cite)) - len(end))
        if quotes and self._quotes_inside():
            cite = punctuation_in_quote(cite)
        return cite


def _restored(key: str, data: Mapping[str, Any], error: str) -> Formatted:
    """A record sent back by a worker, with its error (most have none)."""
    formatted = Formatted.from_json(key, data)
    return replace(formatted, error=error) if error else formatted


def _cached(cache: Mapping[str, Any] | None, ckey: str, key: str) -> Formatted | None:
    """A cache hit, or None when missing or damaged (then it is simply formatted again)."""
    data = cache.get(ckey) if cache is not None else None
    if data is None:
        return None
    try:
        return Formatted.from_json(key, data)
    except (KeyError, TypeError, IndexError, ValueError, RecursionError):
        return None


def references_for(
    library: Library,
    keys: Iterable[str],
    engine: Engine,
    cache: MutableMapping[str, Any] | None = None,
    evidence: Mapping[str, str] | None = None,
) -> References:
    """Format the cited entries of ``library`` (unknown keys skipped) into a reference list."""
    entries: list[Entry] = []
    seen: set[str] = set()
    for key in keys:
        entry = library.get(key)
        if entry is not None and key not in seen:
            seen.add(key)
            entries.append(entry)
    formatted = engine.format_entries(entries, cache)
    return build_references(formatted, evidence, engine.layout, [e.key for e in entries])
