"""The checks: pure functions from pages and a library to diagnostics."""

from __future__ import annotations

import difflib
import heapq
import posixpath
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING
from urllib.parse import unquote

from citekb.checks.authors import check_corporate_authors
from citekb.checks.case_lost import check_case_lost
from citekb.checks.fields import (
    check_isbn,
    duplicate_work,
    isbn13,
    isbn_parts,
    isbn_valid,
    unknown_type,
)
from citekb.checks.handout_html import check_handout_html
from citekb.checks.migration import check_migration
from citekb.checks.notices import check_notices
from citekb.checks.policy import apply_policy
from citekb.checks.presentation import check_presentation
from citekb.checks.readability import check_reading_level
from citekb.checks.review import check_reviews
from citekb.checks.statcheck import check_page_statistics
from citekb.checks.uncited import cited_keys, mark_uncited
from citekb.checks.wording import check_wording
from citekb.core.anchors import ref_id
from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.core.identifiers import canonical_doi, isbn_digits, parse
from citekb.sources.entry_types import mapped_type
from citekb.sources.evidence import Evidence, check_evidence_coverage

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from citekb.core.config import Config
    from citekb.core.model import Citation, Entry, Library
    from citekb.pages.page import Page
    from citekb.project.load import Project

#: Required fields per entry type; a tuple inside means "any one of these".
REQUIRED: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "article": ("author", "title", ("journal", "journaltitle"), ("year", "date")),
    "book": (("author", "editor"), "title", "publisher", ("year", "date")),
    "inbook": (("author", "editor"), "title", ("chapter", "pages"), "publisher", ("year", "date")),
    "incollection": ("author", "title", "booktitle", "publisher", ("year", "date")),
    "inproceedings": ("author", "title", "booktitle", ("year", "date")),
    "conference": ("author", "title", "booktitle", ("year", "date")),
    "proceedings": ("title", ("year", "date")),
    "collection": ("editor", "title", ("year", "date")),
    "report": (("author", "institution"), "title", ("year", "date")),
    "techreport": (("author", "institution"), "title", ("year", "date")),
    "phdthesis": ("author", "title", ("school", "institution"), ("year", "date")),
    "mastersthesis": ("author", "title", ("school", "institution"), ("year", "date")),
    "thesis": ("author", "title", ("school", "institution"), ("year", "date")),
    "unpublished": ("author", "title", ("note", "year", "date")),
    "manual": ("title",),
    "booklet": ("title",),
    "misc": ("title",),
    "online": ("title", "url", ("year", "date", "urldate")),
    "webpage": ("title", "url", ("year", "date", "urldate")),
    "electronic": ("title", "url", ("year", "date", "urldate")),
    "www": ("title", "url", ("year", "date", "urldate")),
}

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_YEAR = re.compile(r"^\d{4}$")
# The characters the renderer refuses to put in a link (richtext._SAFE_HREF) are invalid here too.
_URL = re.compile(r"^https?://[^\s/?#<>\"'`]+\.[^\s/?#<>\"'`]+[^\s<>\"'`]*$", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _at(entry: Entry, name: str | None = None) -> tuple[str, int, int]:
    line = entry.field_lines.get(name, entry.line) if name else entry.line
    return entry.path, line, 1


#: REQUIRED with every requirement as a tuple of alternatives.
_NEEDS = {
    kind: tuple((n,) if isinstance(n, str) else n for n in need) for kind, need in REQUIRED.items()
}


def _given(fields: Mapping[str, str], name: str) -> str:
    """The field's value, or "" when it is missing or empty (braces and spaces only)."""
    value = fields.get(name, "")
    return value if value.strip(" {}") else ""


def check_entry(entry: Entry) -> list[Diagnostic]:
    """Required fields and field formats of one entry."""
    out: list[Diagnostic] = []
    fields = entry.fields
    if mapped_type(entry.type, fields) is None:
        out.append(unknown_type(entry))
    for options in _NEEDS.get(entry.type, (("title",),)):
        if not any(_given(fields, o) for o in options):
            names = " or ".join(f"`{o}`" for o in options)
            out.append(
                diagnostic(
                    Code.MISSING_FIELD,
                    *_at(entry),
                    f"@{entry.type}{{{entry.key}}} has no {names}",
                    f"add {names}, or use an entry type that fits the source",
                )
            )
    if (doi := _given(fields, "doi")) and not _DOI.match(canonical_doi(doi)):
        out.append(
            diagnostic(
                Code.INVALID_DOI,
                *_at(entry, "doi"),
                f"{entry.key}: {doi!r} is not a DOI",
                "a DOI looks like 10.1371/journal.pmed.1000316; drop any other text",
            )
        )
    if isbn := _given(fields, "isbn"):
        out.extend(check_isbn(entry, isbn))
    if (url := _given(fields, "url")) and not _URL.match(url.strip()):
        spaced = re.sub(r"\s+", "%20", url.strip())
        if spaced != url.strip() and _URL.match(spaced):
            message = f"{entry.key}: the URL {url!r} has spaces in it"
            hint = f"write each space as %20: url = {{{spaced}}}"
        else:
            message = f"{entry.key}: {url!r} is not an http(s) URL"
            hint = "use an absolute https:// address; other schemes are never linked"
        out.append(diagnostic(Code.INVALID_URL, *_at(entry, "url"), message, hint))
    if year := _given(fields, "year"):
        bare = year.strip().strip("{}")
        if not _YEAR.match(bare) and bare.lower() not in {"in press", "forthcoming", "n.d."}:
            out.append(
                diagnostic(
                    Code.INVALID_YEAR,
                    *_at(entry, "year"),
                    f"{entry.key}: year {year!r} is not a year",
                    "write four digits, e.g. year = {2015}, or `in press`",
                )
            )
    return out


def check_library(library: Library) -> list[Diagnostic]:
    """Duplicates across the whole library, then each entry's own fields."""
    out: list[Diagnostic] = []
    first: dict[str, Entry] = {}
    works: dict[tuple[str, str], Entry] = {}
    for entry in library:
        if (seen := first.get(entry.key)) is not None:
            out.append(
                diagnostic(
                    Code.DUPLICATE_KEY,
                    entry.path,
                    entry.line,
                    1,
                    f"key {entry.key!r} is defined twice: here and at {seen.path}:{seen.line}",
                    "rename one of the two entries, or delete the copy",
                )
            )
            continue
        first[entry.key] = entry
        out.extend(check_entry(entry))
        for kind, ident in _identifiers(entry):
            other = works.setdefault((kind, ident), entry)
            if other is not entry:
                out.append(duplicate_work(entry, other, kind, ident))
    return out


def _identifiers(entry: Entry) -> Iterable[tuple[str, str]]:
    if doi := entry.fields.get("doi"):
        yield "doi", canonical_doi(doi)
    if isbn := entry.fields.get("isbn"):
        for part in isbn_parts(isbn):
            digits = isbn_digits(part)
            if isbn_valid(digits):
                yield "isbn", isbn13(digits)


def _grams(word: str) -> dict[str, None]:
    """The trigrams of ``word``, in order: the candidates' order, and so the keys suggested
    among equals, must not depend on the hashing of strings (``PYTHONHASHSEED``)."""
    word = word.lower()
    return dict.fromkeys(word[i : i + 3] for i in range(max(len(word) - 2, 1)))


def suggester(keys: Sequence[str], limit: int = 2000) -> Callable[[str], list[str]]:
    """The closest keys to a typo, as difflib ranks them.

    difflib alone compares a typo with every key, too slow for a library of 20,000 entries;
    a trigram index first picks the keys that share the most trigrams with it (trigrams that
    more than ``limit`` keys share tell nothing and are skipped).
    """
    index: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for gram in _grams(key):
            index[gram].append(key)

    def suggest(word: str) -> list[str]:
        counts: Counter[str] = Counter()
        for gram in _grams(word):
            hits = index.get(gram, ())
            if len(hits) <= limit:
                counts.update(hits)
        candidates = [key for key, _ in counts.most_common(200)]
        return close_matches(word, candidates, n=3, cutoff=0.6)

    return suggest


def close_matches(word: str, candidates: Iterable[str], n: int, cutoff: float) -> list[str]:
    """``difflib.get_close_matches``, with the same result, in less time.

    difflib computes the costly ``ratio`` (Ratcliff/Obershelp) of every candidate whose cheap
    upper bound reaches the cutoff, twice. Here the bound is the longest common subsequence
    (the matching blocks are one), which is close; candidates are taken from the highest bound
    and each ratio is computed once. Once ``n`` are found, a bound below the ``n``-th best ratio
    ends the search (an equal one does not: difflib breaks ties by the larger key).
    """
    masks: dict[str, int] = {}
    for at, char in enumerate(word):
        masks[char] = masks.get(char, 0) | 1 << at
    full = (1 << len(word)) - 1
    bounded: list[tuple[float, str]] = []
    for key in candidates:
        row = full  # bit-parallel LCS (Allison-Dix): zero bits count the common subsequence
        for char in key:
            match = row & masks.get(char, 0)
            row = ((row + match) | (row - match)) & full
        length = len(key) + len(word)
        bound = 2.0 * (len(word) - row.bit_count()) / length if length else 1.0
        if bound >= cutoff:
            bounded.append((bound, key))
    bounded.sort(reverse=True)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: list[tuple[float, str]] = []  # a heap of the n best (ratio, key) so far
    for bound, key in bounded:
        if len(best) == n and bound < best[0][0]:
            break
        matcher.set_seq1(key)
        if (ratio := matcher.ratio()) >= cutoff:
            (heapq.heappush if len(best) < n else heapq.heappushpop)(best, (ratio, key))
    return [key for _, key in sorted(best, reverse=True)]


def check_citations(
    citations: Sequence[Citation],
    library: Library,
    aliases: Mapping[str, str] | None = None,
    *,
    unused: bool = True,
) -> list[Diagnostic]:
    """``unknown-key`` for every citation not in the library, and (``unused``) ``unused-entry``.

    Citations are resolved (``core.identifiers``): a key left that is an identifier, or an
    alias of one (``aliases``), is an ``unknown-identifier``.
    """
    out: list[Diagnostic] = []
    suggest: Callable[[str], list[str]] | None = None
    cited: set[str] = set()
    for citation in citations:
        cited.add(citation.key)
        if citation.key in library:
            continue
        if (found := _unknown_identifier(citation, aliases or {})) is not None:
            out.append(found)
            continue
        suggest = suggest or suggester(list(library.by_key))
        close = suggest(citation.key)
        hint = (
            ("did you mean " + ", ".join(f"@{k}" for k in close) + "?")
            if close
            else ("add the entry to the bibliography, or fix the key")
        )
        out.append(
            diagnostic(
                Code.UNKNOWN_KEY,
                citation.path,
                citation.line,
                citation.column,
                f"@{citation.key} is not in the library",
                hint,
            )
        )
    for key, entry in library.by_key.items() if unused else ():
        if key not in cited:
            out.append(
                diagnostic(
                    Code.UNUSED_ENTRY,
                    entry.path,
                    entry.line,
                    1,
                    f"{key} is never cited",
                    "cite it from a page, or remove it from the library",
                )
            )
    return out


_ADD_OPTION = {"doi": "--doi", "pmid": "--pmid", "isbn": "--isbn"}


def _unknown_identifier(citation: Citation, aliases: Mapping[str, str]) -> Diagnostic | None:
    target = aliases.get(citation.key, citation.key)
    ident = parse(target)
    if ident is None:
        return None
    kind, value = ident
    via = f" (alias of {target})" if target != citation.key else ""
    option = _ADD_OPTION.get(kind)
    hint = (
        f"add the work: citekb add {option} {value}"
        if option
        else f"add an entry with url = {{{value}}}, or cite the work by its key"
    )
    return diagnostic(
        Code.UNKNOWN_IDENTIFIER,
        citation.path,
        citation.line,
        citation.column,
        f"@{citation.key}{via}: no library entry has {kind.upper()} {value}",
        hint,
    )


def check_links(pages: Sequence[Page], files: Iterable[str]) -> list[Diagnostic]:
    """Relative links must reach an existing page or file, and an existing heading anchor."""
    by_name = {page.name: page for page in pages}
    known = set(files) | set(by_name)
    out: list[Diagnostic] = []
    for page in pages:
        for link in page.links:
            target = link.target.strip()
            if not target or target.startswith(("/", "//")) or _SCHEME.match(target):
                continue
            path, _, anchor = target.partition("#")
            path = path.split("?", 1)[0]
            anchor = unquote(anchor)
            if path:
                # `my%20page.md` names `my page.md`, as in a browser
                wanted = unquote(path)
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.name), wanted))
                if path.endswith("/") or (
                    resolved not in known and f"{resolved}/index.md" in known
                ):
                    resolved = posixpath.normpath(f"{resolved}/index.md")
            else:
                resolved = page.name
            if resolved not in known:
                out.append(
                    diagnostic(
                        Code.BROKEN_LINK,
                        page.path,
                        link.line,
                        link.column,
                        f"link target {path!r} does not exist",
                        "fix the relative path to the page or file",
                    )
                )
                continue
            if anchor and (dest := by_name.get(resolved)) and not _has_anchor(dest, anchor):
                choices = difflib.get_close_matches(anchor, sorted(dest.anchors), n=1)
                hint = f"did you mean #{choices[0]}?" if choices else "link to an existing heading"
                out.append(
                    diagnostic(
                        Code.BROKEN_LINK,
                        page.path,
                        link.line,
                        link.column,
                        f"{resolved} has no heading with anchor #{anchor}",
                        hint,
                    )
                )
    return out


