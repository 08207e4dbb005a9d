"""Printable PDF handouts (an I/O edge): every page with ``handout: true`` becomes a PDF.

The page is rendered by the same pipeline as the site (Python-Markdown with
:class:`~citekb.site.markdown_ext.CitekbExtension` and site-wide :class:`~citekb.render.style.References`),
so citations and the APA reference list match the web page word for word. WeasyPrint then lays
it out with ``assets/handout.css`` as a tagged PDF/UA-1 with the DejaVu fonts that Debian's
``fonts-dejavu-core`` installs (found through fontconfig, embedded as subsets; nothing is
fetched). Each PDF is written to a temporary file and renamed, so a failure leaves no partial
file; a bad handout becomes a diagnostic and the others are still written.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citekb.checks.policy import apply_policy
from citekb.checks.presentation import check_site_url
from citekb.checks.review import review_line, review_of
from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.core.svgsafe import inline_svgs, svg_problem
from citekb.handouts.layout import break_urls, handout_page_limit, notice_html, too_long
from citekb.project.atomic import write_atomic
from citekb.render.style import StyleError
from citekb.site.references import cached_references
from citekb.site.sitedata import SiteData
from citekb.site.urls import absolute_page_url, handout_slug

if TYPE_CHECKING:
    from collections.abc import Sequence

    from citekb.core.config import Config
    from citekb.pages.page import Page
    from citekb.project.load import Project
    from citekb.render.style import References
    from citekb.site.mkdocs_run import MarkdownSetup
    from citekb.sources.evidence import Evidence

#: Where the PDFs go inside the built site.
STYLESHEET = Path(__file__).parent.parent / "assets" / "handout.css"
PDF_VARIANT = "pdf/ua-1"
_PAPER = {"letter": "letter", "a4": "A4"}
_MD_HREF = re.compile(r'href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"#?]+\.md)(#[^"]*)?"')
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M
)
_FIRST_H1 = re.compile(r"\A\s*<h1[^>]*>.*?</h1>\s*", re.S)
# A page's own one-line "not medical advice" note: the printed notice band replaces it (when
# the configuration prints a disclaimer there).
_OWN_NOTICE = re.compile(r"<p><em>[^<]*\bmedical advice\b[^<]*</em></p>\s*", re.I)


@dataclass(frozen=True, slots=True)
class Result:
    """What a handout run did: the PDFs written and the problems found."""

    written: tuple[Path, ...]
    diagnostics: tuple[Diagnostic, ...]


def version_of(page: Page) -> str:
    """The front-matter ``version``, else a short hash of the page text (changes with it)."""
    version = page.meta.get("version")
    if isinstance(version, (str, int, float)) and str(version).strip():
        return str(version).strip()
    return hashlib.sha256(page.text.encode()).hexdigest()[:8]


def _reviewed(page: Page, months: int) -> str:
    """``Last reviewed … · Next review due …`` ("" without a date)."""

    return review_line(review_of(page.meta, months))


def _is_citekb(extension: Any) -> bool:
    """Whether a site Markdown extension is citekb's own (by name, or as an instance)."""
    name = extension if isinstance(extension, str) else type(extension).__module__
    return name.split(".")[0] == "citekb"


