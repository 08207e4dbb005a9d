"""PDF handouts: text, metadata, tagging, golden text, bad input and the print link."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from citekb.cli.main import main
from citekb.core.config import CRISIS_LINE, DISCLAIMER
from citekb.handouts import writer as handouts
from citekb.handouts.writer import write_handouts
from citekb.project.load import load_project
from citekb.render import richtext as rt
from citekb.site.references import cached_references
from citekb.site.urls import absolute_page_url, add_print_link, handout_slug
from support import GOLDEN, REPO, build_site

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from citekb.project.load import Project

HANDOUT_GOLDEN = GOLDEN / "handouts"
SLUGS = (
    "handout-connection-health",
    "handout-getting-help",
    "handout-signs",
    "handout-small-steps",
)

BIB = """\
@article{smith2020,
  author = {Smith, Jane},
  title = {Friends and Health},
  journal = {Journal of Tests},
  year = {2020},
  volume = {1},
  pages = {1--2},
}
"""


def squash(text: str) -> str:
    """Text without whitespace, so line breaks in the PDF do not matter."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path, handouts.Result]:
    """The knowledge base's own handouts, written once for the module."""
    project = load_project(REPO)
    out = tmp_path_factory.mktemp("site") / "handouts"
    return project, out, write_handouts(project, out)


def test_every_handout_page_is_written_without_findings(kb: Any) -> None:
    _, out, result = kb
    # this project's site_url is still the placeholder citekb.example.org, a finding its
    # mkdocs.yml silences (`ignore`) until the site has its real address
    assert [(d.code, d.location) for d in result.diagnostics] == []
    assert sorted(p.name for p in result.written) == [f"{s}.pdf" for s in SLUGS]
    assert sorted(p.name for p in out.iterdir()) == [f"{s}.pdf" for s in SLUGS]  # no temp files


@pytest.mark.parametrize("slug", SLUGS)
def test_handout_text_has_title_references_url_and_notice(kb: Any, slug: str) -> None:
    project, out, _ = kb
    page = next(p for p in project.pages if handout_slug(p.name) == slug)
    reader = PdfReader(out / f"{slug}.pdf")
    assert 1 <= len(reader.pages) <= 2
    text = squash(pdf_text(out / f"{slug}.pdf"))
    assert squash(page.title) in text
    refs = cached_references(project)
    for key in {c.key for c in page.citations}:
        item = refs.get(key)
        assert item is not None
        assert squash(rt.to_text(item.reference)) in text, key
    url = f"https://citekb.example.org/{slug}/"
    assert url in text
    first = squash(PdfReader(out / f"{slug}.pdf").pages[0].extract_text())
    assert squash(DISCLAIMER) in first  # on page 1, whatever the length
    for country, line in project.config.crisis_lines:
        assert squash(f"{country}: {line}") in first
    assert {c for c, _ in project.config.crisis_lines} >= {"US", "Canada", "UK"}
    assert "116123" in first and "9-8-8" in first and "988" in first
    reviewed = page.meta["reviewed"]  # a date; the handout prints it in words
    assert f"Last reviewed {reviewed:%B} {reviewed.day}, {reviewed.year}" in pdf_text(
        out / f"{slug}.pdf"
    )
    assert "Page 1 of" in pdf_text(out / f"{slug}.pdf")


@pytest.mark.parametrize("slug", SLUGS)
def test_handout_is_tagged_with_metadata_and_embedded_fonts(kb: Any, slug: str) -> None:
    project, out, _ = kb
    page = next(p for p in project.pages if handout_slug(p.name) == slug)
    reader = PdfReader(out / f"{slug}.pdf")
    assert reader.metadata is not None
    assert reader.metadata.title == page.title
    assert reader.metadata.author == project.config.site_name
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    fonts = []
    for pdf_page in reader.pages:
        for font in pdf_page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor, font["/BaseFont"]  # embedded
            fonts.append(str(font["/BaseFont"]))
    assert fonts
    assert all("DejaVu" in name for name in fonts)


