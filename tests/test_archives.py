"""Archive pages that stay put: a weekly release changes the first page, not every page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import NOW, SiteFactory, build_site, tree_bytes

DAY = dt.timedelta(days=1)


def with_page_size(site: SiteFactory, size: int) -> SiteFactory:
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text().replace("[site]", f"[site]\npage_size = {size}"))
    return site


def numbered(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if "/page/" in path}


def sitemap_dates(files: dict[str, bytes]) -> dict[str, str]:
    text = files["sitemap.xml"].decode()
    return dict(re.findall(r"<loc>(\S+)</loc>\s*<lastmod>(\S+)</lastmod>", text))


def test_numbered_pages_stay_the_same_when_newer_articles_arrive(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = with_page_size(make_site(), 5)
    start = dt.datetime(2026, 1, 1, 12, tzinfo=NOW.tzinfo)
    for n in range(1, 24):
        day = (start + (n - 1) * DAY).date().isoformat()
        site.article(f"{day}-a{n}", f"title: Number {n}\ndate: {day}")
    out = tmp_path / "out"
    before = tree_bytes(build_site(site.root, out, now=start + 8 * DAY))  # nine articles
    for count in range(10, 24):
        after = tree_bytes(build_site(site.root, out, now=start + (count - 1) * DAY))
        highest = max(0, count // 5 - 1)
        assert len(numbered(after)) == highest, count
        new_page = count % 5 == 0
        for path, data in numbered(before).items():
            if new_page and path == f"articles/page/{highest - 1}/index.html":
                # Only its "newer" link moves from the first page to the page just made.
                newer = f'href="/articles/page/{highest}/" rel="prev"'
                expected = data.decode().replace('href="/articles/" rel="prev"', newer)
                assert after[path].decode() == expected != data.decode(), count
            else:
                assert after[path] == data, (count, path)
        stable = {url for url in sitemap_dates(before) if "/page/" in url}
        assert {u: sitemap_dates(after)[u] for u in stable} == {
            u: sitemap_dates(before)[u] for u in stable
        }, count
        first = after["articles/index.html"].decode()
        assert first.count('<h2><a href="/articles/') == count - highest * 5, count
        before = after


@pytest.mark.parametrize("count", [0, 5, 9])
def test_short_archives_have_only_the_first_page(
    make_site: Callable[..., SiteFactory], tmp_path: Path, count: int
) -> None:
    site = with_page_size(make_site(), 5)
    for n in range(1, count + 1):
        site.article(f"2026-01-{n:02d}-a{n}", f"title: Number {n}\ndate: 2026-01-{n:02d}")
    files = tree_bytes(build_site(site.root, tmp_path / "out"))
    assert not numbered(files)
    first = files["articles/index.html"].decode()
    assert ('class="pagination"' in first) is False
    assert ("No articles yet." in first) is (count == 0)
    assert all(f"Number {n}<" in first for n in range(1, count + 1))
    assert "No episodes yet." in files["episodes/index.html"].decode()
    assert "<loc>https://example.org/articles/</loc>" in files["sitemap.xml"].decode()


def weekly_site(site: SiteFactory, count: int) -> dt.datetime:
    """``count`` weekly episodes, each with a tagged companion article; the last release."""
    first = dt.datetime(2022, 1, 2, 6, tzinfo=NOW.tzinfo)  # a Sunday
    topics = ("sleep", "posture", "exercise", "stress", "work")
    for n in range(1, count + 1):
        day = (first + (n - 1) * 7 * DAY).date().isoformat()
        tags = f"[{topics[n % 5]}, {topics[(n + 2) % 5]}]"
        site.episode(f"e{n}", f"title: Episode {n}\ndate: {day}\nnumber: {n}\narticle: e{n}")
        site.article(f"{day}-e{n}", f"title: Notes on {n}\ndate: {day}\ntags: {tags}")
    return first + (count - 1) * 7 * DAY


def changed_by_release(site: SiteFactory, out: Path, release: dt.datetime) -> list[str]:
    """Output files added, removed or changed between the days before and after ``release``
    (a made image by its name without the content hash: ``static/images/a-share.*.jpg``)."""
    before = tree_bytes(build_site(site.root, out, now=release - 6 * DAY))
    after = tree_bytes(build_site(site.root, out, now=release + DAY))
    return sorted(
        re.sub(r"^(static/images/[^.]+)\.[0-9a-f]+\.", r"\1.*.", path)
        for path in before.keys() | after.keys()
        if before.get(path) != after.get(path)
    )


BASE = {
    "index.html",
    "feed.xml",
    "articles/feed.xml",
    "sitemap.xml",
    "search/index.json",
    "tags/index.html",
    "articles/index.html",
    "episodes/index.html",
}


def test_a_weekly_release_changes_few_files(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    release = weekly_site(site, 201)
    changed = changed_by_release(site, tmp_path / "out", release)
    assert set(changed) == BASE | {
        "episodes/e201/index.html",
        "episodes/e201/e201.mp3",
        "static/images/e201-share.*.jpg",  # its share image
        "articles/e201/index.html",
        "tags/posture/index.html",  # the new article's two topics
        "tags/stress/index.html",
    }
    assert len(changed) <= 15


def test_a_release_that_fills_a_page_adds_one_page_per_archive(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    """The 200th item of an archive of page size 20 starts page 9; page 8 links to it."""
    site = make_site()
    release = weekly_site(site, 200)
    changed = changed_by_release(site, tmp_path / "out", release)
    assert set(changed) == BASE | {
        "episodes/e200/index.html",
        "episodes/e200/e200.mp3",
        "static/images/e200-share.*.jpg",
        "articles/e200/index.html",
        "tags/sleep/index.html",
        "tags/exercise/index.html",
        "articles/page/9/index.html",  # new
        "episodes/page/9/index.html",  # new
        "articles/page/8/index.html",  # its "newer" link now goes to page 9
        "episodes/page/8/index.html",
    }
