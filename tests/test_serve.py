"""``publisher serve`` previews the site over HTTP and rebuilds after an edit."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from publisher.dates import parse_now
from publisher.serve import Preview
from tests.browser import preview_server
from tests.conftest import SiteFactory


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture
def preview(small_site: SiteFactory) -> Iterator[tuple[str, SiteFactory]]:
    with preview_server(small_site.root, "2026-01-10") as url:
        yield url, small_site


def test_serve_rebuilds_after_an_edit(preview: tuple[str, SiteFactory]) -> None:
    url, site = preview
    status, page = fetch(url + "articles/more/")
    assert status == 200 and "Article text." in page
    site.article("2026-01-06-more", "title: More on walking\ndate: 2026-01-06", "Freshly edited.\n")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if "Freshly edited." in fetch(url + "articles/more/")[1]:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the preview did not rebuild within 15 s")


def test_serve_answers_404_with_the_site_page(preview: tuple[str, SiteFactory]) -> None:
    url, _ = preview
    status, page = fetch(url + "no-such-page/")
    assert status == 404
    assert "Page not found" in page


def test_serve_hides_scheduled_items_without_drafts(preview: tuple[str, SiteFactory]) -> None:
    url, _ = preview
    assert fetch(url + "episodes/future/")[0] == 404
    assert "FUTUREMARKER" not in fetch(url + "feed.xml")[1]


def test_serve_answers_byte_ranges_for_audio(preview: tuple[str, SiteFactory]) -> None:
    url, _ = preview
    with urllib.request.urlopen(url + "episodes/first/first.mp3", timeout=5) as response:
        whole = response.read()
    request = urllib.request.Request(
        url + "episodes/first/first.mp3", headers={"Range": "bytes=0-9"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 206
        assert response.headers["Content-Type"] == "audio/mpeg"
        assert response.headers["Content-Range"] == f"bytes 0-9/{len(whole)}"
        assert response.read() == whole[:10]
    request = urllib.request.Request(
        url + "episodes/first/first.mp3", headers={"Range": "bytes=-4"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.read() == whole[-4:]


def test_serve_pages_reload_after_a_rebuild(preview: tuple[str, SiteFactory]) -> None:
    url, _ = preview
    _, page = fetch(url)
    assert "/__publisher/version" in page
    origin = url.rstrip("/")  # the site is served at the root here
    _, version = fetch(origin + "/__publisher/version")
    assert version.strip() == "1"  # one build so far


def test_an_edit_made_while_the_preview_starts_is_not_missed(small_site: SiteFactory) -> None:
    preview = Preview(small_site.root, 0, lambda: parse_now("2026-01-10"))
    try:
        # The edit lands after the first build but before the watcher's first look.
        small_site.article("2026-01-06-more", "title: More\ndate: 2026-01-06", "Edited early.\n")
        watcher = threading.Thread(target=preview.watch, daemon=True)
        watcher.start()
        deadline = time.monotonic() + 10
        while preview.version < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert preview.version == 2
        assert "Edited early." in (preview.out / "articles/more/index.html").read_text()
    finally:
        preview.close()
