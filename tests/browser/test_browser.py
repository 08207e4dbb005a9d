"""The built site in headless Chromium: previews on hover and focus, links, backlinks, no leaks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest

from browser_helpers import CHROMIUM, chromium, serve
from support import SITES, build_site, copy_site

if TYPE_CHECKING:
    from collections.abc import Iterator

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_site("basic", tmp_path_factory.mktemp("site"))
    build_site(root, strict=True)
    with serve(root / "site") as url:
        yield url


class Watch:
    """Console errors, page errors and every request host seen by a page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        host = urlparse(route.request.url).hostname or ""
        self.hosts.add(host)
        if host == "127.0.0.1":
            route.continue_()
        else:
            route.abort()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    yield page, watch
    context.close()
    assert watch.errors == []
    assert watch.hosts <= {"127.0.0.1"}, watch.hosts


def test_preview_on_hover(page: tuple[Any, Watch], base_url: str) -> None:
    p, _ = page
    p.goto(f"{base_url}/health/")
    preview = p.locator("#citekb-preview")
    link = p.locator("#cite-holtlunstad2015-1")
    link.hover()
    preview.wait_for(state="visible")
    assert "Perspectives on Psychological Science" in preview.inner_text()
    assert "meta-analysis" in preview.inner_text()
    assert preview.get_attribute("role") == "dialog"  # it holds links, so not a tooltip
    p.mouse.move(5, 5)
    preview.wait_for(state="hidden")


def test_preview_on_keyboard_focus(page: tuple[Any, Watch], base_url: str) -> None:
    p, _ = page
    p.goto(f"{base_url}/health/")
    first = p.locator("a.citekb-cite").first
    for _ in range(80):  # tab until the first citation has focus, as a keyboard user would
        p.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("could not reach the citation with Tab")
    preview = p.locator("#citekb-preview")
    preview.wait_for(state="visible")
    assert "National Academies" in preview.inner_text()
    # screen readers: the link is described by the full entry
    described = first.get_attribute("aria-describedby")
    assert "National Academies" in p.locator(f"#{described}").inner_text()
    p.keyboard.press("Escape")
    preview.wait_for(state="hidden")


def test_click_reaches_entry(page: tuple[Any, Watch], base_url: str) -> None:
    p, _ = page
    p.goto(f"{base_url}/health/")
    p.locator("#cite-holtlunstad2015-2").click()
    p.wait_for_url("**/health/#ref-holtlunstad2015")
    entry = p.locator("#ref-holtlunstad2015")
    assert entry.is_visible()
    assert p.evaluate("() => document.querySelector(':target').id") == "ref-holtlunstad2015"
    assert entry.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )


def test_backlink_returns_to_citation(page: tuple[Any, Watch], base_url: str) -> None:
    p, _ = page
    p.goto(f"{base_url}/bibliography/")
    backlink = p.locator("#ref-holtlunstad2015 a.citekb-backlink", has_text="Health › Survival")
    backlink.click()
    p.wait_for_url("**/health/#cite-holtlunstad2015-1")
    cite = p.locator("#cite-holtlunstad2015-1")
    assert cite.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )
    # and the page's own back link goes from the entry to the citation
    p.goto(f"{base_url}/health/#ref-nasem2020")
    p.locator("#ref-nasem2020 a.citekb-back").first.click()
    p.wait_for_url("**/health/#cite-nasem2020-1")


def test_pages_load_without_errors_or_foreign_requests(
    page: tuple[Any, Watch], base_url: str
) -> None:
    p, watch = page
    for path in ("/", "/health/", "/bibliography/"):
        p.goto(base_url + path)
        p.wait_for_load_state("networkidle")
    assert watch.hosts == {"127.0.0.1"}


def _tab_to(p: Any, target: Any) -> None:
    for _ in range(80):  # as a keyboard user would
        p.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail("could not reach the element with Tab")


def test_preview_can_be_entered_by_the_pointer_and_its_link_clicked(
    page: tuple[Any, Watch], base_url: str
) -> None:
    p, _ = page
    p.goto(f"{base_url}/health/")
    p.locator("#cite-holtlunstad2015-1").hover()
    preview = p.locator("#citekb-preview")
    preview.wait_for(state="visible")
    doi = preview.locator("a[href*='doi.org']")
    doi.hover()  # the pointer crosses from the citation into the preview
    p.wait_for_timeout(400)
    assert preview.is_visible()
    # the click reaches the link itself (not inert, not covered); stop it leaving the test host
    doi.evaluate(
        "el => el.addEventListener('click', e => { e.preventDefault(); window.clicked = el.href; })"
    )
    doi.click()
    assert p.evaluate("() => window.clicked") == "https://doi.org/10.1177/1745691614568352"


