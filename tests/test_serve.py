"""``publisher serve`` previews the site over HTTP and rebuilds after an edit."""

from __future__ import annotations

import html
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

import publisher
from publisher.dates import parse_now
from publisher.files import CHUNK as CHUNK_BYTES
from publisher.locks import site_lock
from publisher.output.tree import Spliced
from publisher.preview.handler import PROBLEMS_ID, span_chunks
from publisher.preview.live import LiveSite
from publisher.preview.server import Preview
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


def wait_for(check: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"the preview did not {what} within {seconds:.0f} s")
        time.sleep(0.05)


def start_preview(site: SiteFactory) -> Preview:
    return Preview(site.root, 0, lambda: parse_now("2026-01-10"))


def start_watching(preview: Preview) -> threading.Thread:
    preview.watcher = threading.Thread(target=preview.watch, daemon=True)
    preview.watcher.start()
    return preview.watcher


@contextmanager
def watching(site: SiteFactory) -> Iterator[Preview]:
    """A preview of ``site`` (no HTTP server) whose watcher has had its first look."""
    preview = start_preview(site)
    watcher = start_watching(preview)
    try:
        wait_for(lambda: preview.looks >= 1, "start watching")
        yield preview
    finally:
        preview.close()
    assert not watcher.is_alive()  # closing the preview stops its watcher


def settle(preview: Preview) -> None:
    """Wait until the watcher has finished what it was doing and looked twice more: any event
    from before this call has then been seen."""
    looked = preview.looks
    wait_for(lambda: preview.looks >= looked + 3, "look again")


def test_an_edit_made_while_the_preview_starts_is_not_missed(small_site: SiteFactory) -> None:
    preview = start_preview(small_site)
    try:
        # The edit lands after the first build but before the watcher starts (sees no event).
        small_site.article("2026-01-06-more", "title: More\ndate: 2026-01-06", "Edited early.\n")
        start_watching(preview)
        wait_for(lambda: preview.version >= 2, "rebuild")
        settle(preview)
        assert (preview.builds, preview.version) == (2, 2)  # once, not once per way of noticing
        assert "Edited early." in preview.tree.read("articles/more/index.html").decode()
    finally:
        preview.close()


def test_a_burst_of_saves_is_one_rebuild(small_site: SiteFactory) -> None:
    with watching(small_site) as preview:
        assert preview.builds == 1
        for day in range(1, 6):
            name = f"2026-01-0{day}-burst-{day}"
            small_site.article(name, f"title: Burst {day}\ndate: 2026-01-0{day}", f"Burst {day}.\n")
        wait_for(lambda: preview.version >= 2, "rebuild")
        settle(preview)
        assert (preview.builds, preview.version) == (2, 2)
        assert preview.changed == tuple(f"articles/2026-01-0{d}-burst-{d}.md" for d in range(1, 6))
        for day in range(1, 6):
            page = preview.tree.read(f"articles/burst-{day}/index.html").decode()
            assert f"Burst {day}." in page


def test_changes_in_output_cache_and_swap_files_rebuild_nothing(small_site: SiteFactory) -> None:
    with watching(small_site) as preview:
        for folder in ("_site", ".publisher-cache", "_publish", ".git"):
            small_site.write(f"{folder}/articles/more/index.html", "<p>not a source</p>\n")
        small_site.write("articles/.2026-01-06-more.md.swp", "swap")
        small_site.write("articles/2026-01-06-more.md~", "backup")
        small_site.write("articles/.#2026-01-06-more.md", "lock")
        settle(preview)
        assert preview.builds == 1
        # A real save still rebuilds, and only it counts as the change.
        small_site.article("2026-01-06-more", "title: More\ndate: 2026-01-06", "Saved.\n")
        wait_for(lambda: preview.version >= 2, "rebuild")
        assert preview.builds == 2
        assert preview.changed == ("articles/2026-01-06-more.md",)


