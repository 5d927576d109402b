"""One build: read and model everything, render in memory, then write."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from publisher import __version__
from publisher.assets import AssetMap, collect_assets
from publisher.cache import BuildCache, digest
from publisher.config import Config, load_config
from publisher.dates import localize_now
from publisher.episode_files import add_episode_files
from publisher.errors import ContentError, Problem, ProblemsFound
from publisher.feeds import articles_feed, podcast_feed
from publisher.ledger import read_ledger
from publisher.loaders import load_site
from publisher.model import Site
from publisher.output import OutputTree
from publisher.page_cache import PageCache, templates_fingerprint
from publisher.progress import Progress, no_progress
from publisher.released import provisional_warnings
from publisher.render import PageRenderer, make_environment, theme_dir
from publisher.search import search_index
from publisher.texts import render_texts
from publisher.views import Link, SiteView, build_site_view, make_link
from publisher.writer import FileInfo, Manifest, output_intact, write_tree

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Project:
    """A loaded site directory and the warnings found while loading it."""

    config: Config
    site: Site
    warnings: list[Problem] = field(default_factory=list)


def load_project(root: Path, cache: BuildCache | None = None) -> Project:
    """Read ``site.toml`` and all content; raise ``ProblemsFound`` listing every error."""
    config, config_warnings = load_config(root)
    try:
        ledger = read_ledger(root)
    except ContentError as err:
        raise ProblemsFound([err.problem]) from err
    site, content_problems = load_site(config, ledger, cache)
    return Project(config, site, [*config_warnings, *content_problems])


def render_site(
    site: Site,
    now: dt.datetime,
    include_unreleased: bool = False,
    cache: BuildCache | None = None,
    out: Path | None = None,
    progress: Progress = no_progress,
) -> OutputTree:
    """Every output file of the site as listeners see it at ``now``, in memory.

    With a ``cache`` and the ``out`` folder of the last build, unchanged pages are read back
    instead of rendered. ``progress`` hears about the Markdown conversion, the long step.
    """
    cache = cache or BuildCache()
    config = site.config
    now = localize_now(now, config.site.tz)
    _refuse_due_episodes_without_audio(site, now)
    visible = site.visible(now, include_unreleased)
    tree = OutputTree()
    assets = collect_assets(theme_dir() / "static", config.root / "templates" / "static", tree)
    artwork = _add_artwork(config, tree)
    texts = render_texts(visible, cache, progress)
    add_episode_files(visible, texts, tree, cache)
    view = build_site_view(visible, texts, now, tree.size)
    pages = _page_cache(config, view, assets, artwork, cache, out)
    env = make_environment(config.root / "templates", cache.folder("templates"))
    renderer = PageRenderer(env, view, assets, artwork, pages)
    for path, text in renderer.pages():
        tree.add(path, text)
    episodes = [e.fingerprint for e in view.episodes]
    articles = [e.fingerprint for e in view.articles]
    tree.add(
        "feed.xml",
        pages.product(
            "feed.xml",
            digest(pages.base_key, site.show_guid, episodes),
            lambda: podcast_feed(view, site.show_guid, artwork),
        ),
    )
    tree.add(
        "articles/feed.xml",
        pages.product(
            "articles/feed.xml", digest(pages.base_key, articles), lambda: articles_feed(view)
        ),
    )
    tree.add(
        "search/index.json",
        pages.product(
            "search/index.json",
            digest(pages.base_key, articles, episodes),
            lambda: search_index(view),
        ),
    )
    return tree


def build(
    root: Path,
    out: Path,
    now: dt.datetime,
    include_unreleased: bool = False,
    progress: Progress = no_progress,
) -> Manifest:
    """Load, render and write the site into ``out``; return the manifest of ``out``.

    Work from earlier builds is reused through ``.publisher-cache/`` in the site.
    """
    cache = BuildCache.open(root)
    project = load_project(root, cache)
    for warning in project.warnings:
        log.warning("%s", warning)
    _refuse_due_episodes_without_audio(project.site, localize_now(now, project.config.site.tz))
    key = _output_key(project.site, now, include_unreleased, out)
    if key == cache.last_key and output_intact(out, cache):
        log.info("nothing changed since the last build")
        return {path: FileInfo(*info) for path, info in cache.last_manifest.items()}
    tree = render_site(project.site, now, include_unreleased, cache, out, progress)
    for warning in provisional_warnings(tree):
        log.warning("%s", warning)
    manifest = write_tree(tree, out, root, cache)
    cache.last_key = key
    cache.last_manifest = {path: (info.size, info.sha256) for path, info in manifest.items()}
    cache.save()
    return manifest


def _output_key(site: Site, now: dt.datetime, include_unreleased: bool, out: Path) -> str:
    """Everything the output depends on: sources, templates, the visible items, the folder."""
    now = localize_now(now, site.config.site.tz)
    visible = site.visible(now, include_unreleased)
    shown = [(i.slug, i.is_released(now)) for i in (*visible.articles, *visible.episodes)]
    templates, _ = templates_fingerprint([theme_dir(), site.config.root / "templates"])
    return digest(__version__, site.content_key, templates, shown, str(out.resolve()))


def _refuse_due_episodes_without_audio(site: Site, now: dt.datetime) -> None:
    due = [e for e in site.episodes if e.is_due_without_audio(now)]
    if due:
        raise ProblemsFound(
            [
                Problem(
                    f"this episode is due ({e.date:%A %d %B %Y %H:%M}) but has no audio: add its "
                    ".mp3, or move its date, or mark it 'draft: true'",
                    e.source.parent,
                )
                for e in due
            ]
        )


def _page_cache(
    config: Config,
    view: SiteView,
    assets: AssetMap,
    artwork: Link | None,
    cache: BuildCache,
    out: Path | None,
) -> PageCache:
    templates, uses_view = templates_fingerprint([theme_dir(), config.root / "templates"])
    whole_site = [e.fingerprint for e in (*view.articles, *view.episodes)] if uses_view else []
    base = digest(__version__, repr(config), templates, assets.paths, artwork, whole_site)
    return PageCache(cache, out, base)


def _add_artwork(config: Config, tree: OutputTree) -> Link | None:
    artwork = config.podcast.artwork
    if artwork is None:
        return None
    name = "artwork" + artwork.suffix.lower()
    content = (config.root / artwork).read_bytes()
    return make_link(config, AssetMap().add(name, content, tree))
