from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.config.settings import load_config
from publisher.content.loaders import load_site
from publisher.content.model import Site
from publisher.errors import ProblemsFound
from tests.conftest import NOW, SiteFactory, build_site


def load(site: SiteFactory) -> Site:
    config, _ = load_config(site.root)
    return load_site(config)[0]


def problems_of(site: SiteFactory) -> list[str]:
    config, _ = load_config(site.root)
    with pytest.raises(ProblemsFound) as caught:
        load_site(config)
    return [str(p) for p in caught.value.problems if p.is_error]


def test_items_are_loaded_sorted_and_paired(small_site: SiteFactory) -> None:
    site = load(small_site)
    assert [e.slug for e in site.episodes] == ["hidden", "first", "second", "future"]
    assert [a.slug for a in site.articles] == ["first-steps", "more", "later"]
    first = site.episode("first")
    assert first is not None and first.article_slug == "first-steps"
    article = site.article("first-steps")
    assert article is not None and article.episode_slug == "first"  # paired from the episode side
    assert site.article("later").episode_slug == "future"  # type: ignore[union-attr]
    assert site.episode("future").article_slug == "later"  # type: ignore[union-attr]


def test_naive_dates_are_in_the_site_zone(small_site: SiteFactory) -> None:
    second = load(small_site).episode("second")
    assert second is not None
    assert second.date.isoformat() == "2026-01-08T18:30:00+00:00"
    assert str(second.date.tzinfo) == "Europe/London"


def test_visible_site_hides_drafts_future_items_and_links_to_them(small_site: SiteFactory) -> None:
    visible = load(small_site).visible(NOW)
    assert [e.slug for e in visible.episodes] == ["first", "second"]
    assert [a.slug for a in visible.articles] == ["first-steps", "more"]
    preview = load(small_site).visible(NOW, include_unreleased=True)
    assert len(preview.episodes) == 4


def test_release_is_at_or_before_now(small_site: SiteFactory) -> None:
    future = load(small_site).episode("future")
    assert future is not None
    release = dt.datetime(2026, 2, 1, 6, 0, tzinfo=future.date.tzinfo)
    assert future.is_released(release)
    assert not future.is_released(release - dt.timedelta(seconds=1))


