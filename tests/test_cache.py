"""The build cache never changes the output: after every kind of edit, a cached build equals a
clean one, and a build with nothing changed writes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.cache import CACHE_DIR, BuildCache
from tests.conftest import AUDIO, NOW, SiteFactory, build_site, tree_bytes


def clean_build(
    site: SiteFactory, tmp_path: Path, now: dt.datetime = NOW, drafts: bool = False
) -> dict[str, bytes]:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site.root, fresh, ignore=shutil.ignore_patterns(CACHE_DIR, "_site"))
    return tree_bytes(build_site(fresh, tmp_path / "fresh-out", now, drafts))


def edit_article(site: SiteFactory) -> None:
    site.article(
        "2026-01-06-more",
        "title: More on walking, revised\ndate: 2026-01-06\ntags: [walking, new]",
        "Changed body.\n",
    )


def edit_episode_notes(site: SiteFactory) -> None:
    site.write(
        "episodes/first/episode.md",
        "---\ntitle: First steps\ndate: 2026-01-04\nnumber: 1\narticle: first-steps\n---\nNew notes with [a link](/articles/more/).\n",
    )


def edit_template(site: SiteFactory) -> None:
    site.write(
        "templates/tag.html",
        '{% extends "base.html" %}{% block content %}<h1>Tagged {{ tag }}</h1>{% endblock %}',
    )


def edit_static(site: SiteFactory) -> None:
    site.write("templates/static/style.css", "body { color: navy; }\n")


def edit_config(site: SiteFactory) -> None:
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text().replace('title = "Test Show"', 'title = "Renamed Show"'))


def replace_audio(site: SiteFactory) -> None:
    shutil.copyfile(AUDIO / "tone-22khz.mp3", site.root / "episodes/first/first.mp3")


def replace_artwork(site: SiteFactory) -> None:
    from PIL import Image

    Image.new("RGB", (1400, 1400), (200, 40, 40)).save(site.root / "artwork.png")


def add_episode(site: SiteFactory) -> None:
    site.episode("third", "title: Third\ndate: 2026-01-09\nnumber: 3")


def delete_article(site: SiteFactory) -> None:
    (site.root / "articles/2026-01-06-more.md").unlink()


def add_transcript_and_chapters(site: SiteFactory) -> None:
    site.write("episodes/first/transcript.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:00.500\nHello\n")
    site.write(
        "episodes/first/chapters.json",
        '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Start"}]}',
    )


EDITS: dict[str, Callable[[SiteFactory], None]] = {
    "article": edit_article,
    "episode notes": edit_episode_notes,
    "template": edit_template,
    "static file": edit_static,
    "config": edit_config,
    "audio": replace_audio,
    "artwork": replace_artwork,
    "new episode": add_episode,
    "deleted article": delete_article,
    "transcript and chapters": add_transcript_and_chapters,
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_cached_build_equals_clean_build_after_an_edit(
    edit: str, small_site: SiteFactory, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_site(small_site.root, out)
    EDITS[edit](small_site)
    cached = tree_bytes(build_site(small_site.root, out))
    assert cached == clean_build(small_site, tmp_path)


def test_now_crossing_a_release_time(small_site: SiteFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(small_site.root, out)
    later = NOW.replace(month=2, day=2)  # "future" is released on 1 February
    cached = tree_bytes(build_site(small_site.root, out, later))
    assert "episodes/future/index.html" in cached
    assert cached == clean_build(small_site, tmp_path, later)
    back = tree_bytes(build_site(small_site.root, out, NOW))
    assert "episodes/future/index.html" not in back
    assert back == clean_build(small_site, tmp_path, NOW)


def test_drafts_preview_and_back(small_site: SiteFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(small_site.root, out)
    assert tree_bytes(build_site(small_site.root, out, drafts=True)) == clean_build(
        small_site, tmp_path, drafts=True
    )
    assert tree_bytes(build_site(small_site.root, out)) == clean_build(small_site, tmp_path)


def test_a_damaged_cache_is_ignored(small_site: SiteFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(small_site.root, out)
    for file in (small_site.root / CACHE_DIR).glob("*.pickle"):
        file.write_bytes(b"not a pickle at all")
    edit_article(small_site)
    assert tree_bytes(build_site(small_site.root, out)) == clean_build(small_site, tmp_path)


def test_a_tampered_output_file_is_rewritten(small_site: SiteFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    expected = tree_bytes(build_site(small_site.root, out))
    (out / "articles/more/index.html").write_text("tampered")
    (out / "episodes/first/first.mp3").write_bytes(b"x")
    (out / "stray.html").write_text("left behind")
    assert tree_bytes(build_site(small_site.root, out)) == expected


def test_nothing_changed_means_nothing_written(small_site: SiteFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(small_site.root, out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    build_site(small_site.root, out)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
    edit_article(small_site)
    build_site(small_site.root, out)
    changed = {
        p.relative_to(out).as_posix()
        for p in stamps
        if p.exists() and p.stat().st_mtime_ns != stamps[p]
    }
    assert "articles/more/index.html" in changed
    assert "episodes/first/first.mp3" not in changed and "episodes/second/index.html" not in changed


def test_the_cache_does_not_grow_with_edits_spellings_or_old_previews(
    small_site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = len(list(small_site.root.glob("articles/*.md"))) + len(
        list(small_site.root.glob("episodes/*/episode.md"))
    )
    build_site(small_site.root, small_site.root / "_site")
    # The same site spelled relative to the working directory, and a preview folder elsewhere.
    monkeypatch.chdir(small_site.root.parent)
    relative = Path(small_site.root.name)
    preview = tmp_path / "preview"
    build_site(relative, preview)
    for n in range(3):
        small_site.article("2026-01-06-more", "title: More\ndate: 2026-01-06", f"Version {n}.\n")
        build_site(relative, relative / "_site")
    shutil.rmtree(preview)
    (small_site.root / "articles/2026-02-01-later.md").unlink()
    build_site(small_site.root, small_site.root / "_site")

    cache = BuildCache.open(small_site.root)
    assert len(cache.items) == sources - 1  # one entry per file that still exists
    outputs = {p for p in (small_site.root / "_site").rglob("*") if p.is_file()}
    written = {Path(name) for name in cache.written}
    assert written <= outputs and len(written) == len(outputs) - 1  # all but the marker
    assert all(Path(name).exists() for name in cache.files)
