"""The pass over the built site that needs every page known: backlinks, downloads, print links.

In the style of mkdocs-autorefs: while pages render, the Markdown extension writes what one
page can know (citation links with ids, the page's reference list, the bibliography list);
afterwards :func:`fix_site` resolves the rest over the built HTML of all pages at once. It is
pure (HTML text in, HTML text out), so every engine shares it: the MkDocs plugin runs it in
``on_post_build``, and ``citekb build`` runs it after ProperDocs or Zensical. The lists the
extension writes are the placeholders, so running the pass twice changes nothing more.
:func:`fix_site_dir` is the thin I/O wrapper that reads and writes ``site_dir``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from citekb.core.diagnostics import Code, diagnostic
from citekb.project.atomic import write_output
from citekb.site.markdown_ext import (
    bibliography_html,
    citation_anchors,
    hidden_from_search,
)
from citekb.site.pagemeta import page_facts, page_meta_html
from citekb.site.references import ASSET_URIS, ASSETS, export_key, export_texts
from citekb.site.sitedata import Backlink
from citekb.site.urls import output_path, page_url, print_link_html, relative_url
from citekb.sources.export import entry_blocks

if TYPE_CHECKING:
    from collections.abc import Mapping, MutableMapping, Sequence
    from pathlib import Path

    from citekb.core.config import Config
    from citekb.core.diagnostics import Diagnostic
    from citekb.core.model import Entry
    from citekb.pages.page import Page
    from citekb.project.load import Project
    from citekb.render.style import References

#: The download formats: label, file suffix, export format.
DOWNLOADS: tuple[tuple[str, str, str], ...] = (
    ("BibTeX", ".bib", "bibtex"),
    ("RIS", ".ris", "ris"),
    ("CSL-JSON", ".json", "csl-json"),
)
_HINT = (
    "build with `citekb build`, which adds citekb's Markdown extension for engines without"
    " plugins, or list `citekb.site.project_ext` under markdown_extensions in mkdocs.yml"
)
#: Every cited work in each format (``CITED + suffix``), and each work's blocks by key, from
#: which citekb.js makes a page's own file when a reader clicks its download link.
CITED = "references/cited"
BLOCKS = "references/cited-blocks.json"
# the extension's own markup: a page's list (and downloads after it), the bibliography's list
# The lists citekb writes, found with str.find: a lazy ``<ul …>.*?</ul>`` regex retries from
# every copy of the opener, quadratic in a page that repeats it with no ``</ul>``.
_PAGE_LIST = '<ul class="citekb-references"'  # and its attributes, if any
_BIB_LIST = '<ul class="citekb-references citekb-bibliography">'
_DOWNLOADS = '<p class="citekb-downloads"'


def _element(text: str, opener: str, closer: str) -> tuple[int, int] | None:
    """The span of the first ``opener`` … ``closer`` in ``text``, or None."""
    start = text.find(opener)
    end = text.find(closer, start + len(opener)) if start >= 0 else -1
    return None if end < 0 else (start, end + len(closer))


@dataclass(frozen=True)
class SiteProject:
    """What the pass needs from a loaded project; the plugin's cached state gives the same."""

    pages: tuple[Page, ...]
    refs: References
    config: Config
    entries: Mapping[str, Entry] = field(default_factory=dict)  # every cited work, by key
    order: tuple[str, ...] = ()  # docs-relative page names in navigation order, when known

    @classmethod
    def of(cls, project: Project, refs: References) -> SiteProject:
        keys = dict.fromkeys(c.key for p in project.pages for c in p.citations)
        entries = {k: e for k in keys if (e := project.library.get(k))}
        order = tuple(page for page, _, _ in project.config.nav)  # as MkDocs' nav has them
        return cls(project.pages, refs, project.config, entries, order)


def site_urls(site: SiteProject, *, use_directory_urls: bool = True) -> dict[str, str]:
    """Docs-relative page name → URL, for the pages and the bibliography page."""
    names = [p.name for p in site.pages]
    if site.config.bibliography_page:
        names.append(site.config.bibliography_page)
    return {n: page_url(n, use_directory_urls=use_directory_urls) for n in names}


def section_of(page: Page, line: int) -> str:
    """The text of the last heading below the page title before ``line``."""
    section = ""
    for heading in page.headings:
        if heading.line > line:
            break
        section = heading.text if heading.level > 1 else ""
    return section


def backlinks(
    pages: Sequence[Page],
    urls: Mapping[str, str],
    from_url: str,
    order: Sequence[str] = (),
) -> dict[str, list[Backlink]]:
    """Key -> the places citing it, as "Page › Section" links relative to ``from_url``.

    Pages come in ``order`` (docs-relative names in navigation order), then the rest by path.
    """
    rank = {name: i for i, name in enumerate(order)}
    out: dict[str, list[Backlink]] = {}
    for page in sorted(pages, key=lambda p: (rank.get(p.name, len(rank)), p.path)):
        url = urls.get(page.name)
        if url is None:
            continue
        anchors = citation_anchors(page.citations)
        href_base = relative_url(url, from_url)
        for citation in sorted(page.citations, key=lambda c: c.offset):
            section = section_of(page, citation.line)
            label = f"{page.title} › {section}" if section else page.title
            out.setdefault(citation.key, []).append(
                Backlink(label, f"{href_base}#{anchors[citation.offset]}")
            )
    return out


