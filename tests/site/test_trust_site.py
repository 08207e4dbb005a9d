"""The trust scenario (tests/sites/trust) built end to end: review dates, a retracted source,
verification words, "Cite this page" and MedicalWebPage JSON-LD; and its handout PDF."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from citekb.cli.main import main
from support import SITES, build_site, copy_site, read_page

if TYPE_CHECKING:
    from pathlib import Path

#: 2026-06-01T00:00:00Z, the "today" of the issue's scenario.
JUNE_2026 = str(int(dt.datetime(2026, 6, 1, tzinfo=dt.UTC).timestamp()))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", JUNE_2026)
        return build_site(copy_site("trust", tmp_path_factory.mktemp("trust")))


class _Scripts(HTMLParser):
    """The text of every ``application/ld+json`` script, and every element's tag."""

    def __init__(self) -> None:
        super().__init__()
        self.json_ld: list[str] = []
        self.tags: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.json_ld.append(data)


def scripts(html: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(html)
    return parser


def medical_page(html: str) -> dict[str, object]:
    found = [json.loads(s) for s in scripts(html).json_ld]
    pages = [d for d in found if d.get("@type") == "MedicalWebPage"]
    assert len(pages) == 1, found
    return pages[0]


def test_check_reports_overdue_review_and_retracted_source_at_their_lines() -> None:
    root = SITES / "trust"
    result = CliRunner().invoke(
        main,
        ["check", "--root", str(root), "--no-cache", "--format", "json"],
        env={"SOURCE_DATE_EPOCH": JUNE_2026},
    )
    assert result.exit_code == 1, result.output
    found = {
        (d["code"], d["path"], d["line"], d["column"])
        for d in json.loads(result.output)["diagnostics"]
    }
    assert ("review-overdue", "docs/overdue.md", 4, 1) in found
    assert ("retracted-source", "docs/overdue.md", 12, 42) in found
    assert ("retracted-source", "docs/handout.md", 10, 42) in found
    assert ("source-notice", "docs/overdue.md", 14, 32) in found
    assert ("review-missing", "docs/handout.md", 3, 1) in found
    assert ("corporate-author", "references/library.bib", 36, 1) in found
    codes_by_path = {(c, p) for c, p, _, _ in found}
    # no review date: nothing; next_review in the future: nothing
    assert not {c for c, p in codes_by_path if p in {"docs/index.md", "docs/escaping.md"}}


def test_built_page_labels_the_retracted_work_and_shows_verification(trust: Path) -> None:
    html = read_page(trust, "overdue")
    item = re.search(r'<li id="ref-retracted2019".*?</li>', html, re.S)
    assert item is not None
    assert (
        '<span class="citekb-notice citekb-notice--retraction"><strong>'
        '<a href="https://doi.org/10.5555/retraction.notice">Retracted (2021-03-04)</a>'
        "</strong></span>"
    ) in item.group()
    corrected = re.search(r'<li id="ref-corrected2018".*?</li>', html, re.S)
    assert corrected is not None
    assert "Corrected (2019-02-01)" in corrected.group()
    assert ">Not verified</span>" in corrected.group()
    holt = re.search(r'<li id="ref-holtlunstad2015".*?</li>', html, re.S)
    assert holt is not None
    assert ">Verified against the source</span>" in holt.group()
    assert "citekb-notice" not in holt.group()


def test_bibliography_shows_verification_words_and_notices(trust: Path) -> None:
    html = read_page(trust, "bibliography")
    words = {
        "bowlby1969": "Verified second-hand",
        "holtlunstad2015": "Verified against the source",
        "corrected2018": "Not verified",
        "retracted2019": "Verified against the source",
    }
    for key, label in words.items():
        item = re.search(rf'<li id="ref-{key}".*?</li>', html, re.S)
        assert item is not None, key
        assert 'class="citekb-verification citekb-verification--' in item.group()
        assert f">{label}</span>" in item.group(), key
    assert "Retracted (2021-03-04)" in html


def test_page_has_review_line_cite_block_and_json_ld(trust: Path) -> None:
    html = read_page(trust, "overdue")
    assert (
        '<p class="citekb-page-meta citekb-review">Last reviewed January 10, 2022 · '
        "Next review due January 10, 2024 · Reviewed by Dr Jane Doe</p>"
    ) in html
    cite = re.search(
        r'<details class="citekb-cite-page" data-search-exclude>.*?</details>', html, re.S
    )
    assert cite is not None
    block = cite.group()
    assert "<summary>Cite this page</summary>" in block
    assert (
        "Trust Editors. (2022, January 10). <i>Overdue page</i>. Trust Test Site. "
        '<a href="https://example.org/trust/overdue/">https://example.org/trust/overdue/</a>'
    ) in block
    assert "@online{overdue2022,\n  author = {{Trust Editors}},\n  title = {Overdue page}," in block
    assert "  url = {https://example.org/trust/overdue/}\n}" in block
    data = medical_page(html)
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Overdue page"
    assert data["url"] == "https://example.org/trust/overdue/"
    assert data["lastReviewed"] == "2022-01-10"
    assert data["reviewedBy"] == [{"@type": "Person", "name": "Dr Jane Doe"}]
    citations = data["citation"]
    assert isinstance(citations, list)
    urls = {c["url"] for c in citations}
    assert urls == {
        "https://doi.org/10.1177/1745691614568352",
        "https://doi.org/10.5555/retracted.2019",
        "https://example.org/corrected",
    }
    dois = {c["identifier"]["value"] for c in citations if "identifier" in c}
    assert dois == {"10.1177/1745691614568352", "10.5555/retracted.2019"}


def test_page_without_review_date_has_no_review_line(trust: Path) -> None:
    html = read_page(trust, "")
    assert "citekb-review" not in html
    data = medical_page(html)
    assert "lastReviewed" not in data
    assert "Cite this page" in html
    assert "(n.d.). <i>Home</i>" in html


def test_json_ld_cannot_be_broken_out_of(trust: Path) -> None:
    html = read_page(trust, "escaping")
    parsed = scripts(html)
    data = medical_page(html)
    assert data["description"] == "Ends </script><script>alert(1)</script> <!-- here"
    assert data["reviewedBy"] == [{"@type": "Person", "name": "</script><b>Jo</b>"}]
    raw = next(s for s in parsed.json_ld if "MedicalWebPage" in s)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003c/script\\u003e" in raw
    assert "<script>alert(1)" not in html
    assert "<b>Jo</b>" not in html
    assert "Reviewed by &lt;/script&gt;&lt;b&gt;Jo&lt;/b&gt;</p>" in html
    assert "Next review due December 1, 2026" in html


def test_configurable_verification_labels(tmp_path: Path) -> None:
    root = copy_site("trust", tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      review_months: 24\n",
            "      review_months: 24\n"
            "      verification_labels: {V-secondary: Checked in a trusted summary}\n",
        ),
        encoding="utf-8",
    )
    site = build_site(root)
    html = read_page(site, "bibliography")
    bowlby = re.search(r'<li id="ref-bowlby1969".*?</li>', html, re.S)
    assert bowlby is not None
    assert ">Checked in a trusted summary</span>" in bowlby.group()
    assert ">Verified against the source</span>" in html  # the others keep their defaults


