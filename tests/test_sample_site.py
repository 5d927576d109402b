"""The repository is itself a site: its build is valid HTML and a feed apps accept."""

from __future__ import annotations

from pathlib import Path

import feedparser
from PIL import Image

from publisher.checks.run import check_project
from publisher.dates import parse_now
from tests.htmlcheck import html_errors
from tests.test_feeds import parse_with_gpodder


def test_sample_feed_has_the_released_episodes_only(sample_build: Path) -> None:
    feed = feedparser.parse((sample_build / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert len(feed.entries) == 3
    parsed = parse_with_gpodder((sample_build / "feed.xml").read_bytes())
    assert [e["number"] for e in parsed["episodes"]] == [3, 2, 1]
    assert not (sample_build / "episodes" / "sleep-and-back-pain").exists()
    assert "sleep" not in (sample_build / "sitemap.xml").read_text().lower()


def test_every_sample_episode_has_a_companion_article(sample_build: Path) -> None:
    for page in sorted((sample_build / "episodes").glob("*/index.html")):
        html = page.read_text()
        assert "Read the companion article" in html, page


def test_sample_artwork_is_square_rgb_and_large_enough(sample_build: Path) -> None:
    [artwork] = (sample_build / "static").glob("artwork.*.jpg")
    with Image.open(artwork) as image:
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        assert image.size[0] == image.size[1]
        assert 1400 <= image.size[0] <= 3000


def test_sample_site_checks_clean(sample_site: Path) -> None:
    problems = check_project(sample_site, parse_now("2026-11-27T12:00"), None)
    assert [str(p) for p in problems] == []


def test_every_page_is_valid_html(sample_build: Path) -> None:
    assert html_errors(sample_build) == []
