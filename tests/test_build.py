"""Whole builds: what is in the output, what never is, and that it is reproducible."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from publisher.errors import PublisherError
from tests.conftest import SiteFactory, build_site, tree_bytes

MARKERS = (b"FUTUREMARKER", b"DRAFTMARKER", b"FUTURETAG", b"futuretag", b"/future/", b"/hidden/")


def test_expected_pages_exist(small_site: SiteFactory, tmp_path: Path) -> None:
    files = set(tree_bytes(build_site(small_site.root, tmp_path / "out")))
    for path in (
        "index.html", "feed.xml", "articles/index.html", "articles/first-steps/index.html",
        "articles/more/index.html", "articles/feed.xml", "episodes/index.html",
        "episodes/first/index.html", "episodes/first/first.mp3", "episodes/second/second.m4a",
        "tags/index.html", "tags/walking/index.html", "tags/basics/index.html",
        "sitemap.xml", "robots.txt", "404.html",
    ):  # fmt: skip
        assert path in files
    assert any(p.startswith("static/style.") and p.endswith(".css") for p in files)


def test_unreleased_items_leave_no_trace(small_site: SiteFactory, tmp_path: Path) -> None:
    files = tree_bytes(build_site(small_site.root, tmp_path / "out"))
    for path, content in files.items():
        for marker in MARKERS:
            assert marker not in content, f"{marker!r} leaked into {path}"
            assert marker.decode() not in path
    assert not any(p.startswith(("episodes/future/", "episodes/hidden/")) for p in files)


def test_drafts_flag_previews_everything_with_a_banner(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    out = build_site(small_site.root, tmp_path / "out", drafts=True)
    page = (out / "episodes" / "future" / "index.html").read_text()
    assert "Not yet published" in page
    assert "Not yet published" not in (out / "episodes" / "first" / "index.html").read_text()
    # A later normal build removes every trace of the preview.
    files = tree_bytes(build_site(small_site.root, out))
    assert not any(marker in content for content in files.values() for marker in MARKERS)


def test_two_builds_are_byte_identical(small_site: SiteFactory, tmp_path: Path) -> None:
    first = tree_bytes(build_site(small_site.root, tmp_path / "one"))
    second = tree_bytes(build_site(small_site.root, tmp_path / "two"))
    assert first == second


def test_rebuild_rewrites_no_unchanged_file(small_site: SiteFactory, tmp_path: Path) -> None:
    out = build_site(small_site.root, tmp_path / "out")
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    small_site.write(
        "articles/2026-01-06-more.md",
        "---\ntitle: More on walking\ndate: 2026-01-06\ntags: [walking]\n---\nEdited.\n",
    )
    build_site(small_site.root, out)
    changed = {
        p.relative_to(out).as_posix() for p, t in stamps.items() if p.stat().st_mtime_ns != t
    }
    assert "articles/more/index.html" in changed
    assert "episodes/first/first.mp3" not in changed
    assert "episodes/first/index.html" not in changed


def test_hostile_titles_are_escaped(make_site: Callable[..., SiteFactory], tmp_path: Path) -> None:
    title = '<script>alert("x")</script> & "Quotes" — Ünïcödé ☕'
    site = make_site()
    site.episode("ep", f"title: '{title}'\ndate: 2026-01-04\ntags: ['<b>bold</b>']")
    site.article("2026-01-04-art", f"title: '{title}'\ndate: 2026-01-04\nepisode: ep")
    out = build_site(site.root, tmp_path / "out")
    for page in (
        "index.html",
        "episodes/ep/index.html",
        "articles/art/index.html",
        "tags/b-bold-b/index.html",
    ):
        html = (out / page).read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        # Titles get the text's typography: curly quotes, then HTML escaping.
        assert "&lt;script&gt;alert(“x”)&lt;/script&gt; &amp; “Quotes” — Ünïcödé ☕" in html
    smart = "<script>alert(“x”)</script> & “Quotes” — Ünïcödé ☕"
    feed = etree.parse(str(out / "feed.xml")).getroot()
    assert feed.findtext("channel/item/title") == smart
    atom = feedparser.parse((out / "articles" / "feed.xml").read_bytes())
    assert atom.bozo == 0 and atom.entries[0].title == smart


def test_site_without_templates_uses_the_packaged_theme(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.episode("ep", "title: T\ndate: 2026-01-04")
    assert not (site.root / "templates").exists()
    html = (build_site(site.root, tmp_path / "out") / "index.html").read_text()
    assert "Get the free weekly podcast" in html


def test_site_templates_override_the_theme(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.episode("ep", "title: T\ndate: 2026-01-04")
    site.write(
        "templates/episode.html",
        '{% extends "base.html" %}{% block content %}<p>CUSTOM {{ entry.title }}</p>{% endblock %}',
    )
    site.write("templates/static/style.css", "body { color: rebeccapurple; }\n")
    out = build_site(site.root, tmp_path / "out")
    assert "<p>CUSTOM T</p>" in (out / "episodes" / "ep" / "index.html").read_text()
    [css] = (out / "static").glob("style.*.css")
    assert css.read_text() == "body { color: rebeccapurple; }\n"


def test_template_syntax_error_names_the_template(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = make_site()
    site.write("templates/index.html", "line one\n{% if %}\n")
    with pytest.raises(PublisherError) as caught:
        build_site(site.root, tmp_path / "out")
    assert str(caught.value).startswith(
        f"{site.root / 'templates' / 'index.html'}:2: error: template error:"
    )
    assert not (tmp_path / "out").exists()


def test_base_url_with_a_path(make_site: Callable[..., SiteFactory], tmp_path: Path) -> None:
    site = make_site()
    toml = (
        (site.root / "site.toml")
        .read_text()
        .replace("https://example.org", "https://example.org/show/")
    )
    (site.root / "site.toml").write_text(toml)
    site.episode("ep", "title: T\ndate: 2026-01-04")
    out = build_site(site.root, tmp_path / "out")
    assert 'href="/show/episodes/ep/"' in (out / "index.html").read_text()
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.entries[0].enclosures[0].href == "https://example.org/show/episodes/ep/ep.mp3"


def test_output_folder_of_someone_else_is_not_overwritten(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    with pytest.raises(PublisherError, match="is not empty and was not made by publisher"):
        build_site(small_site.root, precious)
    assert (precious / "thesis.txt").read_text() == "years of work"
    with pytest.raises(PublisherError, match="contains the site itself"):
        build_site(small_site.root, small_site.root)


def test_sitemap_lists_released_pages(small_site: SiteFactory, tmp_path: Path) -> None:
    out = build_site(small_site.root, tmp_path / "out")
    root = etree.parse(str(out / "sitemap.xml")).getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = root.xpath("//s:loc/text()", namespaces=ns)
    assert "https://example.org/episodes/first/" in locs
    assert "https://example.org/articles/more/" in locs
    assert all(loc.startswith("https://example.org/") for loc in locs)
    assert len(locs) == len(set(locs))
