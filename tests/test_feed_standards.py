"""Apple, Spotify and Podcasting 2.0 tags, read back with lxml, feedparser and podcastparser."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from publisher.content.transcripts import parse_transcript
from tests.conftest import SiteFactory, build_site
from tests.htmlcheck import html_errors
from tests.test_feeds import parse_with_gpodder

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "psc": "http://podlove.org/simple-chapters",
    "atom": "http://www.w3.org/2005/Atom",
}
EXTRA_PODCAST = """
block = false
license = "cc-by-4.0"
license_url = "https://creativecommons.org/licenses/by/4.0/"
analytics_prefixes = ["https://op3.dev/e/"]

[[podcast.persons]]
name = "Tess Tester"
role = "host"
href = "https://example.org/about/"

[[podcast.funding]]
url = "https://example.org/support/"
text = "Support the show"
"""
VTT = """WEBVTT

00:00:00.000 --> 00:00:00.500
<v Tess>Welcome to the show.

00:00:00.500 --> 00:00:01.000
<v Guest>Thanks for having me.
"""


@pytest.fixture
def full_site(make_site: Callable[..., SiteFactory]) -> SiteFactory:
    site = make_site()
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text() + EXTRA_PODCAST)
    site.episode(
        "talk",
        """
        title: A talk
        date: 2026-01-04
        number: 2
        number_label: Part two
        season: 1
        season_name: Basics
        persons:
          - name: Gail Guest
            role: guest
            href: https://example.org/gail/
        soundbites:
          - start: 0.25
            duration: 0.5
            title: The welcome
        """,
        fixture="tone.m4a",
    )
    site.write("episodes/talk/transcript.vtt", VTT)
    site.audio("talk", "tone.mp3")  # an MP3 beside the M4A: the MP3 is the enclosure
    site.episode(
        "trailer",
        "title: Coming soon\ndate: 2026-01-01\ntype: trailer\nseason: 1\n"
        "chapters:\n  - start: 0\n    title: Hello\n  - start: '0:00.5'\n    title: Goodbye",
    )
    (site.root / "episodes" / "talk" / "chapters.json").write_text(
        json.dumps({"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"},
                                                     {"startTime": 0.6, "title": "Talk"}]})
    )  # fmt: skip
    return site


@pytest.fixture
def feed(full_site: SiteFactory, tmp_path: Path) -> tuple[etree._Element, Path]:
    out = build_site(full_site.root, tmp_path / "out")
    return etree.parse(str(out / "feed.xml")).getroot(), out


def test_channel_namespace_tags(feed: tuple[etree._Element, Path]) -> None:
    root, _ = feed
    assert root.nsmap["podcast"] == NS["podcast"]
    assert root.nsmap["itunes"] == NS["itunes"]
    channel = root.find("channel")
    assert channel is not None
    frequency = channel.find("podcast:updateFrequency", NS)
    assert frequency is not None
    assert frequency.get("rrule") == "FREQ=WEEKLY;BYDAY=SU" and frequency.text == "Weekly on Sunday"
    assert channel.findtext("podcast:medium", namespaces=NS) == "podcast"
    person = channel.find("podcast:person", NS)
    assert person is not None and person.text == "Tess Tester" and person.get("role") == "host"
    funding = channel.find("podcast:funding", NS)
    assert funding is not None and funding.get("url") == "https://example.org/support/"
    license_ = channel.find("podcast:license", NS)
    assert license_ is not None and license_.text == "cc-by-4.0" and license_.get("url")
    trailer = channel.find("podcast:trailer", NS)
    assert trailer is not None and trailer.text == "Coming soon"
    assert trailer.get("pubdate") == "Thu, 01 Jan 2026 06:00:00 +0000"
    assert trailer.get("type") == "audio/mpeg" and trailer.get("season") == "1"
    assert trailer.get("url", "").startswith("https://op3.dev/e/example.org/episodes/trailer/")
    assert channel.find("itunes:block", NS) is None
    assert channel.find("itunes:complete", NS) is None


def test_item_namespace_tags_point_at_files_that_parse(feed: tuple[etree._Element, Path]) -> None:
    root, out = feed
    talk = root.xpath("//item[title='A talk']")[0]
    transcript = talk.find("podcast:transcript", NS)
    assert transcript.get("type") == "text/vtt" and transcript.get("language") == "en-gb"
    local = out / transcript.get("url").removeprefix("https://example.org/")
    assert [c.speaker for c in parse_transcript(local, 1.1)] == ["Tess", "Guest"]
    chapters = talk.find("podcast:chapters", NS)
    assert chapters.get("type") == "application/json+chapters"
    document = json.loads(
        (out / chapters.get("url").removeprefix("https://example.org/")).read_text()
    )
    assert [c["title"] for c in document["chapters"]] == ["Intro", "Talk"]
    psc = [(c.get("start"), c.get("title")) for c in talk.findall("psc:chapters/psc:chapter", NS)]
    assert psc == [("00:00:00.000", "Intro"), ("00:00:00.600", "Talk")]
    episode = talk.find("podcast:episode", NS)
    assert episode.text == "2" and episode.get("display") == "Part two"
    season = talk.find("podcast:season", NS)
    assert season.text == "1" and season.get("name") == "Basics"
    host, guest = talk.findall("podcast:person", NS)
    assert host.text == "Tess Tester" and host.get("role") == "host"
    assert guest.text == "Gail Guest" and guest.get("role") == "guest"
    soundbite = talk.find("podcast:soundbite", NS)
    assert (soundbite.get("startTime"), soundbite.get("duration"), soundbite.text) == (
        "0.25",
        "0.5",
        "The welcome",
    )


def test_mp3_is_the_enclosure_and_m4a_an_alternate(feed: tuple[etree._Element, Path]) -> None:
    root, out = feed
    talk = root.xpath("//item[title='A talk']")[0]
    enclosure = talk.find("enclosure")
    assert enclosure.get("type") == "audio/mpeg"
    assert enclosure.get("url") == "https://op3.dev/e/example.org/episodes/talk/talk.mp3"
    alternate = talk.find("podcast:alternateEnclosure", NS)
    assert alternate.get("type") == "audio/x-m4a" and alternate.get("title") == "AAC"
    source = alternate.find("podcast:source", NS).get("uri")
    assert source == "https://op3.dev/e/example.org/episodes/talk/talk.m4a"
    assert int(alternate.get("length")) == (out / "episodes/talk/talk.m4a").stat().st_size


def test_front_matter_chapters_become_a_chapters_file(feed: tuple[etree._Element, Path]) -> None:
    root, out = feed
    document = json.loads((out / "episodes/trailer/chapters.json").read_text())
    assert document["version"] == "1.2.0"
    assert [(c["startTime"], c["title"]) for c in document["chapters"]] == [
        (0.0, "Hello"),
        (0.5, "Goodbye"),
    ]
    trailer = root.xpath("//item[title='Coming soon']")[0]
    assert trailer.findtext("itunes:episodeType", namespaces=NS) == "trailer"


def test_the_full_site_checks_without_errors(full_site: SiteFactory, tmp_path: Path) -> None:
    from publisher.checks.run import check_project
    from tests.conftest import NOW

    out = build_site(full_site.root, tmp_path / "out")
    problems = check_project(full_site.root, NOW, out)
    assert [str(p) for p in problems if p.is_error] == []


def test_player_on_the_site_keeps_the_direct_url(feed: tuple[etree._Element, Path]) -> None:
    _, out = feed
    page = (out / "episodes/talk/index.html").read_text()
    assert 'src="/episodes/talk/talk.mp3"' in page
    assert "op3.dev" not in page


def test_podcast_apps_read_transcripts_and_chapters(feed: tuple[etree._Element, Path]) -> None:
    _, out = feed
    parsed = parse_with_gpodder((out / "feed.xml").read_bytes())
    talk = next(e for e in parsed["episodes"] if e["title"] == "A talk")
    assert talk["transcript_url"] == "https://example.org/episodes/talk/transcript.vtt"
    assert talk["chapters_json_url"] == "https://example.org/episodes/talk/chapters.json"
    assert [c["title"] for c in talk["chapters"]] == ["Intro", "Talk"]
    # An item's persons replace the channel's in apps, so the host is listed again beside the guest.
    assert [(p["name"], p["role"]) for p in talk.get("persons", [])] == [
        ("Tess Tester", "host"),
        ("Gail Guest", "guest"),
    ]
    trailer = next(e for e in parsed["episodes"] if e["title"] == "Coming soon")
    assert "persons" not in trailer or trailer["persons"] == []
    assert parsed["funding_url"] == "https://example.org/support/"
    reader = feedparser.parse((out / "feed.xml").read_bytes())
    assert reader.bozo == 0
    psc = next(e for e in reader.entries if e.title == "A talk").psc_chapters
    assert [c.title for c in psc.chapters] == ["Intro", "Talk"]


def test_an_episode_with_a_guest_lists_the_host_once_and_the_guest(
    full_site: SiteFactory, tmp_path: Path
) -> None:
    full_site.write(
        "episodes/talk/episode.md",
        "---\ntitle: A talk\ndate: 2026-01-04\npersons:\n"
        "  - name: Gail Guest\n    role: guest\n"
        "  - name: Tess Tester\n    role: host\n    img: https://example.org/tess.jpg\n---\nNotes.\n",
    )
    out = build_site(full_site.root, tmp_path / "out")
    root = etree.parse(str(out / "feed.xml")).getroot()
    talk = root.xpath("//item[title='A talk']")[0]
    persons = [(p.text, p.get("role"), p.get("img")) for p in talk.findall("podcast:person", NS)]
    assert persons == [
        ("Gail Guest", "guest", None),
        ("Tess Tester", "host", "https://example.org/tess.jpg"),
    ]
    channel = root.find("channel")
    assert [p.text for p in channel.findall("podcast:person", NS)] == ["Tess Tester"]


def test_serial_shows_list_oldest_first(full_site: SiteFactory, tmp_path: Path) -> None:
    toml = full_site.root / "site.toml"
    toml.write_text(toml.read_text().replace("[podcast]", '[podcast]\ntype = "serial"'))
    out = build_site(full_site.root, tmp_path / "out")
    titles = etree.parse(str(out / "feed.xml")).getroot().xpath("//item/title/text()")
    assert titles == ["Coming soon", "A talk"]


def test_completed_blocked_and_moved_show(full_site: SiteFactory, tmp_path: Path) -> None:
    toml = full_site.root / "site.toml"
    toml.write_text(
        toml.read_text().replace("block = false", 'block = true\ncomplete = true\n'
                                 'new_feed_url = "https://new.example.org/feed.xml"')
    )  # fmt: skip
    out = build_site(full_site.root, tmp_path / "out")
    channel = etree.parse(str(out / "feed.xml")).getroot().find("channel")
    assert channel.findtext("itunes:block", namespaces=NS) == "Yes"
    assert channel.findtext("itunes:complete", namespaces=NS) == "Yes"
    assert (
        channel.findtext("itunes:new-feed-url", namespaces=NS) == "https://new.example.org/feed.xml"
    )
    assert channel.find("podcast:updateFrequency", NS) is None
    assert (
        parse_with_gpodder((out / "feed.xml").read_bytes())["new_url"]
        == "https://new.example.org/feed.xml"
    )


def test_long_descriptions_are_cut_to_4000_bytes(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.episode("ep", f"title: T\ndate: 2026-01-04\nsummary: {'bóné ' * 1500}")
    out = build_site(site.root, tmp_path / "out")
    description = etree.parse(str(out / "feed.xml")).getroot().findtext("channel/item/description")
    assert description is not None
    assert 3900 < len(description.encode()) <= 4000
    assert description.endswith("…")


def test_every_page_of_a_site_using_every_feature_is_valid_html(
    full_site: SiteFactory, tmp_path: Path
) -> None:
    full_site.article(
        "2026-01-04-everything",
        "title: Everything at once\ndate: 2026-01-04\ntags: [walking, sleep]\nepisode: talk",
        "Intro with a footnote.[^1] and *emphasis*, **strong**, `code` and a [link](/episodes/talk/).\n\n"
        "## A section\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> A quote.\n\n"
        "```\nsome code\n```\n\n- one\n- two\n\n![the artwork](/artwork.png)\n\n"
        "[^1]: The note.\n",
    )
    out = build_site(full_site.root, tmp_path / "out", drafts=False)
    assert html_errors(out) == []
