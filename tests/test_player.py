"""The episode player in Chromium: skip, speed, chapters, remembered position, transcript,
the subscribe buttons, and both colour schemes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Browser, Page

from publisher.dates import parse_now
from tests.browser import preview_server, serious_violations
from tests.conftest import build_site, copy_sample_site
from tests.htmlcheck import html_errors

NOW = "2026-11-27T12:00"
EPISODE = "episodes/unloading-and-healing/"
LINKS = """
[podcast.links]
apple = "https://podcasts.apple.com/gb/podcast/back-to-basics/id1"
spotify = "https://open.spotify.com/show/backtobasics"
overcast = "https://overcast.fm/itunes1"
pocket_casts = "https://pca.st/backtobasics"
youtube = "https://www.youtube.com/@backtobasics"
antennapod = "https://antennapod.org/deeplink/subscribe?url=x"
podcast_addict = "https://podcastaddict.com/podcast/backtobasics"
castbox = "https://castbox.fm/channel/backtobasics"
amazon = "https://music.amazon.com/podcasts/backtobasics"
"""


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site with every directory link set."""
    root = copy_sample_site(tmp_path_factory.mktemp("linked") / "site")
    with (root / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write(LINKS)
    return root


@pytest.fixture(scope="module")
def site_url(linked_site: Path) -> Iterator[str]:
    with preview_server(linked_site, NOW) as url:
        yield url


def open_page(
    browser: Browser, url: str, scheme: Literal["light", "dark"] = "light"
) -> Iterator[Page]:
    context = browser.new_context(color_scheme=scheme)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page = context.new_page()
    page.goto(url + EPISODE)
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, site_url: str) -> Iterator[Page]:
    yield from open_page(browser, site_url)


def current_time(page: Page) -> float:
    return float(page.eval_on_selector("audio", "a => a.currentTime"))


def seek_to(page: Page, seconds: float) -> None:
    page.eval_on_selector(
        "audio",
        "(a, t) => new Promise(r => { a.addEventListener('seeked', r, {once: true}); "
        "a.currentTime = t; })",
        seconds,
    )


def test_the_controls_are_shown_labelled_and_reachable_by_keyboard(page: Page) -> None:
    assert page.is_visible(".player-controls")
    assert page.get_by_role("button", name="Back 15 s").is_visible()
    assert page.get_by_role("button", name="Forward 30 s").is_visible()
    assert page.get_by_label("Speed").is_visible()
    seek_to(page, 3)
    page.focus(".player figcaption a")  # then back, with the keyboard, to the controls
    names = []
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
        names.append(page.evaluate("document.activeElement.textContent.trim()"))
        if names[-1] == "Back 15 s":
            break
    assert names[-1] == "Back 15 s", names
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('audio').currentTime === 0")


def test_skip_buttons_move_the_playhead(page: Page) -> None:
    seek_to(page, 3)
    page.get_by_role("button", name="Back 15 s").click()
    page.wait_for_function("document.querySelector('audio').currentTime === 0")
    page.get_by_role("button", name="Forward 30 s").click()  # the episode is 5.6 s long
    duration = page.eval_on_selector("audio", "a => a.duration")
    page.wait_for_function(f"document.querySelector('audio').currentTime >= {duration} - 0.1")


def test_speed_control_sets_the_playback_rate_and_is_remembered(page: Page) -> None:
    for rate in ("2", "0.8", "1.5"):
        page.get_by_label("Speed").select_option(rate)
        assert page.eval_on_selector("audio", "a => a.playbackRate") == float(rate)
    page.reload()
    page.wait_for_function("document.querySelector('audio').playbackRate === 1.5")
    assert page.get_by_label("Speed").input_value() == "1.5"


def test_a_chapter_click_seeks_and_marks_the_current_chapter(page: Page) -> None:
    page.click(".chapters a.seek >> nth=1")
    page.wait_for_function("Math.abs(document.querySelector('audio').currentTime - 1.5) < 0.3")
    assert page.url.endswith("/" + EPISODE)
    page.wait_for_selector(".chapters a[aria-current='true']")
    current = page.locator(".chapters a[aria-current]")
    assert current.count() == 1
    assert current.get_attribute("data-start") == "1.5"
    seek_to(page, 0.5)
    page.wait_for_function(
        "document.querySelector('.chapters a[aria-current]').dataset.start === '0.0'"
    )


def test_the_position_survives_a_reload(page: Page) -> None:
    seek_to(page, 3.2)
    page.eval_on_selector("audio", "a => a.pause()")
    page.reload()
    page.wait_for_function("Math.abs(document.querySelector('audio').currentTime - 3.2) < 0.2")
    page.get_by_role("button", name="Back 15 s").click()  # back at the start: nothing to keep
    page.wait_for_function("document.querySelector('audio').currentTime === 0")
    page.reload()
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    page.wait_for_timeout(300)
    assert current_time(page) == 0


def test_the_transcript_follows_the_playhead_and_seeks(page: Page) -> None:
    page.click(".transcript summary")
    seek_to(page, 3)
    page.wait_for_selector(".transcript .cue.current")
    cues = page.locator(".transcript .cue")
    assert cues.nth(1).get_attribute("class") == "cue current"
    assert cues.nth(0).get_attribute("class") == "cue"
    cues.nth(0).click()
    page.wait_for_function("document.querySelector('audio').currentTime < 1.5")
    page.wait_for_function(
        "document.querySelector('.transcript .cue.current') === "
        "document.querySelector('.transcript .cue')"
    )


def test_subscribe_buttons_have_icons_and_copy_the_feed_address(page: Page) -> None:
    apps = page.locator(".subscribe .app")
    assert apps.count() == 10  # nine directories and the RSS feed
    assert apps.locator("svg.icon").count() == 10
    assert apps.first.inner_text() == "Apple Podcasts"
    page.get_by_role("button", name="Copy feed address").click()
    page.wait_for_function("document.querySelector('.copy-status').textContent === 'Copied.'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "https://backtobasics.example.org/feed.xml"


def test_without_javascript_the_audio_and_links_still_work(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + EPISODE)
    assert page.is_visible("audio[controls]")
    assert not page.is_visible(".player-controls")
    assert not page.is_visible(".copy-feed")
    assert page.is_visible(".subscribe a.feed-url")
    href = page.get_attribute(".chapters a.seek >> nth=1", "href") or ""
    assert href.endswith(".mp3#t=1.5")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", EPISODE, "articles/rehab-at-home/"])
def test_no_serious_accessibility_violations_in_either_scheme(
    browser: Browser, site_url: str, scheme: Literal["light", "dark"], path: str
) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + path)
    if path == EPISODE:
        page.click(".transcript summary")
        seek_to(page, 3)  # a highlighted cue and chapter
        page.wait_for_selector(".transcript .cue.current")
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")
    assert serious_violations(page) == []
    context.close()


def test_the_site_with_directory_links_is_valid_html(linked_site: Path, tmp_path: Path) -> None:
    out = build_site(linked_site, tmp_path / "out", parse_now(NOW))
    assert html_errors(out) == []


def test_without_directory_links_the_subscribe_block_is_as_before(sample_build: Path) -> None:
    html = (sample_build / "index.html").read_text(encoding="utf-8")
    block = html[html.index('<aside class="subscribe"') : html.index("</aside>")]
    assert 'class="apps"' in block and '<a href="/feed.xml">RSS feed</a>' in block
    assert "app-buttons" not in block and "copy-feed" not in block and "<svg" not in block