def test_preview_script_copies_notice_and_verification() -> None:
    from citekb.site.references import ASSETS

    js = (ASSETS / "citekb.js").read_text(encoding="utf-8")
    assert '".citekb-badge, .citekb-notice, .citekb-verification"' in js


def test_handout_pdf_shows_review_line_notice_and_verification(tmp_path: Path) -> None:
    from citekb.handouts.writer import write_handouts
    from citekb.project.load import load_project

    root = copy_site("trust", tmp_path)
    page = root / "docs" / "handout.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "handout: true\n", "handout: true\nreviewed: 2026-02-03\n"
        ),
        encoding="utf-8",
    )
    project = load_project(root)
    result = write_handouts(project, tmp_path / "out")
    assert [p.name for p in result.written] == ["handout.pdf"]
    text = squash(pdf_text(tmp_path / "out" / "handout.pdf"))
    assert squash("Last reviewed February 3, 2026 · Next review due February 3, 2028") in text
    assert squash("Retracted (2021-03-04)") in text
    assert squash("Verified against the source") in text


def test_plugin_state_cache_is_keyed_by_the_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    root = copy_site("trust", tmp_path)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("cache_dir: null", "cache_dir: .cache")
    config.write_text(text, encoding="utf-8")
    early = str(int(dt.datetime(2023, 1, 1, tzinfo=dt.UTC).timestamp()))
    for epoch, overdue in ((early, False), (JUNE_2026, True), (early, False)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.citekb"):
            build_site(root)
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert ("[review-overdue]" in logged) is overdue, epoch
        assert "docs/overdue.md:12:42: `retracted2019` is cited but was retracted" in logged
    assert (root / ".cache" / "project.json").is_file()


def test_plugin_refuses_a_malformed_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.exceptions import Abort

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "tomorrow")
    with pytest.raises(Abort):
        build_site(copy_site("trust", tmp_path))
    assert (
        "citekb: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not 'tomorrow'"
        in caplog.text
    )
