"""Round two (titles): markup in a front-matter `title` or `description` is a check error, and
the plugin escapes both before the theme writes them into `<title>`, the header and `<meta>`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_helpers import ARGS, CHROMIUM
from security_helpers import SITE_YML, no_traceback, run

if TYPE_CHECKING:
    from pathlib import Path

EVIL = "</title><script>document.title='PWNED';window.pwned=1</script>"
PAGE = f"""---
title: "{EVIL}"
description: "\\"><script>window.pwned=2</script>"
---
# Home

See [@smith2020].
"""
MATERIAL_YML = SITE_YML.replace("theme:\n  name: mkdocs\n", "theme:\n  name: material\n")


def test_markup_in_a_title_or_description_is_a_check_error(site) -> None:
    root = site({"docs/index.md": PAGE})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "docs/index.md:2:1: error[bad-frontmatter] `title` holds HTML markup" in result.stdout
    assert "docs/index.md:3:1: error[bad-frontmatter] `description` holds HTML markup" in (
        result.stdout
    )
    built = run(root, "build", timeout=180)
    assert built.returncode == 1 and not (root / "site").exists()


@pytest.mark.parametrize("title", ["Escaping & quoting", "x < 3 and y > 2", "Q&A: <3"])
def test_plain_titles_with_special_characters_pass(site, title: str) -> None:
    root = site({"docs/index.md": f'---\ntitle: "{title}"\n---\n# Home\n\n[@smith2020]\n'})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert "bad-frontmatter" not in result.stdout


@pytest.fixture(scope="module")
def material_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Material site with the hostile page, built by MkDocs itself (the check would stop
    `citekb build`; MkDocs alone shows what reaches the theme)."""
    from security_helpers import BIB

    root = tmp_path_factory.mktemp("titles") / "kb"
    (root / "docs").mkdir(parents=True)
    (root / "references").mkdir()
    (root / "mkdocs.yml").write_text(MATERIAL_YML, encoding="utf-8")
    (root / "references" / "library.bib").write_text(BIB, encoding="utf-8")
    (root / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    result = run(root, "build", "-d", "site", module="mkdocs", timeout=300)
    no_traceback(result)
    assert (root / "site" / "index.html").exists(), result.stderr[-2000:]
    return root / "site"


def test_the_theme_gets_the_title_escaped(material_site: Path) -> None:
    html = (material_site / "index.html").read_text(encoding="utf-8")
    assert "<script>document.title" not in html
    assert "<script>window.pwned" not in html
    assert "<title>&lt;/title&gt;&lt;script&gt;document.title=" in html
    assert 'content="&#34;&gt;&lt;script&gt;' in html or 'content="&quot;&gt;&lt;script' in html


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_no_script_from_the_title_runs_in_chromium(material_site: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto((material_site / "index.html").as_uri())
        assert page.evaluate("window.pwned") is None
        assert page.title().startswith("</title><script>")  # shown as text
        browser.close()