def download_name(page: Page) -> str:
    """The name a page's downloaded files get, without a suffix (``a/b.md``: ``a-b``)."""
    return page.name.removesuffix(".md").replace("/", "-")


def cited_files(
    site: SiteProject, exports: MutableMapping[str, Any] | None = None
) -> dict[str, str]:
    """The site's download files: every cited work in each format, and the blocks of each
    (none when nothing is cited). Four files, however many pages link to them."""
    entries = [site.entries[k] for k in sorted(site.entries)]
    if not entries:
        return {}
    texts = export_texts(entries, exports if exports is not None else {})
    files = {f"{CITED}{suffix}": texts[fmt] for _, suffix, fmt in DOWNLOADS}
    blocks = {e.key: exports[export_key(e)] for e in entries} if exports is not None else None
    if blocks is None:
        blocks = {e.key: entry_blocks(e) for e in entries}
    files[BLOCKS] = json.dumps(blocks, ensure_ascii=False, separators=(",", ":"))
    return files


def fix_site(
    pages_html: Mapping[str, str],
    site: SiteProject,
    *,
    urls: Mapping[str, str] | None = None,
    use_directory_urls: bool = True,
    assets: bool = True,
    exports: MutableMapping[str, Any] | None = None,
    bibliography: bool = True,
    page_meta: bool = False,
    site_files: bool = True,
) -> tuple[dict[str, str], list[Diagnostic]]:
    """Resolve what needs the whole site over the built pages (site-relative path → HTML).

    Returns the files to write (changed pages, and with ``site_files`` the site's download
    files, :func:`cited_files`) and what went wrong:
    a page whose citations were not rendered, or a bibliography page without its list, means
    the engine did not run citekb's Markdown extension (``site-not-rendered``). ``urls`` maps
    docs-relative names to page URLs (the engine's, when it knows them; else MkDocs' rules);
    ``assets`` links the stylesheet and preview script from each page's head. ``exports``
    keeps each entry's export blocks between builds (see ``site.references.export_texts``).
    Without ``bibliography`` the bibliography page is left as rendered (the MkDocs plugin
    renders its backlinks itself, and runs this pass one page at a time). ``page_meta`` adds
    each page's review line, "Cite this page" and JSON-LD at the end of its article, as the
    MkDocs plugin does while rendering (for engines that run no plugin).
    """
    urls = (
        dict(urls) if urls is not None else site_urls(site, use_directory_urls=use_directory_urls)
    )
    built = {n: u for n, u in urls.items() if output_path(u) in pages_html}
    out: dict[str, str] = {}
    found: list[Diagnostic] = []
    for page in site.pages:
        url = built.get(page.name)
        if url is None:
            continue
        path = output_path(url)
        text = pages_html[path]
        known = [c for c in page.citations if c.key in site.refs]
        if known and 'class="citekb-cite"' not in text:
            first = min(known, key=lambda c: c.offset)
            found.append(
                diagnostic(
                    Code.SITE_NOT_RENDERED,
                    page.path,
                    first.line,
                    first.column,
                    "the engine did not render this page's citations",
                    _HINT,
                )
            )
        entries = [
            site.entries[k] for k in dict.fromkeys(c.key for c in known) if k in site.entries
        ]
        if entries:
            links = [
                (label, relative_url(f"{CITED}{suffix}", url)) for label, suffix, _ in DOWNLOADS
            ]
            keys = [e.key for e in entries]
            block = downloads_html(
                links,
                keys,
                download_name(page),
                relative_url(BLOCKS, url),
                searchable=site.config.search_references,
            )
            text = _with_downloads(text, block)
        if page_meta and 'class="citekb-cite-page"' not in text:
            text = _with_page_meta(text, page, site.config, url, entries)
        if page.meta.get("handout") is True and 'class="citekb-print"' not in text:
            text = _after_title(text, print_link_html(page.name, url))
        if assets:
            text = _link_assets(text, url)
        if text != pages_html[path]:
            out[path] = text
    if bibliography:
        found.extend(_bibliography(pages_html, site, built, out, assets=assets))
    if site_files:
        out.update(cited_files(site, exports))
    return out, found


def downloads_html(
    links: Sequence[tuple[str, str]],
    keys: Sequence[str] = (),
    name: str = "",
    blocks: str = "",
    *,
    searchable: bool = True,
) -> str:
    """ "Download these references: BibTeX · RIS · CSL-JSON" (nothing without links).

    The links lead to the site's files of every cited work; with ``keys`` (the page's works),
    ``name`` (the downloaded file's name) and ``blocks`` (the URL of each work's blocks),
    citekb.js gives the reader a file of this page's works alone."""
    if not links:
        return ""
    anchors = " · ".join(
        f'<a href="{html.escape(url)}" download>{html.escape(label)}</a>' for label, url in links
    )
    data = ""
    if keys:
        data = (
            f' data-citekb-keys="{html.escape(json.dumps(list(keys), ensure_ascii=False, separators=(",", ":")))}"'
            f' data-citekb-name="{html.escape(name)}" data-citekb-blocks="{html.escape(blocks)}"'
        )
    hidden = hidden_from_search(searchable)
    return f'<p class="citekb-downloads"{data}{hidden}>Download these references: {anchors}</p>'


