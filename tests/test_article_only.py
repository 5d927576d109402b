"""A site of articles only: no episode folder, no [podcast] settings, no podcast feed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import feedparser
from lxml import html as lxml_html

from tests.conftest import SiteFactory, run_cli

ARTICLES_ONLY_TOML = """\
[site]
title = "Notes on Backs"
base_url = "https://example.org"
description = "Articles only."
language = "en-gb"
timezone = "Europe/London"
author = "Tess Tester"
"""


def articles_only(make_site: Callable[..., SiteFactory]) -> SiteFactory:
    site = make_site()
    site.write("site.toml", ARTICLES_ONLY_TOML)
    (site.root / "artwork.png").unlink()
    site.article(
        "2026-01-04-first",
        "title: First notes\ndate: 2026-01-04\ntags: [basics]",
        body="See [the second](/articles/second/).[^1]\n\n[^1]: A footnote.\n",
    )
    site.article("2026-01-06-second", "title: Second notes\ndate: 2026-01-06\ntags: [basics]")
    return site


def test_an_article_only_site_builds_checks_and_publishes_without_podcast_settings(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = articles_only(make_site)
    root = str(site.root)
    out = tmp_path / "out"
    built = run_cli("--site", root, "build", "--out", str(out), "--now", "2026-01-10")
    assert built.returncode == 0, built.stderr
    checked = run_cli("--site", root, "check", "--out", str(out), "--now", "2026-01-10")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "error:" not in checked.stdout + checked.stderr
    for setting in ("artwork", "category", "owner"):
        assert setting not in checked.stdout + checked.stderr
    www = tmp_path / "www"
    published = run_cli("--site", root, "publish", "--target", str(www), "--now", "2026-01-10")
    assert published.returncode == 0, published.stdout + published.stderr
    for folder in (out, www):
        # No podcast feed without episodes; the articles feed is there.
        assert not (folder / "feed.xml").exists()
        feed = feedparser.parse((folder / "articles" / "feed.xml").read_bytes())
        assert feed.bozo == 0
        assert [e.title for e in feed.entries] == ["Second notes", "First notes"]
        assert (folder / "articles" / "first" / "index.html").is_file()
    # No page points at the missing feed or invites listeners to a podcast, not even in the
    # schema.org data search engines read.
    for page in sorted(www.rglob("*.html")):
        assert 'feed.xml"' not in page.read_text().replace('articles/feed.xml"', ""), page
        tree = lxml_html.fromstring(page.read_bytes())
        links = tree.xpath("//@href")
        assert not [url for url in links if url.endswith("/feed.xml") and "articles/" not in url]
        assert tree.xpath("//aside[@class='subscribe']") == [], page
        visible = " ".join(tree.xpath("//body//text()[not(ancestor::script)]"))
        assert "podcast" not in visible.lower(), page


def test_the_first_episode_folder_brings_the_podcast_rules_back(
    make_site: Callable[..., SiteFactory], tmp_path: Path
) -> None:
    site = articles_only(make_site)
    site.episode("pilot", "title: Pilot\ndate: 2026-01-04")
    checked = run_cli("--site", str(site.root), "check", "--now", "2026-01-10")
    assert checked.returncode == 1
    assert "Apple requires show artwork" in checked.stdout + checked.stderr