def test_crisis_handout_fits_on_one_page_with_every_line(kb: Any) -> None:
    _, out, _ = kb
    path = out / "handout-getting-help.pdf"
    assert len(PdfReader(path).pages) == 1
    text = " ".join(pdf_text(path).split())
    for needle in ("988", "9-8-8", "116 123", "NHS 111 and choose the mental health option"):
        assert needle in text, needle
    assert "option 2" not in text.lower()
    # the knowledge base lists its own crisis lines, so the footer covers every country above
    project, _, _ = kb
    assert {country for country, _ in project.config.crisis_lines} >= {
        "US",
        "Canada",
        "UK",
        "England",
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_handout_text_matches_golden(kb: Any, slug: str) -> None:
    _, out, _ = kb
    lines = pdf_text(out / f"{slug}.pdf").splitlines()
    actual = "\n".join(line.rstrip() for line in lines).rstrip() + "\n"
    golden = HANDOUT_GOLDEN / f"{slug}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_page_url_and_slug() -> None:
    assert absolute_page_url("https://kb.org", "a/b.md") == "https://kb.org/a/b/"
    assert absolute_page_url("https://kb.org/", "index.md") == "https://kb.org/"
    assert absolute_page_url("https://kb.org/", "a/index.md") == "https://kb.org/a/"
    assert absolute_page_url("", "a.md") == ""
    assert handout_slug("guides/sleep.md") == "guides/sleep"  # not guides-sleep.md's name
    assert handout_slug("guides-sleep.md") == "guides-sleep"


def test_print_link_goes_after_the_title_and_points_at_the_pdf() -> None:
    page = '<p>intro</p>\n<h1 id="sleep">Sleep</h1>\n<p>Text.</p>'
    out = add_print_link(page, "guides/sleep.md", "guides/sleep/")
    title, rest = out.split("Sleep</h1>", 1)
    assert title == '<p>intro</p>\n<h1 id="sleep">'
    assert rest.lstrip().startswith(
        '<p class="citekb-print"><a href="../../handouts/guides/sleep.pdf"'
    )
    assert "Print this handout (PDF)</a>" in rest


# --- bad input: small knowledge bases ---------------------------------------------------


def handout(title: str, body: str) -> str:
    return f"---\ntitle: {title}\nreviewed: 2026-01-02\nhandout: true\n---\n\n# {title}\n\n{body}\n"


GOOD = handout("Good handout", "## Key points\n\n- Friends help [@smith2020].\n")
UNKNOWN = handout("Unknown key", "Friends help.\n\nSee [@nosuch2020] for more.\n")
LONG = handout(
    "Too long", "\n\n".join(f"## Part {n}\n\n" + "Words go here. " * 120 for n in range(12))
)


@pytest.fixture
def bad_site(make_site: Callable[[Mapping[str, str | bytes]], Path]) -> Path:
    return make_site(
        {
            "references/lib.bib": BIB,
            "docs/index.md": "# Home\n",
            "docs/good.md": GOOD,
            "docs/unknown.md": UNKNOWN,
            "docs/long.md": LONG,
        }
    )


def test_bad_handouts_get_diagnostics_and_the_good_one_is_still_written(bad_site: Path) -> None:
    out = bad_site / "site" / "handouts"
    result = write_handouts(load_project(bad_site), out)
    found = {(d.code, d.location) for d in result.diagnostics}
    assert found == {
        ("handout-failed", "docs/unknown.md:11:6"),
        ("handout-too-long", "docs/long.md:1:1"),
        ("placeholder-site-url", "mkdocs.yml:0:0"),  # the fixture's kb.example.org
    }
    assert [p.name for p in result.written] == ["good.pdf"]
    assert sorted(p.name for p in out.iterdir()) == ["good.pdf"]  # nothing half-written
    assert "Smith, J. (2020). Friends and health." in pdf_text(out / "good.pdf")


def test_missing_site_url_is_reported_per_handout_and_pdf_has_no_address(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    yml = "site_name: T\nplugins:\n  - citekb:\n      bibliography: [references/*.bib]\n"
    root = make_site({"mkdocs.yml": yml, "references/lib.bib": BIB, "docs/good.md": GOOD})
    out = root / "site" / "handouts"
    result = write_handouts(load_project(root), out)
    assert [(d.code, d.path) for d in result.diagnostics] == [("missing-site-url", "docs/good.md")]
    assert (out / "good.pdf").is_file()
    text = pdf_text(out / "good.pdf")
    assert "Read this handout online" not in text
    assert "Good handout" in text


def test_a_failed_write_leaves_no_file_behind(
    bad_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import citekb.project.atomic

    def full_disk(fd: int) -> None:  # the PDF bytes are written, then the disk gives out
        raise OSError("disk full")

    monkeypatch.setattr(citekb.project.atomic.os, "fsync", full_disk)
    out = bad_site / "site" / "handouts"
    project = load_project(bad_site)
    good = [p for p in project.pages if p.name == "good.md"]
    result = write_handouts(project, out, good)
    assert [(d.code, d.path) for d in result.diagnostics] == [
        ("placeholder-site-url", "mkdocs.yml"),
        ("handout-failed", "docs/good.md"),
    ]
    assert "disk full" in result.diagnostics[1].message
    assert result.written == ()
    assert list(out.iterdir()) == []


def test_paper_option_sets_a4(make_site: Callable[[Mapping[str, str | bytes]], Path]) -> None:
    yml = (
        "site_name: T\nsite_url: https://kb.example.org/\nplugins:\n  - citekb:\n"
        "      bibliography: [references/*.bib]\n      paper: a4\n"
        "      crisis_line: Call 111 in a crisis.\n"
    )
    root = make_site({"mkdocs.yml": yml, "references/lib.bib": BIB, "docs/good.md": GOOD})
    out = root / "out"
    write_handouts(load_project(root), out)
    reader = PdfReader(out / "good.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert "Call 111 in a crisis." in pdf_text(out / "good.pdf")


def test_cli_handouts_exit_codes(bad_site: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["handouts", "--root", str(bad_site)])
    assert result.exit_code == 1
    assert "docs/unknown.md:11:6" in result.output
    assert "handout-failed" in result.output
    assert (bad_site / "site" / "handouts" / "good.pdf").is_file()


@pytest.mark.parametrize("slug", SLUGS)
def test_structure_tree_has_headings_lists_and_qr_alt_text(kb: Any, slug: str) -> None:
    _, out, _ = kb
    root = PdfReader(out / f"{slug}.pdf").trailer["/Root"]["/StructTreeRoot"]
    kinds: set[str] = set()
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            kinds.add(str(node.get("/S", "")))
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])

    walk(root)
    assert {"/H1", "/H2", "/L", "/LI", "/P", "/Link", "/Figure"} <= kinds
    assert alts[0] == f"QR code that opens https://citekb.example.org/{slug}/"
    # a forest plot is a figure whose alternative text is its title
    assert alts[1:] == (
        ["Poor social ties and the risk of heart disease and stroke (Valtorta et al., 2016)"]
        if slug == "handout-connection-health"
        else []
    )


def test_site_page_links_to_its_handout_pdf(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site({"references/lib.bib": BIB, "docs/index.md": "# Home\n", "docs/good.md": GOOD})
    build_site(root)
    page = (root / "site" / "good" / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="../handouts/good.pdf" type="application/pdf">Print this handout (PDF)</a>' in page
    )
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "Print this handout" not in home


# --- the style and the evidence labels ----------------------------------------------------


@pytest.mark.parametrize(
    ("style", "content", "reason"),
    [
        (
            "styles/none.csl",
            None,
            "is neither a known style id (`apa`, `ieee`, `nature`…) nor a readable .csl file",
        ),
        (
            "chicago",
            None,
            "is neither a known style id (`apa`, `ieee`, `nature`…) nor a readable .csl file",
        ),
        ("broken.csl", "<style>not a CSL style</style>", "is not a CSL style"),
        ("html.csl", "<html><body/></html>", "is not a CSL style"),
        ("bad.csl", "<style", "not well-formed XML"),
    ],
)
@pytest.mark.parametrize("command", ["check", "handouts", "build"])
def test_bad_style_is_a_config_error_of_check_and_build_alike(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
    style: str,
    content: str | None,
    reason: str,
    command: str,
) -> None:
    """check is the gate: a style the build cannot use stops check too, with exit 2."""
    yml = (
        "site_name: T\nsite_url: https://kb.example.org/\nplugins:\n  - citekb:\n"
        f"      bibliography: [references/*.bib]\n      style: {style}\n"
    )
    files = {"mkdocs.yml": yml, "references/lib.bib": BIB, "docs/good.md": GOOD}
    if content is not None:
        files[style] = content
    root = make_site(files)
    cli = CliRunner().invoke(main, [command, "--root", str(root)])
    assert cli.exit_code == 2, cli.output
    assert "plugins.citekb.style" in cli.output and reason in cli.output
    assert cli.exception is None or isinstance(cli.exception, SystemExit)
    assert "Traceback" not in cli.output
    assert not (root / "site").exists()


EVIDENCE = "smith2020:\n  type: meta-analysis\n  status: V-primary\n"


def test_handout_shows_the_evidence_labels_the_site_shows(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    yml = (
        "site_name: T\nsite_url: https://kb.example.org/\nplugins:\n  - citekb:\n"
        "      bibliography: [references/*.bib]\n      evidence: references/evidence.yaml\n"
    )
    root = make_site(
        {
            "mkdocs.yml": yml,
            "references/lib.bib": BIB,
            "references/evidence.yaml": EVIDENCE,
            "docs/good.md": GOOD,
        }
    )
    build_site(root)
    page = (root / "site" / "good" / "index.html").read_text(encoding="utf-8")
    assert "<strong>Evidence on this page:</strong> 1 meta-analysis" in page
    assert ">meta-analysis</span>" in page
    result = write_handouts(load_project(root), root / "out")
    assert [d.code for d in result.diagnostics] == ["placeholder-site-url"]
    text = pdf_text(root / "out" / "good.pdf")
    assert "Evidence on this page: 1 meta-analysis" in text
    assert "[meta-analysis]" in text


# --- layout: notice band, sizes, page limits, URL breaks, forest plots ------------------


def run_sizes(path: Path) -> list[tuple[int, float, str]]:
    """(page number, font size in points, text) of every text run in the PDF."""
    import math

    out: list[tuple[int, float, str]] = []
    for number, page in enumerate(PdfReader(path).pages, 1):

        def visit(text: str, cm: Any, tm: Any, _font: Any, size: float, n: int = number) -> None:
            scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
            if text.strip():
                out.append((n, round(size * scale, 2), text.strip()))

        page.extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("slug", SLUGS)
def test_body_is_11pt_references_9pt_and_only_page_numbers_are_smaller(kb: Any, slug: str) -> None:
    project, out, _ = kb
    runs = run_sizes(out / f"{slug}.pdf")
    page = next(p for p in project.pages if handout_slug(p.name) == slug)
    # body text: the opening words of every list item and paragraph of the page
    starts = {
        " ".join(re.sub(r"[*_`\[\]]", "", line).split()[:3])
        for line in page.text.split("---", 2)[2].splitlines()
        if re.match(r"(- )?[A-Z][a-z]+ [a-z]+ [a-z]+", line)
    }
    # a run that is only the opening words is a heading that shares them, not body text
    body = [
        (size, text)
        for _, size, text in runs
        if any(text.startswith(s) and len(text) > len(s) for s in starts)
    ]
    assert len(body) >= 3, starts
    assert {size for size, _ in body} == {11.0}, body
    small = [text for _, size, text in runs if size < 9]
    assert all(re.fullmatch(r"Page \d of \d", t) for t in small), small
    refs = cached_references(project)
    first_author = {rt.to_text(refs.entries[c.key].reference)[:12] for c in page.citations}
    for _, size, text in runs:
        if any(text.startswith(a) for a in first_author):
            assert size >= 9, text


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_carries_the_disclaimer_and_crisis_lines(kb: Any, slug: str) -> None:
    _, out, _ = kb
    for page in PdfReader(out / f"{slug}.pdf").pages:
        text = squash(page.extract_text())
        assert squash(DISCLAIMER) in text
        assert "Incrisis:" in text or "Inacrisis:" in text
        assert squash("UK: Samaritans, free on 116 123, 24/7.") in text


@pytest.mark.parametrize("slug", SLUGS)
def test_urls_never_break_inside_the_scheme_and_copy_whole(kb: Any, slug: str) -> None:
    project, out, _ = kb
    lines = [ln.strip() for ln in pdf_text(out / f"{slug}.pdf").splitlines()]
    assert not [ln for ln in lines if ln.endswith(("https:", "https://", "http://"))]
    assert not [ln for ln in lines if ln.startswith(("//", "doi.org"))]
    text = pdf_text(out / f"{slug}.pdf")
    assert "\u200b" not in text and "\u00ad" not in text  # no invisible break characters
    page = next(p for p in project.pages if handout_slug(p.name) == slug)
    refs = cached_references(project)
    for key in {c.key for c in page.citations}:
        for url in re.findall(r"https?://\S+", rt.to_text(refs.entries[key].reference)):
            assert url.rstrip(".") in re.sub(r"\n", "", text), url  # only line ends separate


def test_breakable_url_breaks_after_slashes_and_dots_of_the_path_only() -> None:
    from citekb.handouts.layout import break_urls, breakable_url

    out = breakable_url("https://doi.org/10.1177/17456916")
    assert out.replace('<span class="url-part">', "").replace("</span>", "").split("<wbr>") == [
        "https://doi.org/",
        "10.",
        "1177/",
        "17456916",
    ]
    assert breakable_url("not a url") == "not a url"
    html = '<a href="https://a.org/x-y">https://a.org/x-y</a> and <a href="#r">text</a>'
    assert break_urls(html).count("<wbr>") == 1 and '<a href="#r">text</a>' in break_urls(html)


def test_the_connection_handout_draws_the_forest_plot_as_vector_text(kb: Any) -> None:
    _, out, _ = kb
    text = pdf_text(out / "handout-connection-health.pdf")
    assert "RR (CI)" in text
    assert "1.29 (1.04\u20131.59)" in text and "1.32 (1.04\u20131.68)" in text
    assert "Relative risk (RR), log scale" in text
    reader = PdfReader(out / "handout-connection-health.pdf")
    assert len(reader.pages[0].images) == 0  # plot (and QR code) drawn as vectors, not pictures


def test_health_content_prints_the_default_disclaimer_and_crisis_line(bad_site: Path) -> None:
    yml = bad_site / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      health: true\n", encoding="utf-8")
    out = bad_site / "site" / "handouts"
    project = load_project(bad_site)
    write_handouts(project, out, [p for p in project.pages if p.name == "good.md"])
    reader = PdfReader(out / "good.pdf")
    first = reader.pages[0].extract_text()
    assert squash(CRISIS_LINE) in squash(first)
    assert squash(DISCLAIMER) in squash(first)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 by default


def test_other_knowledge_bases_get_no_health_furniture(bad_site: Path) -> None:
    out = bad_site / "site" / "handouts"
    project = load_project(bad_site)
    assert not project.config.health
    page = next(p for p in project.pages if p.name == "good.md")
    write_handouts(project, out, [page])
    text = squash(pdf_text(out / "good.pdf"))
    assert "medicaladvice" not in text.lower()
    assert "988" not in text and "crisis" not in text.lower()
    assert "Friendshelp" in text  # the page itself is there
    refs = cached_references(project)
    assert 'class="band"' not in handouts.handout_html(page, refs, project.config)
    letter = bad_site / "mkdocs.yml"
    letter.write_text(
        letter.read_text(encoding="utf-8") + "      paper: letter\n", encoding="utf-8"
    )
    write_handouts(load_project(bad_site), out, [page])
    box = PdfReader(out / "good.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


ONE_PAGE = "---\ntitle: One sheet\nhandout: true\npages: 1\n---\n\n# One sheet\n\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Short text [@smith2020].\n", set()),
        (
            "\n\n".join(f"## Part {n}\n\n" + "Words go here. " * 40 for n in range(6)),
            {("handout-too-long", "docs/one.md:4:1")},
        ),
    ],
)
def test_pages_1_in_front_matter_makes_a_spill_an_error(
    make_site: Callable[[Mapping[str, str | bytes]], Path], body: str, expected: set[Any]
) -> None:
    root = make_site({"references/lib.bib": BIB, "docs/one.md": ONE_PAGE + body})
    out = root / "site" / "handouts"
    result = write_handouts(load_project(root), out)
    found = {(d.code, d.location) for d in result.diagnostics} - {
        ("placeholder-site-url", "mkdocs.yml:0:0")
    }
    assert found == expected
    assert (out / "one.pdf").is_file() == (not expected)
    if expected:
        assert "`pages: 1` in its front matter allows 1" in result.diagnostics[-1].message


def test_a_bad_pages_value_is_a_front_matter_diagnostic(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    page = ONE_PAGE.replace("pages: 1", "pages: 3") + "Text [@smith2020].\n"
    root = make_site({"references/lib.bib": BIB, "docs/one.md": page})
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--no-cache"])
    assert "docs/one.md:4:1: error[bad-frontmatter] `pages` must be 1 or 2, not 3" in result.output
    # the handout is still written, held to the two-page limit
    written = write_handouts(load_project(root), root / "out")
    assert [p.name for p in written.written] == ["one.pdf"]


def test_a_real_site_url_gets_no_placeholder_warning(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    from citekb.checks.presentation import is_placeholder_url

    assert is_placeholder_url("https://citekb.example.org/")
    assert is_placeholder_url("http://EXAMPLE.com")
    assert not is_placeholder_url("https://example.organic.net/")
    assert not is_placeholder_url("https://notexample.org/")
    yml = (
        "site_name: T\nsite_url: https://kb.realsite.net/\nplugins:\n  - citekb:\n"
        "      bibliography: [references/*.bib]\n"
    )
    root = make_site({"mkdocs.yml": yml, "references/lib.bib": BIB, "docs/good.md": GOOD})
    assert write_handouts(load_project(root), root / "out").diagnostics == ()


def test_a_pages_own_notice_stays_unless_the_band_prints_a_disclaimer(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    note = "*This sheet is information, not medical advice.*\n"
    root = make_site({"references/lib.bib": BIB, "docs/good.md": GOOD + "\n" + note})
    project = load_project(root)
    page = next(p for p in project.pages if p.name == "good.md")
    refs = cached_references(project)
    assert "not medical advice" in handouts.body_html(page, refs, project.config)
    health = replace(project.config, health=True)
    assert "not medical advice" not in handouts.body_html(page, refs, health)
