"""Each ``check`` rule: a fixture that breaks it, and the clean site that passes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from publisher.checks.run import check_project
from publisher.errors import ProblemsFound
from tests.conftest import NOW, SiteFactory, build_site


def check(site: SiteFactory) -> list[str]:
    return [str(p) for p in check_project(site.root, NOW, None)]


def relative(site: SiteFactory, lines: list[str]) -> list[str]:
    return [line.replace(f"{site.root}/", "") for line in lines]


def test_the_clean_site_has_no_errors(small_site: SiteFactory) -> None:
    assert [line for line in relative(small_site, check(small_site)) if ": error:" in line] == []


def _image(
    site: SiteFactory, name: str, size: tuple[int, int], mode: str = "RGB", kind: str = "PNG"
) -> None:
    Image.new(mode, size).save(site.root / name, kind)
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text().replace('artwork = "artwork.png"', f'artwork = "{name}"'))


@pytest.mark.parametrize(
    ("name", "size", "mode", "kind", "message"),
    [
        (
            "art.png",
            (1400, 1000),
            "RGB",
            "PNG",
            "art.png: error: artwork must be square; this is 1400x1000 px",
        ),
        (
            "art.png",
            (600, 600),
            "RGB",
            "PNG",
            "art.png: error: artwork must be 1400 to 3000 px wide; this is 600 px",
        ),
        (
            "art.png",
            (3200, 3200),
            "RGB",
            "PNG",
            "art.png: error: artwork must be 1400 to 3000 px wide; this is 3200 px",
        ),
        (
            "art.jpg",
            (1400, 1400),
            "CMYK",
            "JPEG",
            "art.jpg: error: artwork must use RGB colours; this is CMYK (export it as RGB)",
        ),
        (
            "art.jpg",
            (1400, 1400),
            "RGB",
            "PNG",
            "art.jpg: error: is a PNG file but its name ends in .jpg; Apple rejects the mismatch",
        ),
    ],
)
def test_artwork_rules(
    small_site: SiteFactory, name: str, size: tuple[int, int], mode: str, kind: str, message: str
) -> None:
    _image(small_site, name, size, mode, kind)
    assert message in relative(small_site, check(small_site))


def test_missing_artwork_category_and_owner(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.write("site.toml", '[site]\ntitle = "T"\nbase_url = "http://example.org"\n')
    site.episode("ep", "title: E\ndate: 2026-01-04")  # podcast rules apply to a podcast
    assert relative(site, check(site)) == [
        'site.toml: key podcast.artwork: error: Apple requires show artwork: set artwork = "artwork.jpg"',
        'site.toml: key podcast.category: error: Apple requires a category, e.g. "Health & Fitness / Medicine"',
        "site.toml: key podcast.owner_email: error: Spotify and Apple need an owner email to verify the show",
        "site.toml: warning: no owner name; directories show it next to the owner email",
        "site.toml: warning: base_url is not https://; Apple and Podcasting 2.0 apps expect HTTPS",
        "episodes/ep/ep.mp3: warning: bitrate 32 kbit/s is low; use 64 kbit/s or more",
    ]


def test_unknown_category_suggests_one(small_site: SiteFactory) -> None:
    toml = small_site.root / "site.toml"
    toml.write_text(
        toml.read_text().replace('"Health & Fitness / Medicine"', '"Health / Medicine"')
    )
    assert (
        "site.toml: key podcast.category: error: 'Health' is not an Apple Podcasts category; did you mean 'Health & Fitness'?"
        in relative(small_site, check(small_site))
    )
    toml.write_text(toml.read_text().replace('"Health / Medicine"', '"Health & Fitness / Surgery"'))
    assert any(
        "'Surgery' is not a subcategory of 'Health & Fitness'" in line for line in check(small_site)
    )


def test_duplicate_numbers_name_both_files(small_site: SiteFactory) -> None:
    small_site.write(
        "episodes/first/episode.md", "---\ntitle: First\ndate: 2026-01-04\nnumber: 2\n---\nx\n"
    )
    small_site.write(
        "episodes/second/episode.md", "---\ntitle: Second\ndate: 2026-01-04\nnumber: 2\n---\nx\n"
    )
    lines = relative(small_site, check(small_site))
    assert [line for line in lines if "number" in line] == [
        "episodes/second/episode.md:4: error: episode number 2 is also used by episodes/first/episode.md; give one of them another number"
    ]


def test_duplicate_guids_name_both_files_and_stop_the_build(small_site: SiteFactory) -> None:
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First\ndate: 2026-01-04\nnumber: 1\nguid: same\n---\nx\n",
    )
    small_site.write(
        "episodes/second/episode.md",
        "---\ntitle: Second\ndate: 2026-01-04\nnumber: 2\nguid: same\n---\nx\n",
    )
    expected = "episodes/second/episode.md:5: error: guid same is also the guid of episodes/first/episode.md; apps would see one episode. Remove the guid line from the newer one (it then gets its own)"
    assert relative(small_site, check(small_site)) == [expected]
    with pytest.raises(ProblemsFound) as caught:
        build_site(small_site.root, small_site.root / "_site")
    assert [str(p).replace(f"{small_site.root}/", "") for p in caught.value.problems] == [expected]
    assert not (small_site.root / "_site/feed.xml").exists()


def test_audio_that_apps_handle_badly(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.episode("a", "title: A\ndate: 2026-01-04", fixture="tone-22khz.mp3")
    site.episode("b", "title: B\ndate: 2025-12-28", fixture="no-xing.mp3")
    site.episode("c", "title: C\ndate: 2025-12-21", fixture="tone.m4a")
    lines = relative(site, check(site))
    assert (
        "episodes/a/a.mp3: warning: sample rate 22050 Hz; podcasts use 44100 or 48000 Hz" in lines
    )
    assert (
        "episodes/b/b.mp3: warning: no Xing/Info header: apps may show a wrong duration and seek badly; export again with a VBR header"
        in lines
    )
    assert "episodes/c/c.m4a: warning: stereo while most episodes are mono" in lines
    assert not any(line.startswith("episodes/a/a.mp3: warning: bitrate") for line in lines)
    assert "episodes/c/c.m4a: warning: bitrate 47 kbit/s is low; use 64 kbit/s or more" in lines


def test_broken_links_and_missing_images(small_site: SiteFactory) -> None:
    small_site.article(
        "2026-01-06-more",
        "title: More on walking\ndate: 2026-01-06",
        "See [the plan](/articles/no-such-plan/), [ok](/articles/first-steps/), "
        "[away](https://elsewhere.example/x) and ![a spine](spine.png).\n",
    )
    lines = relative(small_site, check(small_site))
    broken = [line for line in lines if "points at nothing" in line]
    assert broken == [
        "articles/2026-01-06-more.md:5: error: link to /articles/no-such-plan/ points at nothing the site publishes",
        "articles/2026-01-06-more.md:5: error: image to spine.png points at nothing the site publishes",
    ]


def test_links_to_scheduled_pages_are_broken_until_release(small_site: SiteFactory) -> None:
    small_site.article(
        "2026-01-06-more", "title: More\ndate: 2026-01-06", "[soon](/articles/later/)\n"
    )
    assert any("link to /articles/later/ points at nothing" in line for line in check(small_site))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "transcript.vtt",
            "00:00:00.000 --> 00:00:00.500\nHi\n",
            "episodes/first/transcript.vtt:1: error: a WebVTT file must start with the line WEBVTT",
        ),
        (
            "transcript.vtt",
            "WEBVTT\n\n00:00:00.000 --> 00:00:09.000\nToo long\n",
            "episodes/first/transcript.vtt:3: error: cue ends at 9.0 s but the audio lasts 1.0 s; is this the transcript of another episode?",
        ),
        (
            "transcript.srt",
            "1\n00:00:00,500 --> 00:00:00,900\nB\n\n2\n00:00:00,100 --> 00:00:00,400\nA\n",
            "episodes/first/transcript.srt:6: error: cue starts before the one above; keep cues in time order",
        ),
        (
            "chapters.json",
            '{"version": "1.2.0", "chapters": [',
            "episodes/first/chapters.json:1: error: not valid JSON: Expecting value",
        ),
        (
            "chapters.json",
            json.dumps({"chapters": [{"startTime": 0}]}),
            'episodes/first/chapters.json:1: error: needs a "version" string, e.g. "1.2.0"',
        ),
        (
            "chapters.json",
            json.dumps({"version": "1.2.0", "chapters": [{"startTime": 0.5}, {"startTime": 0.2}]}),
            "episodes/first/chapters.json: error: chapter 2 starts at 0.2 s, not after the one before; list chapters in order",
        ),
    ],
)
def test_transcripts_and_chapters_that_do_not_parse(
    small_site: SiteFactory, name: str, content: str, message: str
) -> None:
    (small_site.root / "episodes" / "first" / name).write_text(content)
    assert message in relative(small_site, check(small_site))


def test_good_transcript_and_chapters_pass(small_site: SiteFactory) -> None:
    (small_site.root / "episodes/first/transcript.srt").write_text(
        "1\n00:00:00,100 --> 00:00:00,400\nA\n"
    )
    (small_site.root / "episodes/first/chapters.json").write_text(
        json.dumps({"version": "1.2.0", "chapters": [{"startTime": 0}]})
    )
    lines = relative(small_site, check(small_site))
    assert not any("transcript" in line or "chapters" in line for line in lines), lines


def test_release_weekday_and_title_warnings(small_site: SiteFactory) -> None:
    lines = relative(small_site, check(small_site))
    assert (
        "episodes/second/episode.md: warning: dated on a Thursday, not the release day (Sunday)"
        in lines
    )
    assert not any(line.startswith("episodes/first/episode.md: warning: dated") for line in lines)
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: 'Episode 5: Test Show goes on'\ndate: 2026-01-04\n---\nx\n",
    )
    lines = relative(small_site, check(small_site))
    assert (
        "episodes/first/episode.md: warning: Apple asks for titles without episode numbers; use number: instead"
        in lines
    )
    assert (
        "episodes/first/episode.md: warning: the title repeats the show's name; apps already show it"
        in lines
    )


def test_enclosure_type_mismatch_in_a_built_feed(small_site: SiteFactory, tmp_path: Path) -> None:
    out = build_site(small_site.root, tmp_path / "out")
    feed = out / "feed.xml"
    feed.write_text(feed.read_text().replace('type="audio/mpeg"', 'type="audio/mp3"'))
    lines = [str(p) for p in check_project(small_site.root, NOW, out)]
    assert any(
        line.startswith(f"{out}/feed.xml:") and "enclosure type does not match .mp3" in line
        for line in lines
    )


def test_numbers_that_run_backwards_by_date_are_a_warning(small_site: SiteFactory) -> None:
    small_site.write(
        "episodes/future/episode.md", "---\ntitle: Future\ndate: 2026-02-01\nnumber: 3\n---\nx\n"
    )
    small_site.episode("sooner", "title: Sooner\ndate: 2026-01-25\nnumber: 4")
    lines = relative(small_site, check(small_site))
    assert [line for line in lines if "run backwards" in line] == [
        "episodes/future/episode.md:4: warning: episode number 3 goes out after number 4 (episodes/sooner/episode.md); apps list episodes by date, so listeners see the numbers run backwards. Swap the numbers"
    ]
