"""The published audio carries its own tags; the editor's file is never changed."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import eyed3
import pytest
from mutagen.id3 import ID3, TIT2
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from publisher.render.audiotags import TAG_BLOCK, mp3_audio_span
from tests.conftest import SiteFactory, build_site

SITE_EXTRA = '\nauthor = "Tess Tester"\n'
CHAPTERS = "chapters:\n  - start: 0\n    title: Hello\n  - start: 0.5\n    title: Goodbye\n"


def mp3_length(path: Path) -> float:
    """The MP3's duration in seconds (mutagen declares ``info`` as ``None`` on its base class)."""
    info: Any = MP3(path).info
    length: float = info.length
    return length


@pytest.fixture
def tagged_site(make_site: Callable[..., SiteFactory]) -> SiteFactory:
    site = make_site()
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text().replace("[podcast]", "[podcast]" + SITE_EXTRA))
    site.episode(
        "ep", "title: Tagged episode\ndate: 2026-01-04\nnumber: 7\nsummary: About tags\n" + CHAPTERS
    )
    site.episode("aac", "title: An AAC episode\ndate: 2026-01-05\nnumber: 8", fixture="tone.m4a")
    return site


def test_mp3_tags_read_back(tagged_site: SiteFactory, tmp_path: Path) -> None:
    source = tagged_site.root / "episodes" / "ep" / "ep.mp3"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    out = build_site(tagged_site.root, tmp_path / "out")
    published = out / "episodes" / "ep" / "ep.mp3"
    tags = ID3(published)
    assert str(tags["TIT2"]) == "Tagged episode"
    assert str(tags["TPE1"]) == "Tess Tester"
    assert str(tags["TALB"]) == "Test Show"
    assert str(tags["TDRC"]) == "2026-01-04"
    assert str(tags["TRCK"]) == "7"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags.getall("COMM")[0]) == "About tags"
    assert tags.getall("WXXX")[0].url == "https://example.org/episodes/ep/"
    cover = tags.getall("APIC")[0]
    assert (
        cover.mime == "image/png" and cover.data == (tagged_site.root / "artwork.png").read_bytes()
    )
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chapters] == [
        (0, 500, "Hello"),
        (500, round(mp3_length(source) * 1000), "Goodbye"),
    ]
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == ["chp0", "chp1"]
    # Still an MP3 of the same length, with the editor's audio frames untouched.
    assert mp3_length(published) == pytest.approx(mp3_length(source), abs=0.05)
    start, end = mp3_audio_span(published)
    assert start % TAG_BLOCK == 0
    source_start, source_end = mp3_audio_span(source)
    assert published.read_bytes()[start:end] == source.read_bytes()[source_start:source_end]
    assert end - start > 4000  # the frames of the 1 s tone, not an empty slice
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


def test_tagged_size_is_the_enclosure_length_and_stable(
    tagged_site: SiteFactory, tmp_path: Path
) -> None:
    from lxml import etree

    one = build_site(tagged_site.root, tmp_path / "one")
    two = build_site(tagged_site.root, tmp_path / "two")
    for name in ("ep/ep.mp3", "aac/aac.m4a"):
        assert (one / "episodes" / name).read_bytes() == (two / "episodes" / name).read_bytes()
    feed = etree.parse(str(one / "feed.xml")).getroot()
    for enclosure in feed.iter("enclosure"):
        path = one / enclosure.get("url").removeprefix("https://example.org/")
        assert int(enclosure.get("length")) == path.stat().st_size
    # A small title fix after release keeps the published size.
    size = (one / "episodes/ep/ep.mp3").stat().st_size
    tagged_site.write(
        "episodes/ep/episode.md",
        "---\ntitle: Tagged episode, fixed\ndate: 2026-01-04\nnumber: 7\nsummary: About tags\n"
        + CHAPTERS
        + "---\nx\n",
    )
    three = build_site(tagged_site.root, tmp_path / "three")
    assert (three / "episodes/ep/ep.mp3").stat().st_size == size
    assert str(ID3(three / "episodes/ep/ep.mp3")["TIT2"]) == "Tagged episode, fixed"


