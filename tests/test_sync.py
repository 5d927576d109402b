"""plan_sync as a table: what gets uploaded, why, in which order, and what is deleted."""

from __future__ import annotations

import pytest

from publisher.config.values import DEFAULT_CACHE_CONTROL
from publisher.publish.plan import plan_sync
from publisher.storage.base import FileState
from publisher.storage.headers import cache_kind, headers_for

HTML = ("text/html; charset=utf-8", "public, max-age=300")


def state(size: int, sha: str | None, headers: tuple[str, str] = HTML) -> FileState:
    return FileState(size, sha, *headers)


@pytest.mark.parametrize(
    ("local", "remote", "prune", "uploads", "deletes"),
    [
        ({"a.html": state(1, "x")}, {}, False, [("a.html", "new")], []),
        ({"a.html": state(1, "x")}, {"a.html": state(1, "x")}, False, [], []),
        ({"a.html": state(1, "y")}, {"a.html": state(1, "x")}, False, [("a.html", "changed")], []),
        ({"a.html": state(2, "x")}, {"a.html": state(1, "x")}, False, [("a.html", "changed")], []),
        (
            {"a.html": state(1, "x", ("text/html; charset=utf-8", "no-cache"))},
            {"a.html": state(1, "x")},
            False,
            [("a.html", "headers changed")],
            [],
        ),
        (
            {"a.html": state(1, "x")},
            {"a.html": state(1, None)},
            False,
            [("a.html", "not verifiable")],
            [],
        ),
        ({}, {"old.html": state(1, "x")}, False, [], []),
        ({}, {"old.html": state(1, "x")}, True, [], ["old.html"]),
    ],
)
def test_plan_table(
    local: dict[str, FileState],
    remote: dict[str, FileState],
    prune: bool,
    uploads: list[tuple[str, str]],
    deletes: list[str],
) -> None:
    plan = plan_sync(local, remote, prune)
    assert [(u.path, u.reason) for u in plan.uploads] == uploads
    assert list(plan.deletes) == deletes
    assert plan.unchanged == len(local) - len(uploads)


def test_upload_order_is_media_then_pages_then_feeds() -> None:
    paths = ["feed.xml", "index.html", "sitemap.xml", "episodes/a/a.mp3", "articles/feed.xml",
             "static/style.1.css", "episodes/a/index.html", "robots.txt",
             "episodes/a/transcript.vtt"]  # fmt: skip
    plan = plan_sync({p: state(1, "x") for p in paths}, {})
    assert [u.path for u in plan.uploads] == [
        "episodes/a/a.mp3", "episodes/a/transcript.vtt", "static/style.1.css",
        "episodes/a/index.html", "index.html", "robots.txt",
        "sitemap.xml", "articles/feed.xml", "feed.xml",
    ]  # fmt: skip
    assert [u.phase for u in plan.uploads][-3:] == ["feeds"] * 3


@pytest.mark.parametrize(
    ("path", "content_type", "kind"),
    [
        ("feed.xml", "application/rss+xml; charset=utf-8", "feeds"),
        ("articles/feed.xml", "application/atom+xml; charset=utf-8", "feeds"),
        ("episodes/a/a.mp3", "audio/mpeg", "audio"),
        ("episodes/a/a.m4a", "audio/x-m4a", "audio"),
        ("episodes/a/transcript.vtt", "text/vtt", "media"),
        ("episodes/a/transcript.srt", "application/x-subrip", "media"),
        ("episodes/a/chapters.json", "application/json+chapters", "media"),
        ("static/artwork.0a1b.jpg", "image/jpeg", "assets"),
        ("static/style.0a1b.css", "text/css; charset=utf-8", "assets"),
        ("index.html", "text/html; charset=utf-8", "html"),
        ("sitemap.xml", "application/xml", "other"),
        ("robots.txt", "text/plain; charset=utf-8", "other"),
    ],
)
def test_headers_come_from_our_table(path: str, content_type: str, kind: str) -> None:
    headers = headers_for(path, {})
    assert headers.content_type == content_type
    assert cache_kind(path) == kind
    assert headers.cache_control == DEFAULT_CACHE_CONTROL[kind]


def test_site_overrides_cache_control() -> None:
    assert headers_for("index.html", {"html": "no-cache"}).cache_control == "no-cache"
    assert headers_for("feed.xml", {"html": "no-cache"}).cache_control == "public, max-age=300"
