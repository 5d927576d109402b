"""Identity guards: GUIDs stay, and released audio never changes under the same URL."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import shutil
import uuid
from pathlib import Path

import pytest
from lxml import etree
from mutagen.mp4 import MP4

from publisher.checks.run import check_project
from publisher.content.ledger import read_ledger
from publisher.errors import ProblemsFound
from publisher.publish.run import prepare_publish, run_publish
from tests.conftest import AUDIO, HOLDER, NOW, SiteFactory, build_site

NS = {"podcast": "https://podcastindex.org/namespace/1.0"}


def publish(site: SiteFactory, target: Path) -> bool:
    return run_publish(prepare_publish(site.root, NOW, str(target)), HOLDER)


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
    assert first.audio.name == "first.mp3"
    assert first.audio.size == (small_site.root / "_site/episodes/first/first.mp3").stat().st_size
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
        f"episodes/first/episode.md:5: error: guid: this episode was published with guid {old}; a new guid makes apps download it again as a new episode. Remove the guid line or set it back"
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
    assert read_ledger(small_site.root).episodes["first"].audio.name == "first-v2.mp3"


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


def test_a_deleted_episode_stops_check_and_publish(small_site: SiteFactory, tmp_path: Path) -> None:
    publish(small_site, tmp_path / "www")
    guid = read_ledger(small_site.root).episodes["second"].guid
    shutil.rmtree(small_site.root / "episodes/second")
    assert errors(small_site) == [
        f"published.toml: error: episode 'second' is live but its folder episodes/second/ is gone, so it would vanish from the feed and from listeners' apps. Restore the folder (if you renamed it, add 'guid: {guid}' to the new episode.md); to take it down on purpose, run: publisher publish --unpublish second"
    ]
    with pytest.raises(ProblemsFound):
        prepare_publish(small_site.root, NOW, str(tmp_path / "www"))
    assert guid in (tmp_path / "www/feed.xml").read_text()


def test_a_live_episode_moved_to_a_later_date_stays_live(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    publish(small_site, tmp_path / "www")
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps\ndate: 2027-01-03\nnumber: 1\narticle: first-steps\n---\nx\n",
    )
    assert errors(small_site) == [
        "episodes/first/episode.md:3: error: this episode is live, and its date 2027-01-03 06:00 is still ahead, so publishing would remove it from the feed and from listeners' apps until then. Set the date back to its release day, or to take it down on purpose, run: publisher publish --unpublish first"
    ]
    with pytest.raises(ProblemsFound):
        prepare_publish(small_site.root, NOW, str(tmp_path / "www"))


def test_a_live_episode_marked_draft_stays_until_unpublished_on_purpose(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    publish(small_site, target)
    guid = read_ledger(small_site.root).episodes["first"].guid
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps\ndate: 2026-01-04\nnumber: 1\ndraft: true\n---\nx\n",
    )
    assert errors(small_site) == [
        "episodes/first/episode.md:5: error: this episode is live, and 'draft: true' would remove it from the feed and from listeners' apps. Remove that line, or to take it down on purpose, run: publisher publish --unpublish first"
    ]
    # Saying so on purpose takes it down, and later runs without the flag accept it.
    run_publish(
        prepare_publish(small_site.root, NOW, str(target), unpublish=frozenset({"first"})), HOLDER
    )
    assert guid not in (target / "feed.xml").read_text()
    assert read_ledger(small_site.root).episodes["first"].unpublished is True
    assert errors(small_site) == []
    # Released again later, it keeps its GUID and the mark goes.
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps\ndate: 2026-01-04\nnumber: 1\n---\nx\n",
    )
    publish(small_site, target)
    assert guid in (target / "feed.xml").read_text()
    assert read_ledger(small_site.root).episodes["first"].unpublished is False


def test_unpublish_names_must_be_live_and_out_of_the_site(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    publish(small_site, tmp_path / "www")
    problems = check_project(small_site.root, NOW, None, frozenset({"first", "nosuch"}))
    assert [str(p).replace(f"{small_site.root}/", "") for p in problems if p.is_error] == [
        "episodes/first: error: --unpublish first: the episode is still part of the site; add 'draft: true' to episodes/first/episode.md or delete its folder first",
        "published.toml: error: --unpublish nosuch: no published episode has this folder name",
    ]


def test_released_audio_keeps_its_bytes_when_its_tags_change(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    publish(small_site, target)
    released = (target / "episodes/first/first.mp3").read_bytes()
    small_site.write(
        "episodes/first/episode.md",
        f"---\ntitle: First steps, corrected\ndate: 2026-01-04\nnumber: 1\nsummary: {'long words ' * 2000}\n---\nx\n",
    )
    assert errors(small_site) == []
    publish(small_site, target)
    assert (target / "episodes/first/first.mp3").read_bytes() == released
    assert "First steps, corrected" in (target / "feed.xml").read_text()
    assert f'length="{len(released)}"' in (target / "feed.xml").read_text()


def test_released_audio_tags_are_read_back_from_the_target_on_a_fresh_machine(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    publish(small_site, target)
    released = (target / "episodes/first/first.mp3").read_bytes()
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps, corrected\ndate: 2026-01-04\nnumber: 1\n---\nx\n",
    )
    shutil.rmtree(small_site.root / ".publisher-cache")  # a new CI runner
    warnings = [str(p) for p in check_project(small_site.root, NOW, None) if not p.is_error]
    assert (
        f"{small_site.root}/episodes/first/first.mp3: warning: released with tags that have changed since (show or episode details); this build tags it anew, but publish keeps the released file as it is"
        in warnings
    )
    publish(small_site, target)
    assert (target / "episodes/first/first.mp3").read_bytes() == released
    assert (small_site.root / "_site/episodes/first/first.mp3").read_bytes() == released
    # Without the published copy, publish refuses and names the cause.
    shutil.rmtree(small_site.root / ".publisher-cache")
    (target / "episodes/first/first.mp3").write_bytes(b"")
    with pytest.raises(ProblemsFound) as caught:
        prepare_publish(small_site.root, NOW, str(target))
    assert [str(p).replace(f"{small_site.root}/", "") for p in caught.value.problems] == [
        f"episodes/first/first.mp3: error: it was released with other tags, and its bytes must not change under listeners' apps, but {target}/episodes/first/first.mp3 is missing or shorter than published; restore it, or publish the audio under a new file name"
    ]


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


def test_new_show_artwork_reaches_new_episodes_and_leaves_released_files_alone(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    from mutagen.id3 import ID3
    from PIL import Image

    target = tmp_path / "www"
    publish(small_site, target)
    released = (target / "episodes/first/first.mp3").read_bytes()
    Image.new("RGB", (1400, 1400), (200, 40, 40)).save(small_site.root / "artwork.png")
    new_artwork = (small_site.root / "artwork.png").read_bytes()
    assert errors(small_site) == []
    publish(small_site, target)
    assert (target / "episodes/first/first.mp3").read_bytes() == released
    # The episode released after the change carries the new cover.
    later = dt.datetime(2026, 2, 2, tzinfo=dt.UTC)
    run_publish(prepare_publish(small_site.root, later, str(target)), HOLDER)
    assert (target / "episodes/first/first.mp3").read_bytes() == released
    [cover] = ID3(target / "episodes/future/future.mp3").getall("APIC")
    assert cover.data == new_artwork


def test_released_alternate_audio_keeps_its_bytes_too(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    shutil.copyfile(AUDIO / "tone.m4a", small_site.root / "episodes/first/first.m4a")
    publish(small_site, target)
    assert read_ledger(small_site.root).episodes["first"].file("first.m4a") is not None
    released = (target / "episodes/first/first.m4a").read_bytes()
    toml = small_site.root / "site.toml"
    toml.write_text(toml.read_text().replace('title = "Test Show"', 'title = "A Renamed Show"'))
    assert errors(small_site) == []
    publish(small_site, target)
    assert (target / "episodes/first/first.m4a").read_bytes() == released
    # Replacing the alternate's audio under the same name is refused like the enclosure's.
    recut = MP4(small_site.root / "episodes/first/first.m4a")
    recut["\xa9nam"] = ["a new cut"]
    recut.save()
    assert errors(small_site)[0].startswith(
        "episodes/first/first.m4a: error: this file was published with different audio"
    )


def test_files_released_under_an_older_ledger_keep_their_bytes(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    publish(small_site, target)
    released = (target / "episodes/first/first.mp3").read_bytes()
    ledger = small_site.root / "published.toml"
    old_format = [
        line for line in ledger.read_text().splitlines() if not line.startswith(("sha256", "tags"))
    ]
    ledger.write_text("\n".join(old_format) + "\n")
    # A title of the same length keeps the tag's size: only the bytes would change.
    small_site.write(
        "episodes/first/episode.md",
        "---\ntitle: Fifth steps\ndate: 2026-01-04\nnumber: 1\n---\nx\n",
    )
    shutil.rmtree(small_site.root / ".publisher-cache")
    publish(small_site, target)
    assert (target / "episodes/first/first.mp3").read_bytes() == released
    assert (
        read_ledger(small_site.root).episodes["first"].audio.sha256
        == hashlib.sha256(released).hexdigest()
    )


def test_a_folder_renamed_with_its_guid_moves_its_record(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    publish(small_site, tmp_path / "www")
    old = read_ledger(small_site.root).episodes["first"]
    (small_site.root / "episodes/first").rename(small_site.root / "episodes/first-steps")
    episode = small_site.root / "episodes/first-steps/episode.md"
    episode.write_text(episode.read_text().replace("number: 1", f"number: 1\nguid: {old.guid}"))
    publish(small_site, tmp_path / "www")
    episodes = read_ledger(small_site.root).episodes
    assert "first" not in episodes
    assert episodes["first-steps"].guid == old.guid


def test_unpublishing_an_episode_only_the_live_feed_knows_reserves_its_guid(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    publish(small_site, target)
    (small_site.root / "published.toml").unlink()
    guid = feed_ids(target)[1][-1]
    shutil.rmtree(small_site.root / "episodes/first")
    small_site.write(
        "articles/2026-01-04-first-steps.md", "---\ntitle: First steps\ndate: 2026-01-04\n---\nx\n"
    )
    with pytest.raises(ProblemsFound):  # it would vanish from apps
        prepare_publish(small_site.root, NOW, str(target))
    run_publish(
        prepare_publish(small_site.root, NOW, str(target), unpublish=frozenset({"first"})), HOLDER
    )
    entry = read_ledger(small_site.root).episodes["first"]
    assert entry.unpublished is True and entry.guid == guid


def test_a_new_tag_format_leaves_released_files_alone(
    small_site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mutagen.id3 import ID3

    from publisher.render import audiotags, episode_files

    # Released under the previous format: ID3v2.4, TAG_FORMAT 1.
    monkeypatch.setattr(episode_files, "TAG_FORMAT", 1)
    monkeypatch.setattr(audiotags, "_id3_bytes", functools.partial(audiotags._id3_bytes, version=4))
    target = tmp_path / "www"
    publish(small_site, target)
    released = (target / "episodes/first/first.mp3").read_bytes()
    assert released[:4] == b"ID3\x04"
    record = read_ledger(small_site.root).episodes["first"].audio
    assert record.tags and record.sha256 == hashlib.sha256(released).hexdigest()
    monkeypatch.undo()
    assert audiotags.TAG_FORMAT == 2
    shutil.rmtree(small_site.root / ".publisher-cache")  # a new CI runner, too
    assert errors(small_site) == []
    publish(small_site, target)
    assert (target / "episodes/first/first.mp3").read_bytes() == released
    assert f'length="{len(released)}"' in (target / "feed.xml").read_text()
    # The episode released after the change gets the new format.
    later = dt.datetime(2026, 2, 2, tzinfo=dt.UTC)
    run_publish(prepare_publish(small_site.root, later, str(target)), HOLDER)
    assert (target / "episodes/first/first.mp3").read_bytes() == released
    future = target / "episodes/future/future.mp3"
    assert future.read_bytes()[:4] == b"ID3\x03"
    assert str(ID3(future)["TIT2"]) == "FUTUREMARKER episode"
