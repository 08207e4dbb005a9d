"""What a page says about itself: its review dates, a "Cite this page" block (APA and BibTeX)
and schema.org JSON-LD listing the works it cites (``MedicalWebPage`` for health content,
``WebPage`` otherwise).

Pure functions from a parsed page and site settings to HTML; the MkDocs plugin appends their
output to each page, and the handout writer prints the review line.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from citekb.checks.authors import looks_corporate
from citekb.checks.review import Review, review_line, review_of
from citekb.sources.csl import latex_to_text

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping

    from citekb.core.config import Config
    from citekb.core.model import Entry
    from citekb.pages.page import Page

_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.I)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/[^\s\"<>]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LATEX_SPECIAL = re.compile(r"([\\{}%&#$_~^])")
# Characters that could end the script element or start a comment in it, as JSON escapes.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028"}
_SCRIPT_UNSAFE["\u2029"] = "\\u2029"


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the page metadata is made from."""

    title: str
    url: str  # absolute when site_url is set, else ""
    review: Review
    summary: str = ""
    site_name: str = ""
    site_author: str = ""
    slug: str = "page"
    health: bool = False  # schema.org MedicalWebPage rather than WebPage
    searchable: bool = True  # False: "Cite this page" is kept out of the site search


def page_facts(page: Page, config: Config, url: str) -> PageFacts:
    """Collect the facts from a parsed page and the config (``url`` absolute or "")."""
    summary = page.meta.get("summary")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", page.name.removesuffix(".md")).strip("-").lower()
    return PageFacts(
        page.title,
        url if _SAFE_URL.match(url) else "",
        review_of(page.meta, config.review_months),
        summary.strip() if isinstance(summary, str) else "",
        config.site_name.strip(),
        config.site_author.strip(),
        slug or "page",
        config.health,
        config.search_references,
    )


def review_html(review: Review) -> str:
    """``<p>Last reviewed … · Next review due …</p>`` and who reviewed it; "" without dates."""
    line = review_line(review)
    if not line:
        return ""
    if review.reviewed_by:
        line += f" · Reviewed by {', '.join(review.reviewed_by)}"
    return f'<p class="citekb-page-meta citekb-review">{_esc(line)}</p>'


# --- cite this page ---------------------------------------------------------------------


def _apa_date(date: dt.date | None) -> str:
    return f"{date.year}, {date:%B} {date.day}" if date else "n.d."


def cite_apa_html(facts: PageFacts) -> str:
    """APA 7 for a web page: Author. (Year, Month Day). *Title*. Site Name. URL"""
    date = _apa_date(facts.review.reviewed)
    title = f"<i>{_esc(facts.title)}</i>"
    author = facts.site_author or facts.site_name
    parts = [f"{_esc(author)}. ({date}). {title}." if author else f"{title}. ({date})."]
    if facts.site_name and facts.site_name != author:
        parts.append(f"{_esc(facts.site_name)}.")
    if facts.url:
        parts.append(f'<a href="{_esc(facts.url)}">{_esc(facts.url)}</a>')
    return " ".join(parts)


_LATEX_WORDS = {"\\": "\\textbackslash{}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"}


def _latex(text: str) -> str:
    """Plain text as a BibTeX value: one line, control characters dropped, LaTeX's special
    characters escaped."""
    text = " ".join(_CONTROL.sub("", text).split())
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_WORDS.get(m[1], "\\" + m[1]), text)


def cite_bibtex(facts: PageFacts) -> str:
    """An ``@online`` entry for the page itself."""
    reviewed = facts.review.reviewed
    key = f"{facts.slug}{reviewed.year if reviewed else ''}"
    fields = []
    author = facts.site_author or facts.site_name
    if author:
        fields.append(("author", f"{{{_latex(author)}}}"))
    fields.append(("title", _latex(facts.title)))
    if reviewed:
        fields += [("date", reviewed.isoformat()), ("year", str(reviewed.year))]
    if facts.site_name:
        fields.append(("organization", _latex(facts.site_name)))
    if facts.url:
        fields.append(("url", facts.url.replace("{", "%7B").replace("}", "%7D")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{key},\n{body}\n}}\n"


def cite_page_html(facts: PageFacts) -> str:
    """The "Cite this page" block: APA and BibTeX."""
    return (
        f'<details class="citekb-cite-page"{"" if facts.searchable else " data-search-exclude"}>'
        "<summary>Cite this page</summary>"
        f'<p class="citekb-cite-apa">{cite_apa_html(facts)}</p>'
        f'<pre class="citekb-cite-bibtex"><code>{_esc(cite_bibtex(facts))}</code></pre>'
        "</details>"
    )


# --- JSON-LD ------------------------------------------------------------------------------


def _agent(name: str) -> dict[str, str]:
    kind = "Organization" if looks_corporate(name) else "Person"
    return {"@type": kind, "name": name}


def cited_work(entry: Entry) -> dict[str, Any] | None:
    """A cited work as a schema.org ``CreativeWork`` with its DOI or URL (None without either)."""

    doi = _DOI_PREFIX.sub("", entry.get("doi").strip())
    url = entry.get("url").strip()
    if _DOI.match(doi):
        link: dict[str, Any] = {
            "url": f"https://doi.org/{doi}",
            "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": doi},
        }
    elif _SAFE_URL.match(url):
        link = {"url": url}
    else:
        return None
    name = latex_to_text(entry.get("title")) or entry.key
    return {"@type": "CreativeWork", "name": name, **link}


def json_ld(facts: PageFacts, cited: Iterable[Entry]) -> dict[str, Any]:
    """The page as schema.org ``MedicalWebPage`` (health content) or ``WebPage``."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage" if facts.health else "WebPage",
        "name": facts.title,
    }
    if facts.url:
        data["url"] = facts.url
    if facts.summary:
        data["description"] = facts.summary
    if facts.review.reviewed:
        data["lastReviewed"] = facts.review.reviewed.isoformat()
    if facts.review.reviewed_by:
        data["reviewedBy"] = [_agent(n) for n in facts.review.reviewed_by]
    if facts.site_name:
        data["publisher"] = {"@type": "Organization", "name": facts.site_name}
    works = [w for e in cited if (w := cited_work(e)) is not None]
    if works:
        data["citation"] = works
    return data


def json_ld_html(data: Mapping[str, Any]) -> str:
    """A ``<script type="application/ld+json">`` element that no field can break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _SCRIPT_UNSAFE.items():
        text = text.replace(char, escape)
    return f'<script type="application/ld+json">{text}</script>'


def page_meta_html(facts: PageFacts, cited: Iterable[Entry]) -> str:
    """Everything appended to a page: review line, "Cite this page", JSON-LD."""
    return "\n".join(
        part
        for part in (
            review_html(facts.review),
            cite_page_html(facts),
            json_ld_html(json_ld(facts, cited)),
        )
        if part
    )
