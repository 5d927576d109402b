"""Render the whole site in memory: the model as listeners see it at one moment, to a tree."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path

from publisher import __version__, urls
from publisher.cache import BuildCache, digest
from publisher.config.settings import Config
from publisher.content.model import Site
from publisher.output.tree import Deferred, OutputTree, chunks_of
from publisher.progress import Progress, no_progress
from publisher.render.assets import AssetMap, collect_assets
from publisher.render.entries import Link, SiteView, build_site_view, make_link
from publisher.render.episode_files import add_episode_files
from publisher.render.feeds import articles_feed, podcast_feed
from publisher.render.images import ImageMaker, add_pictures
from publisher.render.moment import Moment, site_at, theme_dir
from publisher.render.page_cache import PageCache
from publisher.render.pages import Looks, PageRenderer, make_environment
from publisher.render.search import search_index
from publisher.render.texts import render_texts


def render_site(
    site: Site,
    now: dt.datetime,
    include_unreleased: bool = False,
    cache: BuildCache | None = None,
    out: Path | None = None,
    progress: Progress = no_progress,
    workers: int | None = None,
) -> OutputTree:
    """Every output file of the site as listeners see it at ``now``, in memory."""
    moment = site_at(site, now, include_unreleased)
    return render_moment(moment, cache, out, progress, workers)


def render_moment(
    moment: Moment,
    cache: BuildCache | None = None,
    out: Path | None = None,
    progress: Progress = no_progress,
    workers: int | None = None,
) -> OutputTree:
    """Render ``moment``: static files, tagged audio, pages, feeds and the search index.

    With a ``cache`` and the ``out`` folder of the last build, unchanged pages are read back
    instead of rendered. ``progress`` hears about the Markdown conversion, the long step.
    ``workers`` caps the processes sharing the work (``None``: one per core; 1: this one).
    The output is the same byte for byte whatever their number.
    """
    cache = cache or BuildCache()
    tree, view, looks = render_entries(moment, cache, progress, workers)
    pages = PageCache(cache, out, page_base_key(moment, view, looks))
    add_pages(tree, moment, view, looks, pages, workers=workers)
    return tree


def render_entries(
    moment: Moment,
    cache: BuildCache,
    progress: Progress = no_progress,
    workers: int | None = None,
) -> tuple[OutputTree, SiteView, Looks]:
    """Everything but the pages and feeds: the static files, tagged audio and images in a
    tree, the entries as templates see them, and what pages are made with."""
    site, config = moment.site, moment.site.config
    tree = OutputTree()
    assets = collect_assets(theme_dir() / "static", config.root / "templates" / "static", tree)
    artwork = _add_artwork(config, tree)
    images = ImageMaker(config, cache, tree)
    show_picture = images.artwork()
    texts = render_texts(site, cache, progress, workers)
    add_episode_files(site, texts, tree, cache)
    view = build_site_view(site, texts, moment.now, tree.size)
    view = add_pictures(site, view, images, workers)
    env = make_environment(config.root / "templates", cache.folder("templates"))
    return tree, view, Looks(env, assets, artwork, show_picture)


def add_pages(
    tree: OutputTree,
    moment: Moment,
    view: SiteView,
    looks: Looks,
    pages: PageCache,
    lazy: bool = False,
    workers: int | None = None,
) -> PageRenderer:
    """Add every page, both feeds and the search index to ``tree``. ``lazy`` (the preview)
    adds each as content made when first read, so only the pages someone asks for are made;
    otherwise they are made now, on ``workers`` processes."""
    renderer = PageRenderer(looks, view, pages)
    if lazy:
        for job in renderer.jobs():
            page = functools.partial(renderer.make, job)
            tree.add(job.path, Deferred("", functools.partial(_made, page)))
    else:
        for path, content in renderer.pages(workers):
            tree.add(path, content)
    _add_feeds_and_index(moment.site, view, looks.artwork, pages, tree, lazy)
    return renderer


def _made(make: Callable[[], bytes | Deferred]) -> bytes:
    content = make()
    return content if isinstance(content, bytes) else b"".join(chunks_of(content))


def _add_feeds_and_index(
    site: Site,
    view: SiteView,
    artwork: Link | None,
    pages: PageCache,
    tree: OutputTree,
    lazy: bool = False,
) -> None:
    episodes = [e.fingerprint for e in view.episodes]
    articles = [e.fingerprint for e in view.articles]
    products = {
        urls.FEED: (
            digest(pages.base_key, site.show_guid, episodes),
            lambda: podcast_feed(view, site.show_guid, artwork),
        ),
        urls.ARTICLES_FEED: (digest(pages.base_key, articles), lambda: articles_feed(view)),
        urls.SEARCH_INDEX: (
            digest(pages.base_key, articles, episodes),
            lambda: search_index(view),
        ),
    }
    if not view.episodes:  # no podcast (yet): no feed for apps to subscribe to
        del products[urls.FEED]
    for path, (key, make) in products.items():
        product = functools.partial(pages.product, path, key, make)
        tree.add(path, Deferred(key, functools.partial(_made, product)) if lazy else product())


def page_base_key(moment: Moment, view: SiteView, looks: Looks) -> str:
    """What every page's key starts from: the settings, templates, theme files and artwork,
    and every entry when a template reaches into the whole site (``view``)."""
    config = moment.site.config
    entries = (*view.articles, *view.episodes)
    whole_site = [e.fingerprint for e in entries] if moment.templates_use_view else []
    artwork = (looks.artwork, looks.show_picture)
    has_podcast = bool(view.episodes)
    return digest(
        __version__, repr(config), moment.templates, looks.assets.paths, artwork, has_podcast,
        whole_site,
    )  # fmt: skip


def _add_artwork(config: Config, tree: OutputTree) -> Link | None:
    artwork = config.podcast.artwork
    if artwork is None:
        return None
    name = urls.ARTWORK_STEM + artwork.suffix.lower()
    content = (config.root / artwork).read_bytes()
    return make_link(config, AssetMap().add(name, content, tree))