def test_preview_is_entered_with_tab_and_left_with_escape(
    page: tuple[Any, Watch], base_url: str
) -> None:
    p, _ = page
    p.goto(f"{base_url}/health/")
    cite = p.locator("#cite-holtlunstad2015-1")
    _tab_to(p, cite)
    preview = p.locator("#citekb-preview")
    preview.wait_for(state="visible")
    p.keyboard.press("Tab")
    inside = "() => document.getElementById('citekb-preview').contains(document.activeElement)"
    assert p.evaluate(inside)
    assert "doi.org" in p.evaluate("() => document.activeElement.href")
    p.keyboard.press("Shift+Tab")
    assert cite.evaluate("el => el === document.activeElement")
    assert preview.is_visible()
    p.keyboard.press("Tab")
    assert p.evaluate(inside)
    p.keyboard.press("Escape")
    preview.wait_for(state="hidden")
    assert cite.evaluate("el => el === document.activeElement")  # focus goes back


def test_tab_past_the_preview_goes_on_to_the_next_link(
    page: tuple[Any, Watch], base_url: str
) -> None:
    p, _ = page
    p.goto(f"{base_url}/health/")
    cite = p.locator("#cite-holtlunstad2015-1")
    _tab_to(p, cite)
    expected = cite.evaluate(
        """el => {
          const all = [...document.querySelectorAll('a[href]')].filter(
            a => a.getClientRects().length && !a.closest('#citekb-preview'));
          return all[all.indexOf(el) + 1].href;
        }"""
    )
    p.keyboard.press("Tab")  # into the preview
    p.keyboard.press("Tab")  # its only link was the last: on to the page
    assert p.evaluate("() => document.activeElement.href") == expected
    assert not p.evaluate(
        "() => document.getElementById('citekb-preview').contains(document.activeElement)"
    )


def test_preview_stays_inside_a_390_px_viewport(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    p = context.new_page()
    Watch(p)
    p.goto(f"{base_url}/health/")
    preview = p.locator("#citekb-preview")
    links = p.locator("a.citekb-cite")
    assert links.count() >= 3
    for index in range(links.count()):
        links.nth(index).focus()
        preview.wait_for(state="visible")
        box = preview.evaluate(
            "el => { const r = el.getBoundingClientRect();"
            " return [r.left, r.right, el.scrollWidth, el.clientWidth]; }"
        )
        left, right, scroll_width, client_width = box
        assert left >= 0 and right <= 390, (index, box)
        assert scroll_width <= client_width, (index, box)  # long URLs wrap inside the box
    context.close()


def test_back_links_are_at_least_24_px_targets(page: tuple[Any, Watch], base_url: str) -> None:
    p, _ = page
    for path, selector in (
        ("/health/", "a.citekb-back"),
        ("/bibliography/", "a.citekb-backlink"),
    ):
        p.goto(base_url + path)
        sizes = p.locator(selector).evaluate_all(
            "els => els.map(el => { const r = el.getBoundingClientRect();"
            " return [r.width, r.height]; })"
        )
        assert sizes, path
        assert all(w >= 24 and h >= 24 for w, h in sizes), (path, sizes)


@pytest.mark.parametrize(
    ("label", "suffix"), [("BibTeX", "bib"), ("RIS", "ris"), ("CSL-JSON", "json")]
)
def test_a_pages_download_holds_its_works_alone(
    page: tuple[Any, Watch], base_url: str, label: str, suffix: str
) -> None:
    """The link leads to every cited work; citekb.js makes the page's own file from the
    blocks, joined exactly as `citekb export` writes the same works."""
    from citekb.project.load import load_project
    from citekb.sources.export import FORMATS, export_entries

    tab, _ = page
    tab.goto(f"{base_url}/health/")
    with tab.expect_download() as info:
        tab.click(f".citekb-downloads a:text-is('{label}')")
    download = info.value
    assert download.suggested_filename == f"health.{suffix}"
    text = Path(download.path()).read_text(encoding="utf-8")
    library = load_project(SITES / "basic").library
    works = [library.get(k) for k in ("nasem2020", "holtlunstad2015", "bowlby1969")]
    fmt = next(f for f, s in FORMATS.items() if s == f".{suffix}")
    assert text == export_entries([w for w in works if w is not None], fmt)
