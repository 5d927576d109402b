"""What the pages tell search engines, social networks and readers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from tests.conftest import NOW, SiteFactory, build_site


def structured_data(page: Path) -> dict[str, Any]:
    tree = lxml_html.fromstring(page.read_bytes())
    [script] = tree.xpath("//script[@type='application/ld+json']/text()")
    data: dict[str, Any] = json.loads(script)
    return data


def meta(page: Path, name: str) -> str:
    tree = lxml_html.fromstring(page.read_bytes())
    values = tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")
    return values[0] if values else ""


def test_structured_data_for_show_episode_and_article(sample_build: Path) -> None:
    home = structured_data(sample_build / "index.html")
    assert home["@type"] == "PodcastSeries"
    assert home["webFeed"] == "https://backtobasics.example.org/feed.xml"
    episode = structured_data(sample_build / "episodes/rehab-at-home/index.html")
    assert episode["@type"] == "PodcastEpisode" and episode["episodeNumber"] == 3
    media = episode["associatedMedia"]
    assert (
        media["contentUrl"]
        == "https://backtobasics.example.org/episodes/rehab-at-home/rehab-at-home.mp3"
    )
    assert media["encodingFormat"] == "audio/mpeg"
    assert re.fullmatch(r"PT\d+S", episode["timeRequired"])
    article = structured_data(sample_build / "articles/rehab-at-home/index.html")
    assert article["@type"] == "Article"
    assert article["headline"] == "Rehabilitation at home: a gentle weekly plan"
    assert article["datePublished"] == "2026-11-22T06:00:00+00:00"


def test_social_cards(sample_build: Path) -> None:
    page = sample_build / "episodes/rehab-at-home/index.html"
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:url") == "https://backtobasics.example.org/episodes/rehab-at-home/"
    share = "https://backtobasics.example.org/static/images/rehab-at-home-share."
    assert meta(page, "og:image").startswith(share)
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "twitter:image") == meta(page, "og:image")
    assert meta(page, "og:audio").endswith("/episodes/rehab-at-home/rehab-at-home.mp3")
    assert meta(page, "twitter:card") == "summary_large_image"
    home = sample_build / "index.html"
    assert meta(home, "og:type") == "website"
    assert meta(home, "og:image").startswith("https://backtobasics.example.org/static/artwork.")
    assert meta(home, "twitter:card") == "summary"
    assert meta(page, "description").startswith("Four movements")


def test_reading_time_toc_and_heading_anchors(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    long_body = "\n\n".join(f"## Part {n}\n\n" + "word " * 200 for n in range(3))
    site.article("2026-01-04-long", "title: Long\ndate: 2026-01-04", long_body)
    site.article("2026-01-05-short", "title: Short\ndate: 2026-01-05", "## Only\n\nA few words.\n")
    out = build_site(site.root, tmp_path / "out")
    long_page = (out / "articles/long/index.html").read_text()
    assert "3 min read" in long_page  # 600 words at 200 a minute
    assert 'aria-label="On this page"' in long_page and 'href="#part-1"' in long_page
    assert '<a class="anchor" href="#part-2" aria-label="Link to this section">#</a>' in long_page
    short_page = (out / "articles/short/index.html").read_text()
    assert "1 min read" in short_page
    assert 'aria-label="On this page"' not in short_page
    feed = (out / "articles/feed.xml").read_text()
    assert "Link to this section" not in feed  # anchors are for the page, not for feeds


def test_archives_are_paginated(make_site: Callable[..., SiteFactory], tmp_path: Path) -> None:
    site = make_site()
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text().replace("[site]", "[site]\npage_size = 5"))
    for day in range(1, 18):
        site.article(f"2026-01-{day:02d}-a{day}", f"title: Number {day}\ndate: 2026-01-{day:02d}")
    out = build_site(site.root, tmp_path / "out", now=NOW.replace(month=2))
    # 17 articles: pages 1 and 2 hold the oldest ten, the first page the newest seven.
    first = (out / "articles/index.html").read_text()
    assert "Number 17" in first and "Number 11<" in first and "Number 10<" not in first
    assert '<a href="/articles/page/2/" rel="next">Older</a>' in first and 'rel="prev"' not in first
    second = (out / "articles/page/2/index.html").read_text()
    assert "Number 10<" in second and "Number 6<" in second and "Number 5<" not in second
    assert "<span>Page 2</span>" in second and "<title>Articles (page 2)" in second
    assert '<a href="/articles/" rel="prev">Newer</a>' in second
    assert '<a href="/articles/page/1/" rel="next">Older</a>' in second
    oldest = (out / "articles/page/1/index.html").read_text()
    assert "Number 1<" in oldest and "Number 5<" in oldest and 'rel="next"' not in oldest
    assert '<a href="/articles/page/2/" rel="prev">Newer</a>' in oldest
    assert '<link rel="canonical" href="https://example.org/articles/page/1/">' in oldest
    assert not (out / "articles/page/3").exists()
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://example.org/articles/page/1/</loc>\n    <lastmod>2026-01-05<" in sitemap


def test_subscribe_links_on_every_page(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    toml = site.root / "site.toml"
    toml.write_text(
        toml.read_text()
        + '\n[podcast.links]\nspotify = "https://open.spotify.com/show/x"\napple = "https://podcasts.apple.com/podcast/id1"\n'
    )
    site.article("2026-01-04-a", "title: A\ndate: 2026-01-04")
    site.episode("ep", "title: E\ndate: 2026-01-04")  # the block is for a podcast
    out = build_site(site.root, tmp_path / "out")
    for page in (
        "index.html",
        "articles/a/index.html",
        "404.html",
        "search/index.html",
        "tags/index.html",
    ):
        text = (out / page).read_text()
        assert "Get the free weekly podcast" in text, page
        apple, spotify = text.index("Apple Podcasts"), text.index("Spotify")
        assert apple < spotify  # a fixed, familiar order
        assert 'href="https://open.spotify.com/show/x"' in text
        assert 'type="application/rss+xml"' in text and 'type="application/atom+xml"' in text


def test_search_index_lists_released_items(small_site: SiteFactory, tmp_path: Path) -> None:
    out = build_site(small_site.root, tmp_path / "out")
    documents = json.loads((out / "search/index.json").read_text())
    assert [(d["kind"], d["title"]) for d in documents] == [
        ("episode", "Second wind"),
        ("article", "More on walking"),
        ("article", "First steps, the article"),  # same day: slug "first-steps" > "first"
        ("episode", "First steps"),
    ]
    assert documents[1]["url"] == "/articles/more/" and documents[1]["tags"] == ["walking"]


def test_related_articles_share_the_most_tags(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.article("2026-01-01-base", "title: Base\ndate: 2026-01-01\ntags: [a, b, c]")
    site.article("2026-01-02-two", "title: Two shared\ndate: 2026-01-02\ntags: [a, b]")
    site.article("2026-01-03-one-old", "title: One shared, older\ndate: 2026-01-03\ntags: [c]")
    site.article("2026-01-04-one-new", "title: One shared, newer\ndate: 2026-01-04\ntags: [a]")
    site.article("2026-01-05-none", "title: Nothing shared\ndate: 2026-01-05\ntags: [z]")
    out = build_site(site.root, tmp_path / "out")
    page = lxml_html.fromstring((out / "articles/base/index.html").read_bytes())
    assert page.xpath("//section[@class='related']//a/text()") == [
        "Two shared",
        "One shared, older",  # the nearest first
        "One shared, newer",
    ]
    page = lxml_html.fromstring((out / "articles/one-new/index.html").read_bytes())
    assert page.xpath("//section[@class='related']//a/text()") == [
        "Two shared",  # both are earlier: the nearest first
        "Base",
    ]
