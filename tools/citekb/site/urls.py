"""Where a docs page lands in the built site, relative URLs between pages, and the link from a
page to its PDF handout (pure).

The rules are MkDocs 1.x's, which ProperDocs and Zensical follow: ``foo.md`` becomes
``foo/index.html`` at ``foo/`` with directory URLs, else ``foo.html``; ``index.md`` and
``README.md`` become their folder's ``index.html``.
"""

from __future__ import annotations

import html
import posixpath
from urllib.parse import quote, unquote

#: The folder of the built site that holds the PDF handouts.
HANDOUTS_DIR = "handouts"


def page_url(src_uri: str, *, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site root) of the docs page ``src_uri``, as MkDocs gives it."""
    parent, filename = posixpath.split(src_uri)
    stem = filename.rsplit(".", 1)[0]
    name = "index" if stem in {"index", "README"} else stem
    if not use_directory_urls or name == "index":
        dest = posixpath.join(parent, f"{name}.html")
    else:
        dest = posixpath.join(parent, name, "index.html")
    dirname, base = posixpath.split(dest)
    if use_directory_urls and base == "index.html":
        dest = (dirname or ".") + "/"
    return quote(dest)


def output_path(url: str) -> str:
    """The site-relative file a page URL is served from (``a/`` → ``a/index.html``)."""
    path = unquote(url)
    if path in {"", ".", "./"}:
        return "index.html"
    return path + "index.html" if path.endswith("/") else path


def _parts(path: str) -> list[str]:
    out: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if out:
                out.pop()
        elif part and part != ".":
            out.append(part)
    return out


def relative_url(url: str, other: str) -> str:
    """``url`` relative to the page at ``other`` (MkDocs' ``get_relative_url``, without MkDocs)."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    base, dest = _parts(other), _parts(url)
    common = 0
    for a, b in zip(base, dest, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(base) - common) + dest[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def handout_slug(name: str) -> str:
    """``handout-signs.md`` -> ``handout-signs``; folders are kept (``a/b.md`` -> ``a/b``),
    so that ``a-b.md`` and ``a/b.md`` never share a PDF."""
    return name.removesuffix(".md")


def absolute_page_url(site_url: str, name: str) -> str:
    """The page's address with MkDocs' directory URLs (``a/b.md`` -> ``<site>/a/b/``)."""
    if not site_url:
        return ""
    path = name.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    return site_url.rstrip("/") + "/" + path


def print_link_html(src_uri: str, url: str) -> str:
    """The "Print this handout" link a site page shows, relative to the page's ``url``."""
    pdf = f"{HANDOUTS_DIR}/{handout_slug(src_uri)}.pdf"
    href = html.escape(relative_url(pdf, url or "."), quote=True)
    return (
        f'<p class="citekb-print"><a href="{href}" type="application/pdf">'
        "Print this handout (PDF)</a></p>"
    )


def add_print_link(page_html: str, src_uri: str, url: str) -> str:
    """Put the print link right after the rendered page's first ``<h1>`` (else at the top).

    It goes into the HTML, not the Markdown, so the page text stays as loaded and checked.
    """
    link = print_link_html(src_uri, url)
    end = page_html.find("</h1>")
    at = end + len("</h1>") if end >= 0 else 0
    return f"{page_html[:at]}\n{link}\n{page_html[at:]}"
