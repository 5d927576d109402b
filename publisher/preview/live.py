"""The preview's site in memory: loaded once, patched when an article is saved, and each page
made only when a browser asks for it."""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from publisher import urls
from publisher.cache import BuildCache
from publisher.content.loaders import Project, load_project, reload_article
from publisher.content.model import Article
from publisher.dates import localize_now
from publisher.output.tree import OutputTree
from publisher.render.entries import SiteView, article_entry
from publisher.render.moment import Moment, site_at
from publisher.render.page_cache import Kept, PageCache
from publisher.render.pages import Looks, PageRenderer, check_templates, make_environment
from publisher.render.site import add_pages, page_base_key, render_entries
from publisher.render.texts import render_texts

log = logging.getLogger(__name__)

HOME = urls.page(urls.HOME)


@dataclass(frozen=True)
class _Loaded:
    """One state of the site: what was loaded and rendered, up to the pages."""

    project: Project
    moment: Moment
    view: SiteView
    looks: Looks
    files: OutputTree
    """Every file but the pages, feeds and search index."""
    releases: tuple[dt.datetime, ...]
    """The date of every article and episode, sorted (a patch changes none)."""


class LiveSite:
    """The site as the preview serves it, kept in memory between saves.

    ``tree`` holds every output file; pages, feeds and the search index in it are made when
    first read, and a page whose inputs did not change since an earlier state is not made
    again. ``load`` reads the whole site (the cache in ``.publisher-cache/`` spares unchanged
    files); ``patch`` reads again only the articles an editor saved, when nothing else can
    have changed.
    """

    def __init__(self, root: Path, drafts: bool = False) -> None:
        self.root = root
        self.drafts = drafts
        self.cache = BuildCache.open(root)
        self.kept: Kept = {}
        self.tree = OutputTree()
        self.loads = 0
        """Whole-site loads so far."""
        self.patches = 0
        """Saves taken in by reading only the saved articles again."""
        self._loaded: _Loaded | None = None
        self._renderer: PageRenderer | None = None
        self._rendered_before = 0

    @property
    def pages_rendered(self) -> int:
        """How many pages, in all states so far, had to be rendered."""
        current = self._renderer.rendered if self._renderer else 0
        return self._rendered_before + current

    def load(self, now: dt.datetime) -> None:
        """Read the whole site; keep the cache for later builds. Raises on a problem (a
        template's too), leaving the last good state in place. Hold the site lock."""
        gc.unfreeze()  # the last state's objects may go now
        # Read afresh: a build or check may have saved it since, and what the last state used
        # is forgotten when this one saves it.
        self.cache = BuildCache.open(self.root)
        project = load_project(self.root, self.cache)
        for warning in project.warnings:
            log.warning("%s", warning)
        moment = site_at(project.site, now, self.drafts)
        files, view, looks = render_entries(moment, self.cache)
        check_templates(looks.env)
        items = (*project.site.articles, *project.site.episodes)
        releases = tuple(sorted(item.date for item in items))
        loaded = _Loaded(project, moment, view, looks, files, releases)
        tree, renderer = self._pages(loaded)
        if HOME in tree:
            tree.read(HOME)  # a mistake in the templates every page uses fails the load
        self._show(loaded, tree, renderer)
        self.cache.save()
        self.loads += 1
        # The site stays loaded for many saves: spare the garbage collector from walking it
        # again at every save (a pause of tens of milliseconds on a large site).
        gc.freeze()

    def patch(self, now: dt.datetime, saved: list[Path]) -> bool:
        """Take in the ``saved`` article files alone, if that is all that changed; False when
        the whole site must be loaded (nothing loaded yet, another kind of file, a release
        moment passed, or an edit that reaches past the articles' own pages)."""
        loaded = self._loaded
        if loaded is None or not saved or not _same_releases(loaded, now):
            return False
        project: Project | None = loaded.project
        for path in saved:
            project = reload_article(project, path, self.cache) if project else None
        if project is None:
            return False
        for warning in project.warnings:
            if warning.path in saved:
                log.warning("%s", warning)
        site = project.site.visible(localize_now(now, project.config.site.tz), self.drafts)
        moment = replace(loaded.moment, site=site, now=localize_now(now, project.config.site.tz))
        names = {str(path) for path in saved}
        edited = [a for a in site.articles if str(a.source) in names]
        view = _with_articles(loaded.view, moment, edited, self.cache)
        # Templates' globals belong to one state: a page of the last one, still being made,
        # keeps its own environment.
        templates = project.config.root / "templates"
        env = make_environment(templates, self.cache.folder("templates"))
        looks = replace(loaded.looks, env=env)
        loaded = replace(loaded, project=project, moment=moment, view=view, looks=looks)
        self._show(loaded, *self._pages(loaded))
        self.patches += 1
        return True

    def _pages(self, loaded: _Loaded) -> tuple[OutputTree, PageRenderer]:
        """The files of ``loaded``, with its pages, feeds and index to be made on request."""
        tree = OutputTree(dict(loaded.files.files), dict(loaded.files.provisional))
        key = page_base_key(loaded.moment, loaded.view, loaded.looks)
        pages = PageCache(self.cache, None, key, self.kept)
        renderer = add_pages(tree, loaded.moment, loaded.view, loaded.looks, pages, lazy=True)
        return tree, renderer

    def _show(self, loaded: _Loaded, tree: OutputTree, renderer: PageRenderer) -> None:
        """Make ``loaded`` the state served."""
        if self._renderer is not None:
            self._rendered_before += self._renderer.rendered
        self._loaded, self.tree, self._renderer = loaded, tree, renderer


def _same_releases(loaded: _Loaded, now: dt.datetime) -> bool:
    """Whether no article or episode was released (or came due) between the state's moment
    and ``now``: only then can the state be patched."""
    before = loaded.moment.now
    after = localize_now(now, loaded.project.config.site.tz)
    lo, hi = min(before, after), max(before, after)
    return bisect.bisect_right(loaded.releases, lo) == bisect.bisect_right(loaded.releases, hi)


def _with_articles(
    view: SiteView, moment: Moment, articles: list[Article], cache: BuildCache
) -> SiteView:
    """``view`` with the entries of ``articles`` (visible ones, read again) made anew."""
    if not articles:
        return view
    config = moment.site.config
    texts = render_texts(replace(moment.site, articles=tuple(articles), episodes=()), cache)
    fresh = {
        a.slug: article_entry(config, a, texts[("article", a.slug)], moment.now) for a in articles
    }
    return replace(view, articles=tuple(fresh.get(e.slug, e) for e in view.articles))
