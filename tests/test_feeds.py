"""The feeds as podcast apps read them: feedparser, gPodder's podcastparser and lxml."""

from __future__ import annotations

import email.utils
import io
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import feedparser
import lxml.html
import podcastparser
import pytest
from lxml import etree
from mutagen import File as MutagenFile

from tests.conftest import NOW, SiteFactory, build_site

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
NS = {"itunes": ITUNES, "podcast": PODCAST, "atom": "http://www.w3.org/2005/Atom"}


def parse_with_gpodder(xml: bytes) -> dict[str, Any]:
    # podcastparser only knows the podcast namespace under its GitHub URL.
    podcastparser.Namespace.NAMESPACES.setdefault(PODCAST, "podcast")
    parsed = podcastparser.parse("https://example.org/feed.xml", io.BytesIO(xml))
    return cast(dict[str, Any], parsed)


@pytest.fixture
def built(small_site: SiteFactory, tmp_path: Path) -> Path:
    return build_site(small_site.root, tmp_path / "out")


def test_feedparser_reads_exactly_the_released_episodes(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert feed.version == "rss20"
    assert [e.title for e in feed.entries] == ["Second wind", "First steps"]
    assert feed.feed.title == "Test Show"
    assert feed.feed.language == "en-gb"


def test_podcastparser_sees_enclosures_that_match_the_files(built: Path) -> None:
    parsed = parse_with_gpodder((built / "feed.xml").read_bytes())
    episodes = parsed["episodes"]
    assert [e["title"] for e in episodes] == ["Second wind", "First steps"]
    for episode, suffix, mime in zip(
        episodes, (".m4a", ".mp3"), ("audio/x-m4a", "audio/mpeg"), strict=True
    ):
        [enclosure] = episode["enclosures"]
        assert enclosure["url"].startswith("https://example.org/episodes/")
        assert enclosure["url"].endswith(suffix)
        assert enclosure["mime_type"] == mime
        local = built / enclosure["url"].removeprefix("https://example.org/")
        assert enclosure["file_size"] == local.stat().st_size > 0
        real_length = MutagenFile(local).info.length
        assert abs(episode["total_time"] - real_length) <= 1
    assert parsed["type"] == "episodic"
    assert parsed["import_prohibited"] is True  # podcast:locked yes


def test_guids_are_unique_and_stable_across_a_title_change(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    before = parse_with_gpodder(
        build_site(small_site.root, tmp_path / "a").joinpath("feed.xml").read_bytes()
    )
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps, renamed\ndate: 2026-01-04\nnumber: 1\n---\nNew notes.\n",
    )
    after = parse_with_gpodder(
        build_site(small_site.root, tmp_path / "b").joinpath("feed.xml").read_bytes()
    )
    guids_before = [e["guid"] for e in before["episodes"]]
    assert len(set(guids_before)) == 2
    assert [e["guid"] for e in after["episodes"]] == guids_before
    assert after["episodes"][1]["title"] == "First steps, renamed"


def test_channel_tags(built: Path) -> None:
    root = etree.parse(str(built / "feed.xml")).getroot()
    channel = root.find("channel")
    assert channel is not None
    self_link = channel.find("atom:link[@rel='self']", NS)
    assert self_link is not None and self_link.get("href") == "https://example.org/feed.xml"
    assert self_link.get("type") == "application/rss+xml"
    assert channel.findtext("link") == "https://example.org/"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    category = channel.find("itunes:category", NS)
    assert category is not None and category.get("text") == "Health & Fitness"
    assert category[0].get("text") == "Medicine"
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == "tess@example.org"
    expected_guid = uuid.uuid5(
        uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "example.org/feed.xml"
    )
    assert channel.findtext("podcast:guid", namespaces=NS) == str(expected_guid)
    locked = channel.find("podcast:locked", NS)
    assert locked is not None and locked.text == "yes" and locked.get("owner") == "tess@example.org"
    # lastBuildDate is the newest episode's date, never the clock.
    newest = channel.find("item").findtext("pubDate")
    assert channel.findtext("lastBuildDate") == newest


def test_item_tags(built: Path) -> None:
    root = etree.parse(str(built / "feed.xml")).getroot()
    second, first = root.findall("channel/item")
    assert second.findtext("pubDate") == "Thu, 08 Jan 2026 18:30:00 +0000"
    assert first.findtext("pubDate") == "Sun, 04 Jan 2026 06:00:00 +0000"
    assert email.utils.parsedate_to_datetime(first.findtext("pubDate") or "").hour == 6
    guid = first.find("guid")
    assert guid is not None and guid.get("isPermaLink") == "false"
    assert first.findtext("itunes:duration", namespaces=NS) == "1"
    assert second.findtext("itunes:duration", namespaces=NS) == "2"
    assert first.findtext("itunes:episode", namespaces=NS) == "1"
    assert first.findtext("podcast:episode", namespaces=NS) == "1"
    assert first.findtext("itunes:episodeType", namespaces=NS) == "full"
    assert "<p>Show notes.</p>" in (
        first.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
    )


def test_article_feed_is_atom_with_released_articles(built: Path) -> None:
    feed = feedparser.parse((built / "articles" / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["More on walking", "First steps, the article"]
    assert feed.entries[0].link == "https://example.org/articles/more/"
    assert feed.feed.updated == "2026-01-06T06:00:00+00:00"


def test_no_podcast_feed_before_the_first_release(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.episode("pilot", "title: Pilot\ndate: 2026-02-01")  # scheduled, not released
    out = build_site(site.root, tmp_path / "out")
    assert not (out / "feed.xml").exists()
    assert feedparser.parse((out / "articles" / "feed.xml").read_bytes()).bozo == 0
    later = build_site(site.root, tmp_path / "later", now=NOW.replace(month=2, day=2))
    feed = feedparser.parse((later / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ["Pilot"]


def test_links_in_show_notes_are_absolute_in_the_feeds(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.episode("ep", "title: T\ndate: 2026-01-04", body="See [the article](/articles/a/).\n")
    site.article("2026-01-04-a", "title: A\ndate: 2026-01-04", body="![diagram](spine.png)\n")
    out = build_site(site.root, tmp_path / "out")
    notes = feedparser.parse((out / "feed.xml").read_bytes()).entries[0].content[0].value
    assert 'href="https://example.org/articles/a/"' in notes
    article = feedparser.parse((out / "articles" / "feed.xml").read_bytes()).entries[0]
    assert 'src="https://example.org/articles/a/spine.png"' in article.content[0].value
    # The page itself keeps the link as the editor wrote it.
    assert 'href="/articles/a/"' in (out / "episodes" / "ep" / "index.html").read_text()


def test_article_feed_keeps_the_latest_twenty(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    for day in range(1, 26):
        site.article(f"2026-01-{day:02d}-a{day}", f"title: A{day}\ndate: 2026-01-{day:02d}")
    out = build_site(site.root, tmp_path / "out", now=NOW.replace(month=2))
    feed = feedparser.parse((out / "articles" / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == [f"A{day}" for day in range(25, 5, -1)]
    assert len(list((out / "articles").glob("*/index.html"))) == 25


def _content_urls(html: str) -> list[str]:
    """Every URL an app would follow in a feed item's HTML, as lxml's HTML parser sees it."""
    found: list[str] = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        for name in ("href", "src", "poster"):
            if element.get(name) is not None:
                found.append(element.get(name))
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                found.append(candidate.split()[0])
    return found


def test_no_relative_link_in_either_feed_of_the_sample_site(sample_build: Path) -> None:
    podcast = etree.parse(str(sample_build / "feed.xml")).getroot()
    atom = etree.parse(str(sample_build / "articles" / "feed.xml")).getroot()
    contents = {
        item.findtext("link") or "": item.findtext(CONTENT_ENCODED) or ""
        for item in podcast.iter("item")
    }
    for entry in atom.iter(f"{{{ATOM}}}entry"):
        page = entry.find(f"{{{ATOM}}}link")
        assert page is not None
        contents[page.get("href", "")] = entry.findtext(f"{{{ATOM}}}content") or ""
    urls = {page: _content_urls(html) for page, html in contents.items()}
    for page, found in urls.items():
        assert page.startswith("https://backtobasics.example.org/")
        relative = [url for url in found if urlsplit(url).scheme not in ("https", "mailto")]
        assert relative == [], page
    # The sample has a footnote and a root-relative link in an episode's notes and an article.
    for page in (
        "https://backtobasics.example.org/episodes/rehab-at-home/",
        "https://backtobasics.example.org/articles/just-a-muscle/",
    ):
        assert f"{page}#fn:1" in urls[page] and f"{page}#fnref:1" in urls[page]
    assert (
        "https://backtobasics.example.org/articles/rehab-at-home/"
        in urls["https://backtobasics.example.org/episodes/rehab-at-home/"]
    )
    assert (
        "https://backtobasics.example.org/articles/unloading-and-healing/"
        in urls["https://backtobasics.example.org/articles/rehab-at-home/"]
    )