def _has_anchor(page: Page, anchor: str) -> bool:
    # ``ref-<key>`` anchors are made by the renderer for every reference the page cites.
    if anchor.startswith("ref-"):
        return any(ref_id(c.key) == anchor for c in page.citations)
    return anchor in page.anchors


def run_checks(project: Project, today: dt.date | None = None) -> list[Diagnostic]:
    """Every check over a loaded project, filtered by the project's policy.

    ``today`` dates the review check (``review-overdue``); without it that check is skipped.
    """

    found = list(project.diagnostics)  # includes check_library when run while loading
    if not project.library_checked:
        found += check_library(project.library)
    citations = [c for page in project.pages for c in page.citations]
    every = project.config.check_uncited
    found += check_citations(citations, project.library, project.resolution.aliases, unused=every)
    found += check_links(project.pages, project.files)
    found += check_nav(project.config, project.files)
    found += check_env(project.config)
    if any(page.is_handout for page in project.pages):
        found += check_reading_level(project.pages, project.config.reading_level)
        found += check_handout_html(project.pages)
    found += check_evidence(project)

    found += check_wording(project.pages, project.evidence, project.config)
    found += check_corporate_authors(project.library.by_key.values())
    if project.config.style == "apa":  # only APA titles are put in sentence case
        found += check_case_lost(project.library.by_key.values(), project.config.proper_nouns)
    found += check_reviews(project.pages, project.config.review_months, today)

    found += check_presentation(project)

    found += check_migration(project)
    if not every:
        found = mark_uncited(found, project.library, cited_keys(project))
    return apply_policy(found, project.config, project.texts)


