"""axe-core (WCAG 2.1 A and AA rules) on every page of the knowledge base, light and dark.

axe-core comes from npm (``package.json`` and ``package-lock.json`` pin it; ``make test`` runs
``npm ci`` at the repository root, and ``.ci/system-deps`` installs Node and npm if missing). It is injected from the local file,
never from a CDN. Without it the test skips; under CI (``CI=true``) it fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from browser_helpers import CHROMIUM, chromium, serve
from support import REPO, build_site

if TYPE_CHECKING:
    from collections.abc import Iterator

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")

AXE = Path(os.environ.get("CITEKB_AXE_JS", REPO / "node_modules" / "axe-core" / "axe.min.js"))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        message = f"no axe-core at {AXE}: run `npm ci` at the repository root"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI installs axe-core: a missing one is a failure
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The knowledge base itself, built with MkDocs from a copy of the repository's pages."""
    root = tmp_path_factory.mktemp("kb")
    for name in ("docs", "references"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    build_site(root)
    return root / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


def _pages(site: Path) -> list[str]:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return [p.removesuffix("index.html") for p in pages]


def _violations(page: Any, url: str, source: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(content=source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => [v.id, v.nodes.length,"
        " v.nodes.slice(0, 3).map(n => n.target.join(' '))]))",
        TAGS,
    )
    return [f"{url}: {rule} on {count} node(s), e.g. {targets}" for rule, count, targets in result]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violations_on_any_page(
    site: Path, browser: Any, axe_source: str, scheme: str
) -> None:
    pages = _pages(site)
    assert len(pages) >= 20, pages  # every content page, not just the home page
    context = browser.new_context(color_scheme=scheme)
    context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    page = context.new_page()
    problems: list[str] = []
    with serve(site) as base:
        for path in pages:
            problems += _violations(page, f"{base}/{path}", axe_source)
            if path == "":  # the palette follows the emulated scheme
                shown = page.evaluate("document.body.dataset.mdColorScheme")
                assert shown == ("slate" if scheme == "dark" else "default")
    context.close()
    assert not problems, "\n".join(problems)
