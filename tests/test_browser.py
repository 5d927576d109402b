"""The site in a real browser: accessibility (axe-core), the player, chapters, weight, search."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mutagen import File as MutagenFile
from playwright.sync_api import Browser, Error, Page, Response

from tests.browser import preview_server, serious_violations
from tests.conftest import SiteFactory

NOW = "2026-11-27T12:00"
PAGE_WEIGHT_LIMIT = 60 * 1024


@pytest.fixture(scope="module")
def site_url(sample_site: Path) -> Iterator[str]:
    with preview_server(sample_site, NOW) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "episodes/unloading-and-healing/",
        "articles/rehab-at-home/",
        "articles/",
        "episodes/",
        "tags/exercise/",
        "search/",
    ],
)
def test_no_serious_accessibility_violations(page: Page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    if path == "search/":
        page.fill("#search-query", "rest")
        page.wait_for_selector(".search-results li")
    assert serious_violations(page) == []


def test_player_loads_the_real_duration(page: Page, site_url: str, sample_build: Path) -> None:
    page.goto(site_url + "episodes/unloading-and-healing/")
    duration = page.eval_on_selector(
        "audio",
        "a => a.readyState >= 1 ? a.duration : new Promise(r => a.addEventListener('loadedmetadata', () => r(a.duration)))",
    )
    real = MutagenFile(
        sample_build / "episodes/unloading-and-healing/unloading-and-healing.mp3"
    ).info.length
    assert abs(duration - real) < 0.5


def test_clicking_a_chapter_seeks_the_player(page: Page, site_url: str) -> None:
    page.goto(site_url + "episodes/unloading-and-healing/")
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    page.click("a.seek >> nth=1")
    page.wait_for_function("Math.abs(document.querySelector('audio').currentTime - 1.5) < 0.3")
    assert page.url.endswith("/episodes/unloading-and-healing/")  # stayed on the page


def test_home_page_is_light_and_makes_no_third_party_requests(page: Page, site_url: str) -> None:
    sizes: dict[str, int] = {}
    hosts: set[str] = set()

    def record(response: Response) -> None:
        hosts.add(urlsplit(response.url).hostname or "")
        if response.request.resource_type in ("document", "stylesheet", "script"):
            sizes[response.url] = len(response.body())

    page.on("response", record)
    page.goto(site_url)
    # "load" waits for the stylesheet, scripts and every image not loaded lazily; not
    # "networkidle": the preview keeps one request open to hear of changes.
    page.wait_for_load_state("load")
    assert hosts == {"127.0.0.1"}
    assert 0 < sum(sizes.values()) < PAGE_WEIGHT_LIMIT, sizes
    assert any(url.endswith(".css") for url in sizes) and any(url.endswith(".js") for url in sizes)


def test_search_finds_released_items(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=healing")
    page.wait_for_selector(".search-results li")
    titles = page.locator(".search-results h2").all_inner_texts()
    assert "Unloading and healing: what rest really does" in titles
    page.fill("#search-query", "sleep")  # only the scheduled episode is about sleep
    page.wait_for_function("document.querySelector('.search-status').textContent === 'No results.'")


def content_unless_reloading(page: Page) -> str:
    """The page's HTML, or "" while it is reloading itself (Playwright refuses then)."""
    try:
        return page.content()
    except Error as err:
        if "navigating" not in err.message:
            raise
        return ""


def test_pages_reload_themselves_after_an_edit(browser: Browser, small_site: SiteFactory) -> None:
    with preview_server(small_site.root, "2026-01-10") as url:
        page = browser.new_page()
        page.goto(url + "articles/more/")
        assert "Article text." in page.content()
        small_site.article(
            "2026-01-06-more", "title: More on walking\ndate: 2026-01-06", "Edited live.\n"
        )
        deadline = time.monotonic() + 15
        while "Edited live." not in content_unless_reloading(page):
            assert time.monotonic() < deadline, "the page did not reload after the rebuild"
            page.wait_for_timeout(200)
        page.close()


@pytest.mark.parametrize(
    ("path", "selector"),
    [("", "img.artwork, .artwork img"), ("episodes/rehab-at-home/", "img.cover, .cover img")],
)
def test_the_artwork_is_visible_and_loaded(
    page: Page, site_url: str, path: str, selector: str
) -> None:
    page.goto(site_url + path)
    image = page.locator(selector).first
    image.scroll_into_view_if_needed()
    image.wait_for(state="visible")
    page.wait_for_function(
        "(s) => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0 }",
        arg=selector,
    )
    box = image.bounding_box()
    assert box is not None and box["width"] >= 100 and box["height"] >= 100