def body_html(
    page: Page,
    refs: References,
    config: Config,
    evidence: Evidence | None = None,
    setup: MarkdownSetup | None = None,
) -> str:
    """The page body through the site's Markdown extensions, its ``# Title`` removed."""
    import markdown

    from citekb.site.markdown_ext import CitekbExtension  # heavy: markdown

    site = SiteData(
        refs=refs,
        xref_prefixes=config.xref_prefixes,
        page=page.path,
        pages={page.path: page},
        evidence=evidence,
    )
    extensions: list[Any] = ["attr_list", "tables", "toc"]
    if setup is not None:  # the site's own, less citekb's (added below with this site data)
        extensions = [e for e in setup.extensions if not _is_citekb(e)]
    configs = dict(setup.configs) if setup is not None else {}
    configs["toc"] = {**configs.get("toc", {}), "permalink": False}  # no "¶" on paper
    md = markdown.Markdown(
        extensions=[*extensions, CitekbExtension(site)], extension_configs=configs
    )
    source = _FRONT_MATTER.sub("", page.text, count=1).lstrip("\n")  # no MkDocs (Zensical)
    out = _FIRST_H1.sub("", md.convert(source), count=1)
    if config.handout_disclaimer:
        out = _OWN_NOTICE.sub("", out)

    def absolute(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.name), match[1]))
        url = absolute_page_url(config.site_url, target)
        return f'href="{html.escape(url + (match[2] or ""))}"' if url else match[0]

    return break_urls(_MD_HREF.sub(absolute, out))


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI (vector, so it prints sharp)."""
    import segno

    # segno's default 4-module quiet zone stays: scanners need it
    uri: str = segno.make(url, error="m").svg_data_uri(scale=4, dark="#000")
    return uri


def handout_html(
    page: Page,
    refs: References,
    config: Config,
    evidence: Evidence | None = None,
    setup: MarkdownSetup | None = None,
) -> str:
    """The whole printable document: notice band, header with web address, body, references."""
    esc = html.escape
    url = absolute_page_url(config.site_url, page.name)
    lang = str(page.meta.get("lang") or "en")
    author = str(page.meta.get("author") or config.site_name or "citekb")
    reviewed = _reviewed(page, config.review_months)
    meta = [f"Version {esc(version_of(page))}"]
    if reviewed:
        meta.append(esc(reviewed))
    online = ""
    if url:
        online = (
            '<div class="online">'
            f'<img class="qr" src="{qr_data_uri(url)}" alt="QR code that opens {esc(url)}">'
            f"<p>Read it online, with links to every source:<br>"
            f"{break_urls(f'<a href={chr(34)}{esc(url)}{chr(34)}>{esc(url)}</a>')}</p></div>"
        )
    return f"""<!DOCTYPE html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<title>{esc(page.title)}</title>
<meta name="author" content="{esc(author)}">
<meta name="description" content="{esc(str(page.meta.get("summary") or ""))}">
<meta name="generator" content="citekb">
<style>@page {{ size: {_PAPER.get(config.paper, "letter")}; }}</style>
</head>
<body data-url="{esc(url)}">
{notice_html(config)}
<header>
{online}
<p class="site">{esc(config.site_name)}</p>
<h1>{esc(page.title)}</h1>
<p class="meta">{" · ".join(meta)}</p>
</header>
<main>
{body_html(page, refs, config, evidence, setup)}
</main>
</body>
</html>
"""


@cache
def _stylesheet() -> tuple[Any, Any]:
    """The parsed print stylesheet and its font configuration, shared by every handout."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(filename=str(STYLESHEET), font_config=fonts), fonts


def render_document(document_html: str, base: Path, roots: Sequence[Path] = ()) -> Any:
    """Lay out with WeasyPrint (PDF/UA-1 options); returns its ``Document``.

    Only files inside ``roots`` (default: the site, ``base``'s parent) are fetched, and only
    web, mail and in-document links are kept (:mod:`citekb.handouts.fetcher`).
    """
    from weasyprint import HTML

    from citekb.handouts.fetcher import (  # heavy: PIL, cssselect2, fontTools, lxml, pydyf, tinycss2, weasyprint
        SiteFetcher,
        contain,
    )

    css, fonts = _stylesheet()
    fetcher = SiteFetcher(roots or (base.parent,))
    document = HTML(string=document_html, base_url=str(base), url_fetcher=fetcher).render(
        stylesheets=[css], font_config=fonts, pdf_variant=PDF_VARIANT
    )
    return contain(document)


def write_pdf(document: Any, target: Path) -> None:
    """Write the PDF atomically, so a failed handout leaves no half-written file."""
    write_atomic(target, document.write_pdf(pdf_variant=PDF_VARIANT))


def _style_failed(reason: str) -> Diagnostic:
    return diagnostic(
        Code.HANDOUT_FAILED,
        "mkdocs.yml",
        0,
        0,
        f"no handout written: {reason}",
        "fix the `style` option of the citekb plugin: `apa` or the path to a .csl file",
    )


