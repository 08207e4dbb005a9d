"""Diagnostics as data: every code citekb can report, and the finding record itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """Every diagnostic code, in documentation order (``manual/diagnostics.md``)."""

    # citations
    UNKNOWN_KEY = "unknown-key"
    UNKNOWN_IDENTIFIER = "unknown-identifier"
    UNUSED_ENTRY = "unused-entry"
    BAD_CITATION = "bad-citation"
    # the library
    DUPLICATE_KEY = "duplicate-key"
    DUPLICATE_WORK = "duplicate-work"
    MISSING_FIELD = "missing-field"
    INVALID_DOI = "invalid-doi"
    INVALID_ISBN = "invalid-isbn"
    INVALID_URL = "invalid-url"
    INVALID_YEAR = "invalid-year"
    BIB_SYNTAX = "bib-syntax"
    BIB_ENCODING = "bib-encoding"
    MISSING_COMMA = "missing-comma"
    UNDEFINED_MACRO = "undefined-macro"
    BAD_CROSSREF = "bad-crossref"
    UNKNOWN_ENTRY_TYPE = "unknown-entry-type"
    NO_BIBLIOGRAPHY = "no-bibliography"
    BIB_LIMIT = "bib-limit"
    # pages
    BAD_FRONTMATTER = "bad-frontmatter"
    BROKEN_LINK = "broken-link"
    NAV_MISSING_PAGE = "nav-missing-page"
    DUPLICATE_TITLE = "duplicate-title"
    UNREADABLE_FILE = "unreadable-file"
    WRITE_FAILED = "write-failed"
    PAGE_LIMIT = "page-limit"
    OUTSIDE_PROJECT = "outside-project"
    ENV_IN_CONFIG = "env-in-config"
    # evidence and statistics
    BAD_EVIDENCE = "bad-evidence"
    UNSOURCED_STATISTIC = "unsourced-statistic"
    STATISTIC_MISMATCH = "statistic-mismatch"
    UNVERIFIED_SOURCE = "unverified-source"
    MISSING_EVIDENCE = "missing-evidence"
    RETRACTED_SOURCE = "retracted-source"
    SOURCE_NOTICE = "source-notice"
    CORPORATE_AUTHOR = "corporate-author"
    # wording
    CAUSAL_LANGUAGE = "causal-language"
    CERTAINTY_WORDS = "certainty-words"
    MISSING_DESIGN = "missing-design"
    CASE_LOST = "case-lost"
    # review dates
    REVIEW_OVERDUE = "review-overdue"
    REVIEW_MISSING = "review-missing"
    FOREST_UNKNOWN_FINDING = "forest-unknown-finding"
    FOREST_NO_FIGURES = "forest-no-figures"
    FOREST_MIXED_MEASURES = "forest-mixed-measures"
    # printable handouts
    READING_LEVEL = "reading-level"
    HANDOUT_TOO_LONG = "handout-too-long"
    MISSING_SITE_URL = "missing-site-url"
    PLACEHOLDER_SITE_URL = "placeholder-site-url"
    HANDOUT_FAILED = "handout-failed"
    HANDOUT_UNSAFE_HTML = "handout-unsafe-html"
    HANDOUT_IMAGE_LIMIT = "handout-image-limit"
    # rendering
    CITEPROC_FAILED = "citeproc-failed"
    # the built site
    SITE_NOT_RENDERED = "site-not-rendered"
    # moving from another tool
    LEFTOVER_BIBTEX_PLUGIN = "leftover-bibtex-plugin"


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """A code's default severity and one-line summary."""

    code: Code
    severity: Severity
    summary: str


E, W = Severity.ERROR, Severity.WARNING