def _bibliography(
    pages_html: Mapping[str, str],
    site: SiteProject,
    built: Mapping[str, str],
    out: dict[str, str],
    *,
    assets: bool,
) -> list[Diagnostic]:
    """Put "Cited on" backlinks into the bibliography page's list (``out`` gets the page)."""
    name = site.config.bibliography_page
    url = built.get(name) if name else None
    if not name or url is None:
        return []
    path = output_path(url)
    text = out.get(path, pages_html[path])
    span = _element(text, _BIB_LIST, "</ul>")
    if span is None:
        if not site.refs.entries:
            return []
        where = f"{site.config.docs_dir}/{name}"
        return [
            diagnostic(
                Code.SITE_NOT_RENDERED,
                where,
                1,
                1,
                "the bibliography page has no list of works",
                f"put `<!-- citekb:bibliography -->` on a line of {where}, and {_HINT}",
            )
        ]
    pages = [p for p in site.pages if p.name in built]
    listing = bibliography_html(site.refs, backlinks(pages, built, url, site.order))
    text = text[: span[0]] + listing + text[span[1] :]
    if assets and name not in {p.name for p in site.pages}:  # a generated page
        text = _link_assets(text, url)
    if text != pages_html[path]:
        out[path] = text
    return []


def _with_downloads(text: str, block: str) -> str:
    """The page's reference list followed by ``block`` (replacing any downloads already there)."""
    span = _element(text, _PAGE_LIST, "</ul>")
    if span is None:
        return text
    start, end = span
    after = end
    if text.startswith(_DOWNLOADS, end) and (close := text.find("</p>", end)) >= 0:
        after = close + len("</p>")
    return f"{text[:start]}{text[start:end]}{block}{text[after:]}"


def _with_page_meta(text: str, page: Page, config: Config, url: str, cited: Sequence[Entry]) -> str:
    """The page's review line, "Cite this page" and JSON-LD at the end of its article (of
    its body without one), after the references and downloads, where the plugin puts them."""
    from urllib.parse import urljoin

    canonical = urljoin(config.site_url, url) if config.site_url else ""
    block = page_meta_html(page_facts(page, config, canonical), cited)
    end = text.rfind("</article>")
    if end < 0:
        end = text.rfind("</body>")
    if end < 0:
        return f"{text}\n{block}"
    return f"{text[:end]}{block}\n{text[end:]}"


def _after_title(text: str, snippet: str) -> str:
    """``snippet`` right after the page's first ``<h1>`` (in the article when there is one)."""
    start = max(text.find("<article"), 0)
    end = text.find("</h1>", start)
    if end < 0:
        body = text.find("<body")
        at = text.find(">", body) + 1 if body >= 0 else 0
    else:
        at = end + len("</h1>")
    return f"{text[:at]}\n{snippet}\n{text[at:]}"


def _link_assets(text: str, url: str) -> str:
    """Link the stylesheet and the preview script from the head, unless already linked."""
    css, js = (relative_url(uri, url) for uri in ASSET_URIS)
    tags = []
    if ASSET_URIS[0] not in text:
        tags.append(f'<link rel="stylesheet" href="{css}">')
    if ASSET_URIS[1] not in text:
        tags.append(f'<script src="{js}" defer></script>')
    if not tags or "</head>" not in text:
        return text
    return text.replace("</head>", "".join(tags) + "</head>", 1)


def fix_site_dir(
    site_dir: Path,
    site: SiteProject,
    *,
    urls: Mapping[str, str] | None = None,
    use_directory_urls: bool = True,
    assets: bool = True,
    exports: MutableMapping[str, Any] | None = None,
    page_meta: bool = False,
) -> list[Diagnostic]:
    """Run :func:`fix_site` over the pages in ``site_dir`` and write what it changes."""

    urls = (
        dict(urls) if urls is not None else site_urls(site, use_directory_urls=use_directory_urls)
    )
    pages_html: dict[str, str] = {}
    for url in urls.values():
        path = output_path(url)
        try:
            pages_html[path] = (site_dir / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # not built (excluded, or a draft): nothing links to it
    files, found = fix_site(
        pages_html, site, urls=urls, assets=assets, exports=exports, page_meta=page_meta
    )
    if assets:
        for uri in ASSET_URIS:
            files[uri] = (ASSETS / uri.rsplit("/", 1)[1]).read_text(encoding="utf-8")
    for path, text in files.items():
        try:
            write_output(site_dir / path, text)
        except OSError as exc:
            found.append(
                diagnostic(
                    Code.WRITE_FAILED,
                    str(site_dir / path),
                    0,
                    0,
                    f"cannot write: {exc.strerror}",
                    "check that the site folder is writable",
                )
            )
    return found
