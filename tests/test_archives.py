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
        assert first.count('<h3><a href="/articles/') == count - highest * 5, count
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
