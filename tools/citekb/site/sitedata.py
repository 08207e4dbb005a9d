"""What every page of a site needs to know about every other: the data the Markdown extension
shares across pages (see :class:`~citekb.site.markdown_ext.CitekbExtension`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from citekb.render.style import References

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from citekb.core.model import Cluster
    from citekb.pages.page import Page
    from citekb.sources.evidence import Evidence


@dataclass(frozen=True, slots=True)
class Backlink:
    """A place that cites a work: "Page title › Section heading" and its URL."""

    label: str
    href: str


@dataclass
class SiteData:
    """What every page needs to know about every other; filled by the MkDocs plugin.

    Mutable on purpose: the plugin swaps ``refs`` on each rebuild and sets ``page`` per page.
    """

    refs: References = field(default_factory=References)
    backlinks: Mapping[str, Sequence[Backlink]] = field(default_factory=dict)
    xref_prefixes: Sequence[str] = ("fig", "tbl", "eq", "sec")
    page: str = ""
    references_title: str = "References"
    #: Scanned clusters by page-text digest, kept across builds by the plugin's cache.
    clusters: dict[str, list[Cluster]] = field(default_factory=dict)
    #: Page path → the page as loaded, whose clusters are reused when its body is unchanged.
    pages: Mapping[str, Page] = field(default_factory=dict)
    #: The evidence records, for ``forest`` blocks (none: every block reports that).
    evidence: Evidence | None = None
    #: The keys pages cite, when ``refs`` holds more (a page lists the whole library with
    #: ``\\full_bibliography``); None: every work in ``refs`` is cited.
    cited: frozenset[str] | None = None
    #: Whether the site search indexes each page's reference list and downloads.
    searchable: bool = True