def test_an_old_tag_in_the_source_is_replaced(tagged_site: SiteFactory, tmp_path: Path) -> None:
    source = tagged_site.root / "episodes" / "ep" / "ep.mp3"
    old = ID3()
    old.add(TIT2(encoding=3, text="Editor's working title"))
    old.save(source)
    out = build_site(tagged_site.root, tmp_path / "out")
    published = out / "episodes" / "ep" / "ep.mp3"
    assert str(ID3(published)["TIT2"]) == "Tagged episode"
    assert published.read_bytes().count(b"working title") == 0
    assert str(ID3(source)["TIT2"]) == "Editor's working title"


def test_m4a_atoms_read_back(tagged_site: SiteFactory, tmp_path: Path) -> None:
    source = tagged_site.root / "episodes" / "aac" / "aac.m4a"
    before = source.read_bytes()
    out = build_site(tagged_site.root, tmp_path / "out")
    tags = MP4(out / "episodes" / "aac" / "aac.m4a").tags
    assert tags is not None
    assert tags["\xa9nam"] == ["An AAC episode"]
    assert tags["\xa9alb"] == ["Test Show"]
    assert tags["\xa9gen"] == ["Podcast"]
    assert tags["trkn"] == [(8, 0)]
    assert bytes(tags["covr"][0]) == (tagged_site.root / "artwork.png").read_bytes()
    assert MP4(out / "episodes" / "aac" / "aac.m4a").info.length == pytest.approx(2.0, abs=0.1)
    assert source.read_bytes() == before


def test_published_mp3_is_id3v23_that_id3lib_and_eyed3_read(
    tagged_site: SiteFactory, tmp_path: Path
) -> None:
    id3v2 = shutil.which("id3v2")
    assert id3v2 is not None, "the id3v2 command is missing: run `make system-deps` as root"
    out = build_site(tagged_site.root, tmp_path / "out")
    published = out / "episodes" / "ep" / "ep.mp3"
    assert published.read_bytes()[:5] == b"ID3\x03\x00"
    # id3lib (Debian's id3v2) reads no ID3v2.4 tag at all.
    listing = subprocess.run(
        [id3v2, "-l", str(published)], capture_output=True, text=True, check=True
    ).stdout
    lines = listing.splitlines()
    assert "TIT2 (Title/songname/content description): Tagged episode" in lines
    assert "TALB (Album/Movie/Show title): Test Show" in lines
    assert "TRCK (Track number/Position in set): 7" in lines
    assert "TYER (Year): 2026" in lines
    assert "TDAT (Date): 0401" in lines  # DDMM, as ID3v2.3 has it
    assert sum(line.startswith("CHAP ") for line in lines) == 2
    assert sum(line.startswith("CTOC ") for line in lines) == 1
    assert any(line.startswith("APIC (Attached picture)") for line in lines)
    # eyeD3 reads the same, chapter titles and times included.
    audio = eyed3.load(published)
    assert audio is not None and audio.tag is not None
    tag = audio.tag
    assert tag.version == (2, 3, 0)
    assert (tag.title, tag.album, tag.artist) == ("Tagged episode", "Test Show", "Tess Tester")
    assert tag.track_num[0] == 7
    # (eyeD3 0.9 misreads a standard DDMM TDAT frame, so only the year is compared.)
    assert tag.getBestDate().year == 2026
    chapters = [(c.title, c.times.start) for c in tag.chapters]
    assert sorted(chapters, key=lambda c: c[1]) == [("Hello", 0), ("Goodbye", 500)]
    [toc] = list(tag.table_of_contents)
    assert toc.child_ids == [b"chp0", b"chp1"]
    assert [image.mime_type for image in tag.images] == ["image/png"]


def test_unicode_survives_utf16(make_site: Callable[..., SiteFactory], tmp_path: Path) -> None:
    site = make_site()
    site.episode(
        "ep",
        'title: "Café, “quotes” and 東京"\ndate: 2026-01-04\n'
        "chapters:\n  - start: 0\n    title: Ünïcode chapter\n",
    )
    published = build_site(site.root, tmp_path / "out") / "episodes" / "ep" / "ep.mp3"
    audio = eyed3.load(published)
    assert audio is not None and audio.tag is not None
    assert audio.tag.title == "Café, “quotes” and 東京"
    assert [c.title for c in audio.tag.chapters] == ["Ünïcode chapter"]
    assert str(ID3(published)["TIT2"]) == "Café, “quotes” and 東京"