def test_a_failed_rebuild_shows_its_problems_until_an_edit_fixes_them(
    preview: tuple[str, SiteFactory],
) -> None:
    url, site = preview
    assert PROBLEMS_ID not in fetch(url + "articles/more/")[1]
    broken = site.article("2026-01-06-more", "title: More on walking\ndate: 2026-02-30", "New.\n")
    problem = (
        f"{broken}:3: error: date: '2026-02-30' is not a real date: February 2026 has 28 days; "
        "write YYYY-MM-DD"
    )
    # (The watcher may also catch the file half-written: wait for the whole edit's problem.)
    shown = f"<li>{html.escape(problem)}</li>"
    wait_for(lambda: shown in fetch(url + "articles/more/")[1], "show the problem")
    status, page = fetch(url + "articles/more/")
    assert status == 200 and PROBLEMS_ID in page
    assert "Article text." in page and "New." not in page  # the last good build
    assert html.escape(problem) in fetch(url)[1]  # on every page
    assert html.escape(problem) in fetch(url + "no-such-page/")[1]
    assert PROBLEMS_ID not in fetch(url + "feed.xml")[1]  # not in feeds
    assert fetch(url.rstrip("/") + "/__publisher/version")[1].startswith("1-failed-")

    site.article("2026-01-06-more", "title: More on walking\ndate: 2026-01-06", "Fixed again.\n")
    wait_for(lambda: fetch(url.rstrip("/") + "/__publisher/version")[1] == "2", "rebuild")
    assert "Fixed again." in fetch(url + "articles/more/")[1]
    assert PROBLEMS_ID not in fetch(url + "articles/more/")[1]
    assert PROBLEMS_ID not in fetch(url)[1]


