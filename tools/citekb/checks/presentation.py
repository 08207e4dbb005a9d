"""Checks of what readers see: forest blocks that cannot be drawn, pages that share a title,
and a missing or placeholder ``site_url`` printed on handouts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.pages.forest import check_forests

if TYPE_CHECKING:
    from collections.abc import Sequence

    from citekb.pages.page import Page
    from citekb.project.load import Project

#: Domains reserved for examples (RFC 2606); a site published there cannot be reached.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")
_TITLE_LINE = re.compile(r"^title:", re.M)


def check_presentation(project: Project) -> list[Diagnostic]:
    """Forest blocks, duplicate titles, the handouts' web address (pure over the project)."""

    found: list[Diagnostic] = []
    for page in project.pages:
        if "forest" in page.text:
            found += check_forests(page.text, page.path, project.evidence)
    found += check_duplicate_titles(project.pages)
    found += check_site_url(project.pages, project.config.site_url)
    return found


#: The codes about the web address printed on handouts: ``citekb build`` reports them with
#: the handouts it writes, and they do not stop the site's build.
SITE_URL_CODES = frozenset({Code.MISSING_SITE_URL, Code.PLACEHOLDER_SITE_URL})


def check_site_url(pages: Sequence[Page], site_url: str) -> list[Diagnostic]:
    """``missing-site-url`` on each handout page when ``site_url`` is not set, and
    ``placeholder-site-url`` once when it is on an example domain; nothing without handouts."""
    handouts = [page for page in pages if page.is_handout]
    if not handouts:
        return []
    if site_url.strip():
        return placeholder_site_url(site_url)
    return [
        diagnostic(
            Code.MISSING_SITE_URL,
            page.path,
            1,
            1,
            "site_url is not set, so this handout has no web address or QR code",
            "add `site_url: https://your.site/` to mkdocs.yml",
        )
        for page in handouts
    ]


def title_line(page: Page) -> int:
    """The line of the page's title: its front-matter ``title:``, else its first heading."""
    if isinstance(page.meta.get("title"), str) and page.text.startswith("---"):
        end = page.text.find("\n---", 3)
        match = _TITLE_LINE.search(page.text, 0, end if end > 0 else len(page.text))
        if match:
            return page.text.count("\n", 0, match.start()) + 1
    for heading in page.headings:
        if heading.level == 1:
            return heading.line
    return 1


def check_duplicate_titles(pages: Sequence[Page]) -> list[Diagnostic]:
    """``duplicate-title`` at each page whose title an earlier page (by path) already has."""
    first: dict[str, Page] = {}
    out: list[Diagnostic] = []
    for page in sorted(pages, key=lambda p: p.path):
        title = " ".join(page.title.split()).casefold()
        earlier = first.setdefault(title, page)
        if earlier is page:
            continue
        out.append(
            diagnostic(
                Code.DUPLICATE_TITLE,
                page.path,
                title_line(page),
                1,
                f"page title {page.title!r} is also the title of {earlier.path}",
                "give each page its own title, so navigation and 'Cited on' links tell them apart",
            )
        )
    return out


def is_placeholder_url(url: str) -> bool:
    """``https://citekb.example.org/`` -> True."""
    host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    return any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def placeholder_site_url(site_url: str) -> list[Diagnostic]:
    """``placeholder-site-url`` when handouts would print an address on an example domain."""
    if not is_placeholder_url(site_url):
        return []
    return [
        diagnostic(
            Code.PLACEHOLDER_SITE_URL,
            "mkdocs.yml",
            0,
            0,
            f"site_url {site_url!r} is on a placeholder domain, so the web address and QR code"
            " printed on handouts lead nowhere",
            "set `site_url` in mkdocs.yml to the address where the site is published",
        )
    ]
