"""This knowledge base built with MkDocs, ProperDocs and Zensical gives the same site.

Each engine runs from its own virtual environment, ``.venv-<engine>`` at the repository root
(``make engines`` makes them; ``CITEKB_<ENGINE>_PYTHON`` names another Python), with this
checkout's citekb first on the path. MkDocs runs from the Python running the tests. Locally a
missing engine skips its tests; under CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser_helpers import ARGS, CHROMIUM, serve
from support import REPO

if TYPE_CHECKING:
    from collections.abc import Iterator

ENGINES = ("mkdocs", "properdocs", "zensical")
OTHERS = ("properdocs", "zensical")


def engine_python(engine: str) -> Path | None:
    """The Python that has ``engine`` installed, or None."""
    if engine == "mkdocs":
        return Path(sys.executable)
    named = os.environ.get(f"CITEKB_{engine.upper()}_PYTHON")
    python = Path(named) if named else REPO / f".venv-{engine}" / "bin" / "python"
    return python if python.exists() else None


def need(engine: str) -> Path:
    python = engine_python(engine)
    if python is None:
        message = (
            f"no {engine} environment: run `make engines` (or set CITEKB_{engine.upper()}_PYTHON)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI provisions every engine: a missing one is a failure
        pytest.skip(message)
    return python


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this knowledge base (pages, references, mkdocs.yml)."""
    root = tmp_path_factory.mktemp("kb")
    for name in ("docs", "references"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@functools.cache
def _built(root: Path, engine: str, python: Path) -> tuple[Path, str]:
    out = root / f"site-{engine}"
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    result = subprocess.run(
        [str(python), "-m", "citekb.cli.main", "build", "--engine", engine, "--site-dir", str(out)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout + result.stderr


def site(kb: Path, engine: str) -> Path:
    return _built(kb, engine, need(engine))[0]


class Facts(HTMLParser):
    """What must agree across engines, read from one built page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cites: list[tuple[str, str, str, str]] = []  # id, href, key, text
        self.refs: list[tuple[str, str]] = []  # list item id, its text
        self.backlinks: list[tuple[str, str]] = []
        self.downloads: list[tuple[str, str]] = []
        self.print_links: list[str] = []
        self.nav_text: list[str] = []
        self.heading_ids: list[str] = []
        self._stack: list[tuple[str, str, dict[str, str]]] = []  # tag, kind, attrs
        self._text: dict[int, list[str]] = {}  # stack depth of an open element → its text
        self._nav = 0
        self._heading = 0
        self._code = 0  # inside a script or style element: not text a reader sees
        self.assets_in_headings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "nav":
            self._nav += 1
        if tag in {"script", "style"}:
            self._code += 1
            if self._heading:
                self.assets_in_headings.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading += 1
            if a.get("id"):
                self.heading_ids.append(a["id"])
        kind = ""
        if tag == "a" and "citekb-cite" in classes:
            kind = "cite"
        elif tag == "li" and "citekb-ref" in classes:
            kind = "ref"
        elif tag == "a" and "citekb-backlink" in classes:
            kind = "backlink"
        elif tag == "a" and "download" in a:
            kind = "download"
        elif tag == "p" and "citekb-print" in classes:
            kind = "print"
        if tag not in {"br", "img", "meta", "link", "input", "hr"}:
            self._stack.append((tag, kind, a))
            if kind:
                self._text[len(self._stack)] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._nav -= 1
        if tag in {"script", "style"}:
            self._code -= 1
        if re.fullmatch(r"h[1-6]", tag):
            self._heading -= 1
        while self._stack:
            open_tag, kind, a = self._stack.pop()
            depth = len(self._stack) + 1
            if kind:
                text = " ".join("".join(self._text.pop(depth, [])).split())
                self._record(kind, a, text)
            if open_tag == tag:
                break

    def _record(self, kind: str, a: dict[str, str], text: str) -> None:
        if kind == "cite":
            self.cites.append((a.get("id", ""), a.get("href", ""), a.get("data-key", ""), text))
        elif kind == "ref":
            self.refs.append((a.get("id", ""), text))
        elif kind == "backlink":
            self.backlinks.append((a.get("href", ""), text))
        elif kind == "download":
            self.downloads.append((a.get("href", ""), text))
        elif kind == "print":
            self.print_links.append(text)

    def handle_data(self, data: str) -> None:
        for parts in self._text.values():
            parts.append(data)
        if self._nav and not self._code:
            self.nav_text.append(data)


def facts(html_file: Path) -> Facts:
    parser = Facts()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser


_FURNITURE = (
    r'<p class="citekb-page-meta citekb-review">.*?</p>',
    r'<details class="citekb-cite-page"[^>]*>.*?</details>',
    r'<script type="application/ld\+json">.*?</script>',
)


def furniture(html_file: Path) -> list[list[str]]:
    """The page's review line, "Cite this page" block and JSON-LD, as built."""
    html = html_file.read_text(encoding="utf-8")
    return [re.findall(pattern, html, re.S) for pattern in _FURNITURE]


def pages(site_dir: Path) -> list[str]:
    """Every docs page's built file, site-relative (404 and search pages aside)."""
    found = []
    for path in sorted(site_dir.rglob("index.html")):
        found.append(path.relative_to(site_dir).as_posix())
    return found


def test_mkdocs_build_has_backlinks_downloads_and_print_links(kb: Path) -> None:
    out = site(kb, "mkdocs")
    bib = facts(out / "bibliography/index.html")
    assert len(bib.refs) > 20 and len(bib.backlinks) >= len(bib.refs)
    health = facts(out / "health-effects/index.html")
    assert health.cites and health.refs
    # the plugin took the listed extension's place: one reference list, not two
    html = (out / "health-effects/index.html").read_text(encoding="utf-8")
    assert html.count('<ul class="citekb-references" data-search-exclude>') == 1
    assert [t for _, t in health.downloads] == ["BibTeX", "RIS", "CSL-JSON"]
    assert facts(out / "handout-signs/index.html").print_links == ["Print this handout (PDF)"]
    index = (out / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Cited on: Hyper-independence" in index  # rendered with the page, so searchable


@pytest.mark.parametrize("engine", OTHERS)
def test_same_pages_citations_references_and_backlinks(kb: Path, engine: str) -> None:
    reference, other = site(kb, "mkdocs"), site(kb, engine)
    generator = {"properdocs": "mkdocs-ProperDocs", "zensical": "zensical-"}[engine]
    assert f'<meta name="generator" content="{generator}' in (other / "index.html").read_text()
    assert pages(other) == pages(reference)
    compared = 0
    for page in pages(reference):
        want, got = facts(reference / page), facts(other / page)
        assert got.cites == want.cites, page
        assert got.refs == want.refs, page
        assert got.backlinks == want.backlinks, page
        assert got.downloads == want.downloads, page
        assert got.print_links == want.print_links, page
        assert furniture(other / page) == furniture(reference / page), page
        compared += bool(want.cites or want.backlinks)
    assert compared >= 10  # the comparison saw the cited pages and the bibliography
    for path in (reference / "references").iterdir():
        assert (other / "references" / path.name).read_bytes() == path.read_bytes(), path.name
    for pdf in (reference / "handouts").glob("*.pdf"):
        assert (other / "handouts" / pdf.name).is_file()


def assert_clean_navigation(found: Facts, page: str) -> None:
    """No stylesheet or script text in the navigation, a heading or a heading's id."""
    nav = " ".join(found.nav_text)
    for leak in (".citekb-", "{", "function", "var(--", "use strict"):
        assert leak not in nav, (page, leak)
    assert not found.assets_in_headings, page
    for anchor in found.heading_ids:
        assert len(anchor) < 80 and not re.search(r"text-decoration|use-strict", anchor), page


@pytest.mark.parametrize("engine", ENGINES)
def test_no_stylesheet_or_script_text_in_navigation(kb: Path, engine: str) -> None:
    out = site(kb, engine)
    for page in pages(out):
        found = facts(out / page)
        assert_clean_navigation(found, page)
        if found.cites:
            html = (out / page).read_text(encoding="utf-8")
            assert "assets/citekb/citekb.js" in html and "assets/citekb/citekb.css" in html
    assert (out / "assets/citekb/citekb.js").is_file()


def test_zensical_with_inline_assets_keeps_them_out_of_the_navigation(tmp_path: Path) -> None:
    """The report that started this: `inline_assets: true` put CSS into the table of contents."""
    python = need("zensical")
    root = tmp_path / "kb"
    for name in ("docs", "references"):
        shutil.copytree(REPO / name, root / name)
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    listed = "  - citekb.site.project_ext:\n      project: .\n      inline_assets: true\n"
    text = text.replace("markdown_extensions:\n", f"markdown_extensions:\n{listed}", 1)
    assert "inline_assets: true" in text
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    result = run_build(python, root, "zensical")
    assert result.returncode == 0, result.stdout + result.stderr
    health = root / "site" / "health-effects" / "index.html"
    assert health.read_text(encoding="utf-8").count("<style>") == 1
    for page in pages(root / "site"):
        assert_clean_navigation(facts(root / "site" / page), page)


def test_missing_engine_is_a_usage_error_naming_the_package(kb: Path) -> None:
    """The shared test environment has MkDocs; Zensical lives only in its own."""
    from click.testing import CliRunner

    from citekb.cli.main import main
    from citekb.site.engines import installed

    missing = next((e for e in OTHERS if not installed(e)), None)
    if missing is None:
        pytest.skip("every engine is installed here")
    result = CliRunner().invoke(main, ["build", "--root", str(kb), "--engine", missing])
    assert result.exit_code == 2, result.output
    assert f"pip install {missing}" in result.output


def run_build(python: Path, root: Path, engine: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    return subprocess.run(
        [str(python), "-m", "citekb.cli.main", "build", "--engine", engine],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_zensical_builds_a_knowledge_base_set_up_for_mkdocs_with_no_edits(tmp_path: Path) -> None:
    """What `citekb init` writes lists citekb only as a plugin and has no bibliography page
    once that is deleted: citekb adds its extension and the page for the run, then removes
    them, and the pages get the furniture MkDocs gives them."""
    from click.testing import CliRunner

    from citekb.cli.main import main

    python = need("zensical")
    root = tmp_path / "kb"
    assert CliRunner().invoke(main, ["init", str(root), "--yes", "--health"]).exit_code == 0
    (root / "docs" / "bibliography.md").unlink()
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert "citekb.site.project_ext" not in (root / "mkdocs.yml").read_text(encoding="utf-8")
    result = run_build(python, root, "zensical")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "site-not-rendered" not in result.stderr
    after = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.relative_to(root).parts[0] not in {"site", ".cache", ".citekb-cache"}
    )
    assert after == before  # the added config and bibliography page are gone
    index = facts(root / "site" / "index.html")
    assert index.cites and index.refs
    review, cite, ld = furniture(root / "site" / "index.html")
    assert len(review) == 1 and "Last reviewed" in review[0]
    assert len(cite) == 1 and "Cite this page" in cite[0]
    assert len(ld) == 1 and '"@type":"MedicalWebPage"' in ld[0]
    bib = facts(root / "site" / "bibliography" / "index.html")
    assert [i for i, _ in bib.refs] == ["ref-holtlunstad2015"] and bib.backlinks
    mkdocs = CliRunner().invoke(main, ["build", "--root", str(root), "--site-dir", str(root / "m")])
    assert mkdocs.exit_code == 0, mkdocs.output
    assert furniture(root / "m" / "index.html") == [review, cite, ld]


@pytest.mark.parametrize("engine", OTHERS)
def test_findings_stop_every_engine_with_the_same_codes(tmp_path: Path, engine: str) -> None:
    python = need(engine)
    root = tmp_path / "kb"
    shutil.copytree(REPO / "tests" / "sites" / "unknown-key", root)
    result = run_build(python, root, engine)
    assert result.returncode == 1
    assert "docs/index.md:7:33: error[unknown-key]" in result.stdout + result.stderr
    assert not (root / "site").exists()


def test_zensical_serve_runs_the_pass_after_each_rebuild(kb: Path, tmp_path: Path) -> None:
    """A live preview on 127.0.0.1: backlinks appear, and again after a page is edited;
    stopping citekb stops the server."""
    import socket
    import time
    import urllib.request

    python = need("zensical")
    root = tmp_path / "kb"
    for name in ("docs", "references"):
        shutil.copytree(kb / name, root / name)
    shutil.copy(kb / "mkdocs.yml", root / "mkdocs.yml")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    cmd = [str(python), "-m", "citekb.cli.main", "serve", "--engine", "zensical"]
    server = subprocess.Popen(
        [*cmd, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def wait_for(*needles: str) -> None:
        deadline = time.monotonic() + 90
        page = ""
        while time.monotonic() < deadline:
            time.sleep(1)
            try:
                url = f"http://127.0.0.1:{port}/bibliography/"
                with urllib.request.urlopen(url, timeout=5) as response:
                    page = response.read().decode()
            except OSError:
                continue
            if all(n in page for n in needles):
                return
        pytest.fail(f"never served {needles}: {page[:200]}")

    try:
        wait_for('class="citekb-backlink"')
        bib = root / "docs" / "bibliography.md"
        bib.write_text(bib.read_text().replace("Every work", "Each work"), encoding="utf-8")
        wait_for("Each work this site cites", 'class="citekb-backlink"')
    finally:
        server.terminate()
        server.wait(timeout=30)

    def listening() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    deadline = time.monotonic() + 30
    while listening() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not listening()  # the Zensical server stopped with citekb


def test_engine_choice_order_and_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    from citekb.site import engines

    have = {"properdocs", "zensical"}
    monkeypatch.setattr(engines, "installed", lambda name: name in have)
    assert engines.choose(None) == "properdocs"  # MkDocs first, but it is not installed
    assert engines.choose(None, "zensical") == "zensical"  # the `engine` option
    assert engines.choose("properdocs", "zensical") == "properdocs"  # --engine wins
    with pytest.raises(engines.EngineError, match=r"pip install mkdocs mkdocs-material"):
        engines.choose("mkdocs")
    have.clear()
    with pytest.raises(engines.EngineError, match="no site engine is installed"):
        engines.choose(None)


def test_the_run_config_inherits_mkdocs_yml_and_adds_only_the_extension(tmp_path: Path) -> None:
    from citekb.core.config import Config
    from citekb.core.configyaml import load_yaml
    from citekb.site.engine_config import RUN_CONFIG, engine_run, run_config_text

    listed = load_yaml("markdown_extensions:\n  - citekb.site.project_ext:\n      project: .\n")
    assert run_config_text(listed) is None
    added = load_yaml(run_config_text(load_yaml("markdown_extensions: [toc]\n")) or "")
    assert added == {
        "INHERIT": "mkdocs.yml",
        "markdown_extensions": [{"citekb.site.project_ext": {"project": "."}}],
    }
    bare = load_yaml(run_config_text({"site_name": "x"}) or "")
    assert bare["markdown_extensions"][:3] == ["toc", "tables", "fenced_code"]
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    with engine_run(tmp_path, Config()) as config_file:
        assert config_file == tmp_path / RUN_CONFIG and config_file.is_file()
        page = (tmp_path / "docs" / "bibliography.md").read_text(encoding="utf-8")
        assert "<!-- citekb:bibliography -->" in page
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["docs", "mkdocs.yml"]
    with pytest.raises(RuntimeError), engine_run(tmp_path, Config()):
        raise RuntimeError  # a failed run leaves nothing behind either
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["docs", "mkdocs.yml"]


# --- the Zensical build in a browser -----------------------------------------------------


@pytest.fixture(scope="module")
def zensical_url(kb: Path) -> Iterator[str]:
    with serve(site(kb, "zensical")) as url:
        yield url


def test_zensical_site_in_a_browser_preview_and_backlink(zensical_url: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(zensical_url) else route.abort()
            ),
        )
        page.goto(f"{zensical_url}/health-effects/")
        cite = page.locator("a.citekb-cite").first
        key = cite.get_attribute("data-key")
        cite.hover()
        preview = page.locator("#citekb-preview")
        preview.wait_for(state="visible", timeout=5000)
        entry = page.locator(f"#ref-{key} .citekb-ref-text").inner_text()
        assert preview.inner_text().startswith(entry[:40])
        page.screenshot(path=str(tmp_path / "zensical-preview.png"))
        page.goto(f"{zensical_url}/bibliography/")
        backlink = page.locator("a.citekb-backlink").first
        href = backlink.get_attribute("href") or ""
        backlink.click()
        page.wait_for_load_state()
        anchor = href.split("#", 1)[1]
        assert page.url.endswith(f"#{anchor}")
        target = page.locator(f"#{anchor}")
        assert target.count() == 1 and "citekb-cite" in (target.get_attribute("class") or "")
        assert target.evaluate("el => el.matches(':target')")
        assert not errors, errors
        browser.close()