_TABLE: dict[Code, tuple[Severity, str]] = {
    # citations
    Code.UNKNOWN_KEY: (E, "A cited key is not in the library."),
    Code.UNKNOWN_IDENTIFIER: (E, "A cited DOI, PMID, ISBN or URL is in no library entry."),
    Code.UNUSED_ENTRY: (W, "A library entry is never cited."),
    Code.BAD_CITATION: (E, "Text that looks like a citation but is none: @{key with a space}."),
    # the library
    Code.DUPLICATE_KEY: (E, "The same key is defined twice."),
    Code.DUPLICATE_WORK: (E, "Two keys share a DOI or ISBN."),
    Code.MISSING_FIELD: (E, "An entry lacks a field its type requires."),
    Code.INVALID_DOI: (E, "A DOI is not of the form 10.NNNN/suffix."),
    Code.INVALID_ISBN: (E, "An ISBN has the wrong length or checksum."),
    Code.INVALID_URL: (E, "A URL is not an absolute http(s) address."),
    Code.INVALID_YEAR: (E, "A year is not a four-digit year."),
    Code.BIB_SYNTAX: (E, "A BibTeX block could not be parsed."),
    Code.BIB_ENCODING: (E, "A BibTeX file is not UTF-8 or UTF-16 with a BOM."),
    Code.MISSING_COMMA: (E, "A comma between two fields is missing."),
    Code.UNDEFINED_MACRO: (E, "A field uses a @string macro that is never defined."),
    Code.BAD_CROSSREF: (E, "A crossref names a key that is not in the library."),
    Code.UNKNOWN_ENTRY_TYPE: (W, "An entry type with no known CSL type; it renders as a document."),
    Code.NO_BIBLIOGRAPHY: (E, "A bibliography pattern matches no file."),
    Code.BIB_LIMIT: (E, "A bib file passes a size limit, e.g. a @string that expands too far."),
    # pages
    Code.BAD_FRONTMATTER: (E, "Front matter does not parse or breaks the page schema."),
    Code.BROKEN_LINK: (E, "A relative link points to a missing page or heading."),
    Code.NAV_MISSING_PAGE: (E, "A nav entry in mkdocs.yml names a page that does not exist."),
    Code.DUPLICATE_TITLE: (W, "Two pages have the same title."),
    Code.UNREADABLE_FILE: (E, "A file could not be read."),
    Code.WRITE_FAILED: (E, "A command could not write a file."),
    Code.PAGE_LIMIT: (E, "A page passes a size limit: front matter, nesting or length."),
    Code.OUTSIDE_PROJECT: (E, "A page or bib file is not a regular file inside the project."),
    Code.ENV_IN_CONFIG: (W, "mkdocs.yml takes a value from an environment variable (`!ENV`)."),
    # evidence and statistics
    Code.BAD_EVIDENCE: (E, "The evidence YAML does not parse or breaks the evidence schema."),
    Code.UNSOURCED_STATISTIC: (E, "A prose sentence states a statistic and cites nothing."),
    Code.STATISTIC_MISMATCH: (E, "A statistic matches no figure recorded for its cited sources."),
    Code.UNVERIFIED_SOURCE: (W, "A cited source's evidence record is marked unverified."),
    Code.MISSING_EVIDENCE: (W, "A cited entry has no evidence record."),
    Code.RETRACTED_SOURCE: (E, "A cited work has a retraction or withdrawal notice."),
    Code.SOURCE_NOTICE: (W, "A cited work has a correction or an expression of concern."),
    Code.CORPORATE_AUTHOR: (W, "An organisation's name as author is not in double braces."),
    # wording
    Code.CAUSAL_LANGUAGE: (
        W,
        "A sentence claims cause and effect on observational or weaker evidence.",
    ),
    Code.CERTAINTY_WORDS: (
        W,
        "A cited sentence says proves, always, never, definitely or guaranteed.",
    ),
    Code.MISSING_DESIGN: (W, "A meta-analysis or review a causal claim cites has no `design:`."),
    Code.CASE_LOST: (W, "APA sentence case would lower-case a title word that looks like a name."),
    # review dates
    Code.REVIEW_OVERDUE: (W, "A page's next review date has passed."),
    Code.REVIEW_MISSING: (W, "A handout page has no `reviewed` date."),
    Code.FOREST_UNKNOWN_FINDING: (E, "A forest block names a finding no evidence record has."),
    Code.FOREST_NO_FIGURES: (E, "A forest block has nothing to plot for a finding, or at all."),
    Code.FOREST_MIXED_MEASURES: (E, "A forest block mixes odds, risk and hazard ratios."),
    # printable handouts
    Code.READING_LEVEL: (W, "A handout's prose reads above the configured grade level."),
    Code.HANDOUT_TOO_LONG: (E, "A handout runs past its page limit (`pages`, at most two)."),
    Code.MISSING_SITE_URL: (W, "A handout has no web address because site_url is not set."),
    Code.PLACEHOLDER_SITE_URL: (W, "site_url is on a placeholder domain such as example.org."),
    Code.HANDOUT_FAILED: (E, "A handout could not be rendered, so no PDF was written."),
    Code.HANDOUT_UNSAFE_HTML: (W, "A handout page has raw HTML that the printed handout drops."),
    Code.HANDOUT_IMAGE_LIMIT: (W, "A handout image is too large or an SVG nests `<use>` too far."),
    # rendering
    Code.CITEPROC_FAILED: (W, "citeproc-py could not format an entry; a plain fallback is shown."),
    # the built site
    Code.SITE_NOT_RENDERED: (E, "The site engine did not run citekb's Markdown extension."),
    # moving from another tool
    Code.LEFTOVER_BIBTEX_PLUGIN: (W, "mkdocs.yml still lists mkdocs-bibtex's `bibtex` plugin."),
}

#: Every code with its default severity and summary, keyed by the code (a ``str``).
CODES: dict[str, CodeInfo] = {
    code.value: CodeInfo(code, severity, summary) for code, (severity, summary) in _TABLE.items()
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding, located at ``path:line:column`` (1-based; 0 means the whole file)."""

    code: Code
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    #: The key of the uncited entry this finding is about, when uncited entries are not
    #: checked (``check_uncited: false``): such findings only count in the summary.
    uncited: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


def diagnostic(
    code: Code | str, path: str, line: int, column: int, message: str, hint: str = ""
) -> Diagnostic:
    """Make a diagnostic at the code's default severity (an unknown code raises ValueError)."""
    known = Code(code)
    return Diagnostic(known, CODES[known].severity, path, line, column, message, hint)


#: Characters a terminal or a CI log would act on: C0 and C1 controls (ESC starts an escape
#: sequence, a newline a new line, and with it a forged ``::error`` workflow command), line and
#: paragraph separators, and the bidirectional controls that reorder what a reviewer reads.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\n``…)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


class ConfigError(Exception):
    """The configuration cannot be used; the CLI exits 2 with this message (defined here, with
    the diagnostics, so that the CLI can catch it without loading the YAML reader)."""