def check_nav(config: Config, files: frozenset[str]) -> list[Diagnostic]:
    """``nav:`` entries naming a page that is not in ``docs_dir`` (MkDocs' strict build stops)."""
    found: list[Diagnostic] = []
    for page, line, column in config.nav:
        if page in files or page == config.bibliography_page:  # that one citekb generates
            continue
        found.append(
            diagnostic(
                Code.NAV_MISSING_PAGE,
                "mkdocs.yml",
                line,
                column,
                f"nav names {page!r}, which is not in {config.docs_dir}/",
                "fix the path, create the page, or remove the nav entry",
            )
        )
    return found


def check_env(config: Config) -> list[Diagnostic]:
    """``env-in-config`` for each ``!ENV`` tag: MkDocs fills it from the build's environment,
    so a pull request can publish a CI variable (``site_name: !ENV [SECRET, x]``)."""
    return [
        diagnostic(
            Code.ENV_IN_CONFIG,
            tag.path,
            tag.line,
            tag.column,
            f"!ENV reads the environment variable {', '.join(map(_quoted, tag.names)) or '?'}:"
            " the built site would show its value",
            "write the value out; if the variable is meant to be public, ignore env-in-config",
        )
        for tag in config.env
    ]


def _quoted(name: str) -> str:
    return repr(name)[1:-1] if name.isidentifier() else repr(name)


def check_evidence(project: Project) -> list[Diagnostic]:
    """Statistics against the evidence records, and citations of unverified or unrecorded sources.

    Without an evidence file, a statistic still needs a citation (``unsourced-statistic``).
    """

    evidence = project.evidence if project.evidence is not None else Evidence({}, "")
    found: list[Diagnostic] = []
    for page in project.pages:
        found += check_page_statistics(
            page.text, page.path, page.citations, evidence, found=page.statistics
        )
    if project.evidence is not None:
        citations = [c for page in project.pages for c in page.citations]
        found += check_evidence_coverage(citations, evidence)
        found += check_notices(citations, evidence)
    return found