def test_episode_guid_survives_a_title_change(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.episode("ep", "title: Old title\ndate: 2026-01-04")
    before = load(site).episode("ep")
    site.write("episodes/ep/episode.md", "---\ntitle: New title\ndate: 2026-01-05\n---\nx\n")
    after = load(site).episode("ep")
    assert before is not None and after is not None
    assert before.guid == after.guid
    assert len(before.guid) == 36


def test_explicit_guid_is_kept(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.episode("ep", "title: T\ndate: 2026-01-04\nguid: my-old-wordpress-guid-17")
    assert load(site).episode("ep").guid == "my-old-wordpress-guid-17"  # type: ignore[union-attr]


def test_every_content_error_is_collected(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.article("2026-01-04-no-title", "date: 2026-01-04")
    site.article("2026-01-05-bad-date", "title: T\ndate: soon")
    site.article("notes", "title: T\ndate: 2026-01-04")
    site.episode("ep", "title: T\ndate: 2026-01-04\nnumber: zero\ntype: teaser")
    root = site.root
    assert problems_of(site) == [
        f"{root}/articles/2026-01-04-no-title.md:1: error: title is required; add a line 'title: ...'",
        f"{root}/articles/2026-01-05-bad-date.md:3: error: date: 'soon' is not a date; write YYYY-MM-DD "
        "or YYYY-MM-DD HH:MM",
        f"{root}/articles/notes.md: error: article file names look like 2025-01-05-my-title.md "
        "(date, then slug)",
        f"{root}/episodes/ep/episode.md:4: error: number: must be a whole number of 1 or more",
        f"{root}/episodes/ep/episode.md:5: error: type: must be one of: full, trailer, bonus",
    ]


def test_audio_problems(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.write("episodes/silent/episode.md", "---\ntitle: T\ndate: 2026-01-04\n---\n")
    site.episode("double", "title: T\ndate: 2026-01-04")
    site.audio("double", "tone.mp3", name="other.mp3")
    site.episode("broken", "title: T\ndate: 2026-01-04", fixture="empty.mp3")
    root = site.root
    assert problems_of(site) == [
        f"{root}/episodes/broken/broken.mp3: error: the audio file is empty; export it again from your "
        "audio editor",
        f"{root}/episodes/double: error: needs one audio file, an .mp3 or .m4a (at most one of each; "
        "found: double.mp3, other.mp3)",
    ]


def test_an_episode_may_wait_for_its_audio_until_it_is_due(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.write("episodes/later/episode.md", "---\ntitle: Later\ndate: 2026-02-01\n---\n")
    loaded, problems = load_site(load_config(site.root)[0])
    assert problems == []  # waiting is normal; check says so before the release moment
    assert (
        loaded.visible(NOW).episodes == ()
        and loaded.visible(NOW, include_unreleased=True).episodes == ()
    )
    out = build_site(site.root, tmp_path / "out")  # not due yet: the build goes on
    assert not (out / "episodes" / "later").exists()


def test_duplicate_slugs(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.article("2026-01-04-same", "title: A\ndate: 2026-01-04")
    site.article("2026-01-05-other", "title: B\ndate: 2026-01-05\nslug: same")
    root = site.root
    assert problems_of(site) == [
        f"{root}/articles/2026-01-05-other.md: error: article slug 'same' is also used by "
        f"{root}/articles/2026-01-04-same.md; give one of them another slug"
    ]


def test_slugs_that_escape_are_refused(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.article("2026-01-04-x", "title: A\ndate: 2026-01-04\nslug: ../../etc")
    site.article("2026-01-05-y", "title: B\ndate: 2026-01-05\nepisode: ../up")
    root = site.root
    assert problems_of(site) == [
        f"{root}/articles/2026-01-04-x.md:4: error: slug: '../../etc' is not a slug: use lower-case "
        "letters, digits and hyphens such as 'etc'",
        f"{root}/articles/2026-01-05-y.md:4: error: episode: '../up' is not a slug: use lower-case "
        "letters, digits and hyphens such as 'up'",
    ]


def test_symlink_out_of_the_site_is_refused(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    outside = site.root.parent / "outside.md"
    outside.write_text("---\ntitle: Secret\ndate: 2026-01-04\n---\nsecret\n")
    (site.root / "articles").mkdir()
    os.symlink(outside, site.root / "articles" / "2026-01-04-secret.md")
    assert problems_of(site) == [
        f"{site.root}/articles/2026-01-04-secret.md: error: points outside the site directory; "
        "copy the file in instead"
    ]


def test_an_episode_pairs_with_one_article(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.episode("ep", "title: E\ndate: 2026-01-04\narticle: one")
    site.article("2026-01-04-one", "title: One\ndate: 2026-01-04")
    site.article("2026-01-04-two", "title: Two\ndate: 2026-01-04\nepisode: ep")
    site.article("2026-01-05-three", "title: Three\ndate: 2026-01-05\nepisode: nope")
    root = site.root
    assert problems_of(site) == [
        f"{root}/articles/2026-01-05-three.md: error: episode: no episode folder episodes/nope/",
        f"{root}/episodes/ep/episode.md: error: episode 'ep' is the companion of both 'one' and 'two'; "
        "pair it with one article",
    ]


def test_an_article_pairs_with_one_episode(make_site: Callable[..., SiteFactory]) -> None:
    site = make_site()
    site.episode("a", "title: A\ndate: 2026-01-04")
    site.episode("b", "title: B\ndate: 2026-01-04\narticle: one")
    site.article("2026-01-04-one", "title: One\ndate: 2026-01-04\nepisode: a")
    assert problems_of(site) == [
        f"{site.root}/episodes/b/episode.md: error: article: 'one' is already the companion of "
        "episode 'a'; an article pairs with one episode",
    ]


def test_audio_linked_from_outside_the_site_is_refused(
    make_site: Callable[..., SiteFactory],
) -> None:
    site = make_site()
    site.write("episodes/ep/episode.md", "---\ntitle: T\ndate: 2026-01-04\n---\n")
    outside = site.root.parent / "elsewhere.mp3"
    outside.write_bytes(b"secret")
    os.symlink(outside, site.root / "episodes" / "ep" / "ep.mp3")
    assert problems_of(site) == [
        f"{site.root}/episodes/ep/ep.mp3: error: points outside the site directory; copy the file in instead"
    ]
