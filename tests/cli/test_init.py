"""``citekb init``: a new knowledge base that ``check`` and ``build`` accept straight away,
Material with no Google Fonts, health furniture only when asked for; nothing overwritten."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.cli.main import main
from citekb.cli.starter import Answers, mkdocs_yml
from citekb.core.config import parse_config

if TYPE_CHECKING:
    from pathlib import Path

FILES = [
    ".github/workflows/citekb.yml",
    ".gitignore",
    "docs/bibliography.md",
    "docs/index.md",
    "mkdocs.yml",
    "references/library.bib",
]


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def written(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and "site" not in p.relative_to(root).parts
        and ".citekb-cache" not in p.relative_to(root).parts
    }


def json_ld_types(html: str) -> list[str]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(s)["@type"] for s in found]


def test_init_yes_then_check_and_build_pass(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    code, out = run("init", str(root), "--yes")
    assert code == 0, out
    assert sorted(written(root)) == FILES
    config = parse_config((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert (config.health, config.paper, config.site_url) == (False, "a4", "")
    code, out = run("check", "--root", str(root), "--strict", "--no-cache")
    assert code == 0, out
    code, out = run("build", "--root", str(root))
    assert code == 0, out
    site = root / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    # a rendered citation, linked to its reference on the page
    assert re.search(r'<a class="citekb-cite"[^>]*href="#ref-holtlunstad2015"', index)
    assert "Holt-Lunstad, J., Smith, T. B." in index
    assert "Perspectives on Psychological Science" in index
    assert 'class="md-header' in index  # Material, not the plain MkDocs theme
    assert json_ld_types(index) == ["WebPage"]
    assert "medical advice" not in index.lower()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page
    biblio = (site / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert 'id="ref-holtlunstad2015"' in biblio


def test_enter_on_every_question_gives_the_defaults(tmp_path: Path) -> None:
    code, out = run("init", str(tmp_path / "asked"), stdin="\n\n\n\n")
    assert code == 0, out
    assert "Site name [My knowledge base]" in out and "Is this health content? [y/N]" in out
    assert run("init", str(tmp_path / "yes"), "--yes")[0] == 0
    assert written(tmp_path / "asked") == written(tmp_path / "yes")


def test_health_content_in_the_us(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    # name, site_url, health, country; the paper then defaults to letter
    code, out = run("init", str(root), stdin="Care KB\nhttps://kb.test/\ny\nUS\n\n")
    assert code == 0, out
    config = parse_config((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert (config.site_name, config.site_url, config.health, config.paper) == (
        "Care KB",
        "https://kb.test/",
        True,
        "letter",
    )
    assert config.crisis_lines[0][0] == "US" and "988" in config.crisis_lines[0][1]
    assert config.crisis_lines[-1] == ("Elsewhere", "call your local emergency number.")
    assert run("build", "--root", str(root))[0] == 0
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert json_ld_types(index) == ["MedicalWebPage"]


@pytest.mark.parametrize(
    ("country", "paper", "first"), [("uk", "a4", "UK"), ("Canada", "letter", "Canada")]
)
def test_options_choose_country_and_paper(
    tmp_path: Path, country: str, paper: str, first: str
) -> None:
    root = tmp_path / "kb"
    code, out = run("init", str(root), "--yes", "--health", "--country", country)
    assert code == 0, out
    config = parse_config((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config.paper == paper and config.crisis_lines[0][0] == first
    other = tmp_path / "other"
    assert run("init", str(other), "--yes", "--health", "--country", "Norway")[0] == 0
    config = parse_config((other / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config.crisis_lines == (("Elsewhere", "call your local emergency number."),)
    assert config.paper == "a4"


def test_init_overwrites_nothing(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("mine\n", encoding="utf-8")
    code, out = run("init", str(tmp_path), "--yes")
    assert code == 2
    assert "docs/index.md already exists" in out and "overwrites nothing" in out
    assert written(tmp_path) == {"docs/index.md": "mine\n"}


def test_a_bad_site_url_is_a_usage_error_or_asked_again(tmp_path: Path) -> None:
    code, out = run("init", str(tmp_path), "--yes", "--site-url", "kb.test")
    assert code == 2 and "https://" in out
    assert written(tmp_path) == {}
    code, out = run("init", str(tmp_path), stdin="KB\nkb.test\nhttps://kb.test/\n\n\n")
    assert code == 0, out
    assert "'kb.test' is not a web address" in out
    config = parse_config((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config.site_url == "https://kb.test/"


def test_new_page_without_mkdocs_yml_says_to_run_init(tmp_path: Path) -> None:
    code, out = run("new", "page", "Hello", "--root", str(tmp_path))
    assert code == 2
    assert "no mkdocs.yml" in out and "citekb init" in out
    assert written(tmp_path) == {}


PRINTABLE = st.characters(
    exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"), include_characters=" "
)


@settings(deadline=None, max_examples=60)
@given(name=st.text(PRINTABLE, min_size=1, max_size=30), url=st.text(PRINTABLE, max_size=20))
def test_any_answer_stays_a_value_in_mkdocs_yml(name: str, url: str) -> None:
    """Any answer init takes (printable text: it refuses control characters)."""
    site_url = "https://" + url if url else ""
    config = parse_config(mkdocs_yml(Answers(name=name, site_url=site_url)))
    assert (config.site_name, config.site_url, config.health) == (name, site_url, False)


@pytest.mark.parametrize(
    ("theme", "material", "google"),
    [
        ("", False, False),
        ("theme: material\n", True, True),
        ("theme:\n  name: material\n  font: false\n", True, False),
    ],
)
def test_theme_defaults_as_documented(
    tmp_path: Path, theme: str, material: bool, google: bool
) -> None:
    root = tmp_path / "kb"
    assert run("init", str(root), "--yes")[0] == 0
    yml = root / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    text = re.sub(r"theme:\n(?:  .*\n)+", theme, text)
    yml.write_text(text, encoding="utf-8")
    code, out = run("build", "--root", str(root))
    assert code == 0, out
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert ('class="md-header' in index) is material
    assert ("fonts.googleapis.com" in index) is google


def test_control_characters_in_an_answer_are_refused(tmp_path: Path) -> None:
    code, out = run("init", str(tmp_path / "kb"), "--yes", "--name", "Bad\x1b[31m name")
    assert code == 2 and "control characters" in out
    assert not (tmp_path / "kb" / "mkdocs.yml").exists()