def _unknown_keys(page: Page, refs: References) -> list[Diagnostic]:
    return [
        diagnostic(
            Code.HANDOUT_FAILED,
            page.path,
            c.line,
            c.column,
            f"handout not written: @{c.key} is not in the library",
            "fix the key or add the entry to the bibliography, then run `citekb handouts`",
        )
        for c in page.citations
        if c.key not in refs
    ]


def write_handout(
    page: Page,
    refs: References,
    config: Config,
    out_dir: Path,
    evidence: Evidence | None = None,
    setup: MarkdownSetup | None = None,
    docs: Path | None = None,
) -> list[Diagnostic]:
    """Write one handout PDF, or return why it was not written (files are read only from
    the site, ``out_dir``'s parent, and ``docs``)."""
    problems = _unknown_keys(page, refs)
    if problems:
        return problems
    limit = handout_page_limit(page)
    target = out_dir / f"{handout_slug(page.name)}.pdf"
    try:
        roots = (out_dir.parent, docs) if docs is not None else (out_dir.parent,)
        document_html, problems = bounded_svgs(handout_html(page, refs, config, evidence, setup))
        document = render_document(document_html, out_dir, roots)
        pages = len(document.pages)
        if pages > limit:
            return [too_long(page, pages, limit)]
        write_pdf(document, target)
    except Exception as exc:  # WeasyPrint, fonts or the disk: report it and go on
        return [
            diagnostic(
                Code.HANDOUT_FAILED,
                page.path,
                1,
                1,
                f"handout not written: {type(exc).__name__}: {exc}",
                "fix the problem named here, then run `citekb handouts` again",
            )
        ]
    return [replace(d, path=page.path) for d in problems]


def bounded_svgs(document: str) -> tuple[str, list[Diagnostic]]:
    """``document`` with each inline ``<svg>`` whose ``<use>`` elements expand too far replaced
    by a note (WeasyPrint would draw it for minutes), and a warning for each."""

    out: list[str] = []
    found: list[Diagnostic] = []
    pos = 0
    for start, end in inline_svgs(document):
        why = svg_problem(document[start:end])
        if why is None:
            continue
        out += [document[pos:start], '<p class="left-out">[An image is left out here.]</p>']
        pos = end
        found.append(
            diagnostic(
                Code.HANDOUT_IMAGE_LIMIT,
                "",
                0,
                0,
                f"the printed handout leaves an inline image out: {why}",
                "use a smaller image, or an SVG without nested <use> (export it flat)",
            )
        )
    return "".join([*out, document[pos:]]), found


def write_handouts(
    project: Project,
    out_dir: Path,
    pages: Sequence[Page] | None = None,
    *,
    refs: References | None = None,
    markdown: MarkdownSetup | None = None,
) -> Result:
    """Write ``<out_dir>/<slug>.pdf`` for each handout page; a failure skips only that page.

    ``refs`` are the site's formatted references (formatted here when not given); ``markdown``
    the site's Markdown extensions (a basic set when not given).
    """
    chosen = [p for p in (project.pages if pages is None else pages) if p.is_handout]
    if not chosen:
        return Result((), ())

    try:
        refs = refs if refs is not None else cached_references(project)
    except StyleError as exc:
        return Result((), (_style_failed(str(exc)),))

    written: list[Path] = []
    site_url = check_site_url(chosen, project.config.site_url)
    problems: list[Diagnostic] = apply_policy(site_url, project.config, project.texts)
    for page in chosen:
        docs = project.root / project.config.docs_dir
        found = write_handout(
            page, refs, project.config, out_dir, project.evidence, markdown, docs=docs
        )
        problems.extend(found)
        if not any(d.code in {Code.HANDOUT_FAILED, Code.HANDOUT_TOO_LONG} for d in found):
            written.append(out_dir / f"{handout_slug(page.name)}.pdf")
    return Result(tuple(written), tuple(problems))
