"""The trust scenario in headless Chromium: the hover preview carries the notice and the
verification words, and the page's JSON-LD is what a browser's DOM reads."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from browser_helpers import ARGS, CHROMIUM
from support import build_site, copy_site

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


@pytest.fixture(scope="module")
def overdue_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = copy_site("trust", tmp_path_factory.mktemp("site"))
    build_site(root)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto((root / "site" / "overdue" / "index.html").as_uri())
        yield page
        browser.close()


def test_preview_shows_notice_and_verification(overdue_page: Any) -> None:
    overdue_page.hover("a.citekb-cite[data-key=retracted2019]")
    preview = overdue_page.locator("#citekb-preview")
    preview.wait_for(state="visible")
    assert preview.locator(".citekb-notice--retraction").inner_text() == "Retracted (2021-03-04)"
    assert preview.locator(".citekb-verification").inner_text() == "Verified against the source"
    assert preview.locator(".citekb-badge").inner_text() == "cohort study"


def test_dom_json_ld_lists_the_cited_dois(overdue_page: Any) -> None:
    raw = overdue_page.locator('script[type="application/ld+json"]').text_content()
    data = json.loads(raw)
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2022-01-10"
    assert "https://doi.org/10.5555/retracted.2019" in {c["url"] for c in data["citation"]}
