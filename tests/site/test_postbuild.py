"""The post-build pass over built HTML, and the URL rules it shares with MkDocs."""

from __future__ import annotations

import json
import re
import shutil
from typing import TYPE_CHECKING

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekb.site.markdown_ext import BIBLIOGRAPHY_MARKER
from citekb.site.postbuild import SiteProject, fix_site, fix_site_dir
from citekb.site.project_ext import makeExtension
from citekb.site.urls import output_path, page_url, relative_url
from support import SITES

if TYPE_CHECKING:
    from pathlib import Path

SHELL = "<html><head><title>t</title></head><body><article>{}</article></body></html>"


def load(root: Path) -> SiteProject:
    from citekb.project.load import load_project
    from citekb.render.style import Engine, style_path
    from citekb.site.references import site_references

    project = load_project(root)
    refs = site_references(project, Engine(style_path(project.config.style, root)))
    return SiteProject.of(project, refs)


def rendered(root: Path, site: SiteProject, *, bibliography: bool = True) -> dict[str, str]:
    """Each page as an engine without plugins builds it: the extension in project mode."""
    from citekb.pages.page import split_front_matter

    out = {}
    for page in site.pages:
        text = page.text
        if split_front_matter(text)[0] is not None:
            text = text.split("\n---", 1)[1].split("\n", 1)[1]
        md = markdown.Markdown(extensions=["toc", makeExtension(project=str(root))])
        out[output_path(page_url(page.name))] = SHELL.format(md.convert(text))
    if bibliography:
        md = markdown.Markdown(extensions=[makeExtension(project=str(root))])
        out["bibliography/index.html"] = SHELL.format(
            md.convert(f"# Bibliography\n\n{BIBLIOGRAPHY_MARKER}\n")
        )
    return out


@pytest.fixture
def basic(tmp_path: Path) -> Path:
    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    (root / "docs" / "sheet.md").write_text(
        "---\nhandout: true\n---\n\n# Sheet\n\nShort text [@bowlby1969].\n", encoding="utf-8"
    )
    return root


def test_pass_adds_backlinks_downloads_print_links_and_assets(basic: Path) -> None:
    site = load(basic)
    pages = rendered(basic, site)
    files, found = fix_site(pages, site)
    assert found == []
    bib = files["bibliography/index.html"]
    assert (
        '<a class="citekb-backlink" href="../health/#cite-holtlunstad2015-1">Health › Survival</a>'
        in bib
    )
    assert '<a class="citekb-backlink" href="../#cite-bowlby1969-1">Home</a>' in bib
    health = files["health/index.html"]
    assert re.search(
        r'</ul><p class="citekb-downloads" data-citekb-keys="\[&quot;nasem2020&quot;,'
        r'&quot;holtlunstad2015&quot;,&quot;bowlby1969&quot;\]" data-citekb-name="health"'
        r' data-citekb-blocks="../references/cited-blocks.json" data-search-exclude>Download these references: '
        r'<a href="../references/cited.bib" download>BibTeX</a>',
        health,
    )
    cited = sorted(site.entries)
    assert sorted(re.findall(r"^@\w+\{([^,]+),", files["references/cited.bib"], re.M)) == cited
    assert sorted(json.loads(files["references/cited-blocks.json"])) == cited
    assert not [name for name in files if name.startswith("references/health")]
    assert '<link rel="stylesheet" href="../assets/citekb/citekb.css">' in health
    assert '<script src="../assets/citekb/citekb.js" defer></script></head>' in health
    assert '<link rel="stylesheet" href="assets/citekb/citekb.css">' in files["index.html"]
    sheet = files["sheet/index.html"]
    assert re.search(
        r'<h1 id="sheet">Sheet</h1>\n<p class="citekb-print">'
        r'<a href="../handouts/sheet.pdf" type="application/pdf">',
        sheet,
    )


def test_pass_is_idempotent(basic: Path) -> None:
    site = load(basic)
    pages = rendered(basic, site)
    files, _ = fix_site(pages, site)
    again, found = fix_site({**pages, **files}, site)
    changed = {k for k, v in again.items() if k.endswith(".html") and v != files.get(k, pages[k])}
    assert changed == set() and found == []


def test_pages_the_engine_did_not_render_are_reported(basic: Path) -> None:
    site = load(basic)
    raw = {output_path(page_url(p.name)): SHELL.format(f"<p>{p.text}</p>") for p in site.pages}
    raw["bibliography/index.html"] = SHELL.format("<h1>Bibliography</h1>")
    _, found = fix_site(raw, site)
    where = sorted(f"{d.location} {d.code}" for d in found)
    assert where == [
        "docs/bibliography.md:1:1 site-not-rendered",
        "docs/health.md:7:37 site-not-rendered",
        "docs/index.md:7:31 site-not-rendered",
        "docs/sheet.md:7:13 site-not-rendered",
    ]
    assert all("markdown_extensions" in d.hint for d in found)


def test_fix_site_dir_reads_and_writes_the_site(basic: Path) -> None:
    site = load(basic)
    out = basic / "site"
    for path, text in rendered(basic, site).items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text, encoding="utf-8")
    assert fix_site_dir(out, site) == []
    assert (out / "assets/citekb/citekb.js").is_file()
    assert (out / "references/cited.ris").read_text(encoding="utf-8").count("ER  -") == len(
        site.entries
    )
    assert "citekb-backlink" in (out / "bibliography/index.html").read_text(encoding="utf-8")


_segment = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True) | st.sampled_from(
    ["index", "README", "a.b"]
)
_src = st.lists(_segment, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".md")


@given(_src, st.booleans())
def test_page_url_follows_mkdocs(src: str, directory_urls: bool) -> None:
    from mkdocs.structure.files import File

    file = File(src, "/docs", "/site", use_directory_urls=directory_urls)
    assert page_url(src, use_directory_urls=directory_urls) == file.url
    assert output_path(file.url) == file.dest_uri


_url = st.lists(_segment, max_size=3).map("/".join) | st.sampled_from(["./", ".", "a/", "a/b.html"])


@given(_url, _url)
def test_relative_url_follows_mkdocs(url: str, other: str) -> None:
    from mkdocs.utils import get_relative_url

    assert relative_url(url, other) == get_relative_url(url, other)


def test_project_extension_reads_nothing_until_a_page_renders(basic: Path) -> None:
    """MkDocs makes listed extensions to validate mkdocs.yml, from any working folder."""
    ext = makeExtension(project=str(basic / "nowhere"))
    assert ext.site is None
    from citekb.core.config import ConfigError

    with pytest.raises(ConfigError, match=r"no mkdocs\.yml"):
        markdown.markdown("See [@bowlby1969].", extensions=[ext])


def test_pass_follows_use_directory_urls_false(basic: Path) -> None:
    site = load(basic)
    built = rendered(basic, site)  # the extension's HTML does not depend on URLs
    pages = {
        "index.html": built["index.html"],
        "health.html": built["health/index.html"],
        "bibliography.html": built["bibliography/index.html"],
    }
    files, found = fix_site(pages, site, use_directory_urls=False)
    assert found == []
    bib = files["bibliography.html"]
    assert 'href="health.html#cite-holtlunstad2015-1">Health › Survival</a>' in bib
    assert '<a class="citekb-backlink" href="index.html#cite-bowlby1969-1">Home</a>' in bib
    assert '<a href="references/cited.bib" download>BibTeX</a>' in files["health.html"]
