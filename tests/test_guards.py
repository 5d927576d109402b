"""Identity guards: GUIDs stay, and released audio never changes under the same URL."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from lxml import etree

from publisher.check import check_project
from publisher.errors import ProblemsFound
from publisher.ledger import read_ledger
from publisher.publish import prepare_publish, run_publish
from tests.conftest import AUDIO, NOW, SiteFactory, build_site

NS = {"podcast": "https://podcastindex.org/namespace/1.0"}


def publish(site: SiteFactory, target: Path) -> bool:
    return run_publish(prepare_publish(site.root, NOW, str(target)))


def errors(site: SiteFactory) -> list[str]:
    problems = check_project(site.root, NOW, None)
    return [str(p).replace(f"{site.root}/", "") for p in problems if p.is_error]


def feed_ids(out: Path) -> tuple[str, list[str]]:
    root = etree.parse(str(out / "feed.xml")).getroot()
    return root.findtext("channel/podcast:guid", namespaces=NS) or "", root.xpath(
        "//item/guid/text()"
    )


def test_publish_pins_identities_once(small_site: SiteFactory, tmp_path: Path) -> None:
    assert publish(small_site, tmp_path / "www") is True
    ledger = read_ledger(small_site.root)
    expected = str(
        uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "example.org/feed.xml")
    )
    assert ledger.show_guid == expected
    assert sorted(ledger.episodes) == ["first", "second"]
    first = ledger.episodes["first"]
    assert first.audio == "first.mp3"
    assert first.size == (small_site.root / "_site/episodes/first/first.mp3").stat().st_size
    assert publish(small_site, tmp_path / "www") is False  # nothing new to pin


def test_a_new_base_url_keeps_the_show_and_episode_guids(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    publish(small_site, tmp_path / "www")
    before = feed_ids(small_site.root / "_site")
    toml = small_site.root / "site.toml"
    toml.write_text(toml.read_text().replace("https://example.org", "https://podcast.example.net"))
    after = feed_ids(build_site(small_site.root, tmp_path / "moved"))
    assert after == before
    assert errors(small_site) == []


def test_changing_a_published_guid_is_refused(small_site: SiteFactory, tmp_path: Path) -> None:
    publish(small_site, tmp_path / "www")
    old = read_ledger(small_site.root).episodes["first"].guid
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps\ndate: 2026-01-04\nnumber: 1\nguid: something-new\n---\nx\n",
    )
    assert errors(small_site) == [
        f"episodes/first/episode.md: error: guid: this episode was published with guid {old}; a new guid makes apps download it again as a new episode. Remove the guid line or set it back"
    ]


def test_replacing_released_audio_in_place_is_refused(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    publish(small_site, tmp_path / "www")
    shutil.copyfile(AUDIO / "tone-22khz.mp3", small_site.root / "episodes/first/first.mp3")
    assert errors(small_site) == [
        "episodes/first/first.mp3: error: this file was published with different audio, and apps that downloaded part of it break when it changes under the same name. Save the new cut under a new file name (e.g. first-v2.mp3), delete this one; the episode keeps its GUID"
    ]
    # The advice works: a new name is a new URL, and the GUID stays.
    (small_site.root / "episodes/first/first.mp3").rename(
        small_site.root / "episodes/first/first-v2.mp3"
    )
    assert errors(small_site) == []
    guid = read_ledger(small_site.root).episodes["first"].guid
    publish(small_site, tmp_path / "www")
    assert read_ledger(small_site.root).episodes["first"].guid == guid
    assert read_ledger(small_site.root).episodes["first"].audio == "first-v2.mp3"


def test_a_renamed_folder_is_recognised(small_site: SiteFactory, tmp_path: Path) -> None:
    publish(small_site, tmp_path / "www")
    old = read_ledger(small_site.root).episodes["first"].guid
    (small_site.root / "episodes/first").rename(small_site.root / "episodes/first-steps")
    assert errors(small_site) == [
        f"episodes/first-steps/episode.md: error: this looks like the published episode 'first' in a new folder; to keep apps from downloading it again, add the line 'guid: {old}' to its front matter"
    ]
    episode = small_site.root / "episodes/first-steps/episode.md"
    episode.write_text(episode.read_text().replace("number: 1", f"number: 1\nguid: {old}"))
    assert errors(small_site) == []


def test_a_deleted_episode_is_a_warning(small_site: SiteFactory, tmp_path: Path) -> None:
    publish(small_site, tmp_path / "www")
    shutil.rmtree(small_site.root / "episodes/second")
    problems = [str(p) for p in check_project(small_site.root, NOW, None)]
    assert (
        f"{small_site.root}/published.toml: warning: episode 'second' was published but its folder is gone; it will disappear from the feed and from listeners' apps"
        in problems
    )


def test_tags_that_would_resize_released_audio_are_refused(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    publish(small_site, tmp_path / "www")
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps, now with a fix\ndate: 2026-01-04\nnumber: 1\n---\nx\n",
    )
    assert errors(small_site) == []  # a small edit fits in the tag's padding
    small_site.write(
        "episodes/first/episode.md",
        f"---\ntitle: First\ndate: 2026-01-04\nnumber: 1\nsummary: {'long words ' * 2000}\n---\nx\n",
    )
    [message] = errors(small_site)
    assert message.startswith(
        "episodes/first/first.mp3: error: the published file would change size ("
    )


def test_the_show_guid_cannot_change_in_site_toml(small_site: SiteFactory, tmp_path: Path) -> None:
    publish(small_site, tmp_path / "www")
    toml = small_site.root / "site.toml"
    toml.write_text(
        toml.read_text().replace(
            "[podcast]", '[podcast]\nguid = "0b9a3c37-5d8e-5d43-9f0f-0f1c2d3e4f50"'
        )
    )
    assert len(errors(small_site)) == 1
    assert (
        "site.toml: key podcast.guid: error: the show was published with podcast:guid"
        in errors(small_site)[0]
    )


def test_without_published_toml_the_live_feed_still_guards(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    publish(small_site, target)
    (small_site.root / "published.toml").unlink()  # e.g. a CI run that never committed it
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps\ndate: 2026-01-04\nnumber: 1\nguid: brand-new\n---\nx\n",
    )
    with pytest.raises(ProblemsFound) as caught:
        prepare_publish(small_site.root, NOW, str(target))
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{target}/feed.xml: error: the live feed has guid ")
    assert "Set 'guid: " in str(problem)
    shutil.copyfile(AUDIO / "tone-22khz.mp3", small_site.root / "episodes/second/second.m4a")
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps\ndate: 2026-01-04\nnumber: 1\n---\nx\n",
    )


def test_check_reads_the_live_feed_of_the_configured_target(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    toml = small_site.root / "site.toml"
    toml.write_text(toml.read_text() + f'\n[publish]\ntarget = "{target}"\n')
    publish(small_site, target)
    (small_site.root / "published.toml").unlink()
    (small_site.root / "episodes/first/first.mp3").write_bytes(
        (AUDIO / "tone.mp3").read_bytes() * 2
    )
    lines = [str(p) for p in check_project(small_site.root, NOW, None)]
    assert any(
        line.startswith(f"{target}/feed.xml: error: episodes/first/first.mp3 is live with ")
        for line in lines
    ), lines
