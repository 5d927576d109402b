"""One typography for titles and one rounding for durations, wherever the sample site shows them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import feedparser
from lxml import etree
from lxml import html as lxml_html
from mutagen import File as MutagenFile
from mutagen.id3 import ID3

from tests.test_feeds import parse_with_gpodder
from tests.test_pages import meta, structured_data

SMART = "Why “it’s just a muscle” misleads"  # typed as: Why "it's just a muscle" misleads
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def page_text(page: Path, xpath: str) -> str:
    return " ".join(lxml_html.fromstring(page.read_bytes()).xpath(xpath)).strip()


def test_titles_get_curly_quotes_everywhere(sample_build: Path) -> None:
    for kind in ("episodes", "articles"):
        page = sample_build / kind / "just-a-muscle" / "index.html"
        assert page_text(page, "//h1//text()") == SMART
        assert page_text(page, "//title/text()").startswith(SMART)
        assert meta(page, "og:title").startswith(SMART)
        name = structured_data(page).get("name") or structured_data(page).get("headline")
        assert name == SMART
    home = (sample_build / "episodes" / "index.html").read_text()
    assert SMART in home and '"it\'s just a muscle"' not in home
    podcast = feedparser.parse((sample_build / "feed.xml").read_bytes())
    episode = next(e for e in podcast.entries if e.link.endswith("/episodes/just-a-muscle/"))
    assert episode.title == SMART and episode.itunes_title == SMART
    articles = feedparser.parse((sample_build / "articles" / "feed.xml").read_bytes())
    assert SMART in [e.title for e in articles.entries]
    audio = sample_build / "episodes" / "just-a-muscle" / "just-a-muscle.mp3"
    tags = ID3(audio)
    assert str(tags["TIT2"]) == SMART
    assert [str(c.sub_frames["TIT2"]) for c in tags.getall("CHAP")] == [
        "Welcome",
        "Why “just a muscle” misleads",
    ]
    chapters = json.loads((sample_build / "episodes/just-a-muscle/chapters.json").read_bytes())
    assert chapters["title"] == SMART
    search = json.loads((sample_build / "search" / "index.json").read_bytes())
    assert SMART in json.dumps(search, ensure_ascii=False)


def test_one_rounding_of_durations_down_as_players_show_them(sample_build: Path) -> None:
    slug = "unloading-and-healing"
    exact = MutagenFile(sample_build / "episodes" / slug / f"{slug}.mp3").info.length
    assert 5.5 < exact < 6  # 5.64 s: rounding to nearest would say 6, the player says 0:05
    seconds = math.floor(exact)
    root = etree.parse(str(sample_build / "feed.xml")).getroot()
    [item] = root.xpath(f"//item[link='https://backtobasics.example.org/episodes/{slug}/']")
    assert item.findtext(f"{{{ITUNES}}}duration") == str(seconds) == "5"
    gpodder = parse_with_gpodder((sample_build / "feed.xml").read_bytes())
    assert {e["link"]: e["total_time"] for e in gpodder["episodes"]}[
        f"https://backtobasics.example.org/episodes/{slug}/"
    ] == seconds
    page = sample_build / "episodes" / slug / "index.html"
    assert "0:05 · " in page_text(page, "//main//text()")
    assert "0:06" not in page.read_text()
    data = structured_data(page)
    durations = json.dumps(data)
    assert f'"PT{seconds}S"' in durations and '"PT6S"' not in durations
    listing = (sample_build / "episodes" / "index.html").read_text()
    assert "0:06" not in listing