def test_a_site_that_never_built_shows_its_problems(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    broken = site.article("2026-01-06-a", "title: A\ndate: 2026-13-06")
    with preview_server(site.root, "2026-01-10") as url:
        status, page = fetch(url)
        assert status == 404
        assert PROBLEMS_ID in page
        assert html.escape(f"{broken}:3: error: date: '2026-13-06' is not a real date: ") in page
        site.article("2026-01-06-a", "title: A\ndate: 2026-01-06", "Now it builds.\n")
        wait_for(lambda: fetch(url.rstrip("/") + "/__publisher/version")[1] == "1", "rebuild")
        assert "Now it builds." in fetch(url + "articles/a/")[1]
        assert PROBLEMS_ID not in fetch(url)[1]


def test_the_watcher_survives_a_bug_in_a_rebuild(
    small_site: SiteFactory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls = 0
    patch = LiveSite.patch

    def patch_with_a_bug(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:  # the first rebuild after the first build
            raise KeyError("surprise")
        return patch(*args, **kwargs)

    monkeypatch.setattr(LiveSite, "patch", patch_with_a_bug)
    with watching(small_site) as preview:
        small_site.article("2026-01-06-more", "title: More\ndate: 2026-01-06", "First try.\n")
        wait_for(lambda: bool(preview.problems), "record the failure")
        assert preview.problems == ("internal error, a bug in publisher: KeyError: 'surprise'",)
        assert preview.version == 1
        crash = [r for r in caplog.records if r.exc_info is not None]
        assert len(crash) == 1 and "bug in publisher" in crash[0].getMessage()
        small_site.article("2026-01-06-more", "title: More\ndate: 2026-01-06", "Second try.\n")
        wait_for(lambda: preview.version >= 2, "rebuild after the bug")
        assert "Second try." in preview.tree.read("articles/more/index.html").decode()
        assert preview.watcher is not None and preview.watcher.is_alive()
        assert (preview.builds, preview.version) == (3, 2)
        assert len(preview.problems) == 0


def test_a_rebuild_waits_for_a_build_holding_the_site(
    small_site: SiteFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="publisher.preview")  # whatever earlier tests set
    with watching(small_site) as preview:
        with site_lock(small_site.root):  # a new article: the whole site is loaded again
            small_site.article("2026-01-07-waiting", "title: Waiting\ndate: 2026-01-07", "Later.\n")
            wait_for(lambda: preview.refusals >= 3, "try again while the site is busy")
            assert preview.pending
            assert (preview.builds, preview.version, preview.problems) == (1, 1, ())
        wait_for(lambda: preview.version >= 2, "rebuild once the other build finished")
        assert "Later." in preview.tree.read("articles/waiting/index.html").decode()
        assert (preview.builds, preview.version, preview.problems) == (2, 2, ())
        busy = [r for r in caplog.records if "another build or publish" in r.getMessage()]
        assert len(busy) == 1  # said once, not at every look


def fetch_bytes(
    url: str, byte_range: str | None, method: str = "GET"
) -> tuple[int, Message, bytes]:
    headers = {"Range": byte_range} if byte_range else {}
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_byte_ranges_of_a_large_file_are_read_from_disk(small_site: SiteFactory) -> None:
    preview = start_preview(small_site)
    server = threading.Thread(target=preview.server.serve_forever, daemon=True)
    server.start()
    try:
        audio = small_site.root / "long.bin"  # served as it is on disk, piece by piece
        audio.write_bytes(random.Random(7).randbytes(3 * CHUNK_BYTES + 12345))
        preview.tree.files["episodes/first/long.mp3"] = audio
        whole, size = audio.read_bytes(), audio.stat().st_size
        url = preview.url + "episodes/first/long.mp3"
        middle = (CHUNK_BYTES - 10, 2 * CHUNK_BYTES + 10)  # across two chunk boundaries
        expected = {
            f"bytes={middle[0]}-{middle[1]}": (middle[0], middle[1]),
            "bytes=-500": (size - 500, size - 1),
            f"bytes={size - CHUNK_BYTES - 3}-": (size - CHUNK_BYTES - 3, size - 1),
            "bytes=100-99999999": (100, size - 1),
        }
        for asked, (first, last) in expected.items():
            status, headers, body = fetch_bytes(url, asked)
            assert status == 206, asked
            assert headers["Content-Range"] == f"bytes {first}-{last}/{size}"
            assert headers["Content-Length"] == str(last - first + 1)
            assert headers["Content-Type"] == "audio/mpeg"
            assert body == whole[first : last + 1]
        status, headers, body = fetch_bytes(url, f"bytes={size}-")
        assert (status, headers["Content-Range"], body) == (416, f"bytes */{size}", b"")
        status, headers, body = fetch_bytes(url, "bytes=-500", method="HEAD")
        assert (status, headers["Content-Length"], body) == (206, "500", b"")
        status, headers, body = fetch_bytes(url, None)
        assert (status, headers["Content-Length"], body) == (200, str(size), whole)
    finally:
        preview.server.shutdown()
        preview.close()
        server.join(timeout=5)


def test_a_saved_article_is_taken_in_alone_and_only_its_page_is_made_again(
    small_site: SiteFactory,
) -> None:
    with watching(small_site) as preview:
        live = preview.live
        # Pages are made when asked for; the home page at once, to find template mistakes.
        assert (live.loads, live.patches, live.pages_rendered) == (1, 0, 1)
        before = {
            p: preview.tree.read(p + "index.html") for p in ("articles/more/", "episodes/second/")
        }
        assert live.pages_rendered == 3
        front = "title: More on walking\ndate: 2026-01-06\ntags: [walking]"
        small_site.article("2026-01-06-more", front, "Saved.\n")
        wait_for(lambda: preview.version >= 2, "take in the save")
        assert (live.loads, live.patches) == (1, 1)  # no whole-site load
        assert b"Saved." in preview.tree.read("articles/more/index.html")
        assert preview.tree.read("episodes/second/index.html") == before["episodes/second/"]
        assert live.pages_rendered == 4  # the edited page only; the episode's page was kept
        assert b"Saved." in preview.tree.read("search/index.json")  # feeds and index follow too
        # Without its tag, the article leaves the tag's page.
        assert b"More on walking" in preview.tree.read("tags/walking/index.html")
        small_site.article("2026-01-06-more", front.replace("tags: [walking]", ""), "Saved.\n")
        wait_for(lambda: preview.version >= 3, "take in the save")
        assert (live.loads, live.patches) == (1, 2)
        assert b"More on walking" not in preview.tree.read("tags/walking/index.html")
        # A new date moves the article in every list: the whole site is loaded again.
        small_site.article(
            "2026-01-06-more", "title: More on walking\ndate: 2026-01-05", "Moved.\n"
        )
        wait_for(lambda: preview.version >= 4, "load again")
        assert (live.loads, live.patches) == (2, 2)
        assert b"Moved." in preview.tree.read("articles/more/index.html")


def test_an_open_page_hears_of_a_change_as_soon_as_it_is_made(small_site: SiteFactory) -> None:
    with watching(small_site) as preview:
        assert preview.wait_for_change("0", 10) == "1"  # differs already: no wait
        heard: list[str] = []
        waiter = threading.Thread(target=lambda: heard.append(preview.wait_for_change("1", 30)))
        waiter.start()
        small_site.article("2026-01-06-more", "title: More on walking\ndate: 2026-01-06", "Now.\n")
        waiter.join(timeout=15)
        assert heard == ["2"]
    assert preview.wait_for_change("2", 30) == "2"  # a closed preview answers at once


def test_ranges_of_tagged_audio_cross_from_the_new_tag_into_the_file(tmp_path: Path) -> None:
    source = tmp_path / "audio.mp3"
    source.write_bytes(bytes(range(100)))
    spliced = Spliced(b"TAGTAG", source, 10, 60)  # the new tag, then bytes 10-59 of the file
    whole = b"TAGTAG" + bytes(range(10, 60))
    for span in (range(0, 56), range(2, 9), range(4, 30), range(6, 56), range(50, 56)):
        assert b"".join(span_chunks(spliced, span)) == whole[span.start : span.stop]


def test_a_template_that_fails_while_a_page_is_made_answers_with_the_problem(
    small_site: SiteFactory,
) -> None:
    theme = Path(publisher.__file__).parent.parent / "templates"  # the packaged theme
    article = (theme / "article.html").read_text()
    small_site.write(
        "templates/article.html",
        article.replace("{% block content %}", "{% block content %}{{ 1 // 0 }}", 1),
    )
    small_site.write(
        "templates/404.html",
        "{% extends 'base.html' %}{% block content %}{{ nothing.here }}{% endblock %}",
    )
    preview = start_preview(small_site)
    server = threading.Thread(target=preview.server.serve_forever, daemon=True)
    server.start()
    try:
        status, page = fetch(preview.url + "articles/more/")
        assert status == 500
        assert "internal error" in page and "ZeroDivisionError" in page and PROBLEMS_ID in page
        assert "/__publisher/version" in page  # it reloads once a save fixes it
        status, page = fetch(preview.url + "no-such-page/")
        assert status == 500 and "404.html" in page and PROBLEMS_ID in page
        assert fetch(preview.url + "episodes/first/")[0] == 200  # other pages are made
    finally:
        preview.server.shutdown()
        preview.close()
        server.join(timeout=5)


def test_a_template_syntax_error_fails_the_load_naming_the_file_and_line(
    small_site: SiteFactory,
) -> None:
    broken = small_site.write(
        "templates/tag.html", "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n"
    )
    preview = start_preview(small_site)
    try:
        assert preview.version == 0 and preview.failures == 1
        assert any(f"{broken}:3: error: template error:" in line for line in preview.problems)
    finally:
        preview.close()


def test_saving_a_scheduled_article_keeps_it_out_of_the_preview(small_site: SiteFactory) -> None:
    with watching(small_site) as preview:
        front = "title: FUTUREMARKER article\ndate: 2026-02-01\ntags: [FUTURETAG]\nepisode: future"
        small_site.article("2026-02-01-later", front, "FUTUREBODY, saved again.\n")
        wait_for(lambda: preview.version >= 2, "take in the save")
        assert preview.live.patches == 1  # taken in alone, and still not released
        tree = preview.tree
        assert "articles/later/index.html" not in tree
        served = b"".join(tree.read(path) for path in tree if not path.endswith((".mp3", ".m4a")))
        assert b"FUTURE" not in served
