"""Pages from Jinja2 templates: the site's ``templates/`` over the packaged default theme."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from publisher import urls
from publisher.errors import ContentError
from publisher.output.tree import Deferred
from publisher.render import structured
from publisher.render.assets import AssetMap
from publisher.render.entries import Entry, Link, Picture, SiteView, make_link
from publisher.render.moment import theme_dir
from publisher.render.page_cache import PageCache
from publisher.render.pagination import paginate
from publisher.render.structured import json_ld
from publisher.render.workers import share_inherited

log = logging.getLogger(__name__)

Rendered = tuple[str, bytes | Deferred]
LATEST_ARTICLES = 6
LATEST_EPISODES = 5
# Pages per chunk (about 0.6 ms each), and below how many a helper costs more than it saves.
PAGES_CHUNK = 32
PAGES_THRESHOLD = 128


class _OptionalBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between builds; a full or read-only disk only skips keeping one."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as err:
            log.debug("not keeping a compiled template (%s)", err)


def make_environment(site_templates: Path, compiled: Path | None = None) -> jinja2.Environment:
    """A fresh Jinja environment: site templates first, then the default theme.

    ``compiled`` is a folder where compiled templates are kept between builds.
    """
    loaders: list[jinja2.BaseLoader] = []
    if site_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(site_templates))
    loaders.append(jinja2.FileSystemLoader(theme_dir()))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_OptionalBytecodeCache(str(compiled)) if compiled else None,
    )


def check_templates(env: jinja2.Environment) -> None:
    """Compile every page template ``env`` can find; a syntax error is a ``ContentError``
    naming the file and line (others show only when a page is made)."""
    for name in env.list_templates(extensions=("html", "xml", "txt")):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as err:
            raise ContentError(f"template error: {err.message}", err.filename, err.lineno) from err


def _social(entry: Entry) -> dict[str, str]:
    """Open Graph facts of an item page: its type, its own image, its audio."""
    social = {"type": "article"}
    if entry.extras.share is not None:
        share = entry.extras.share
        social.update(image=share.link.abs_url, width=str(share.width), height=str(share.height))
    elif entry.extras.cover is not None:
        social["image"] = entry.extras.cover.abs_url
    if entry.audio is not None:
        social["audio"] = entry.audio.link.abs_url
        social["audio_type"] = entry.audio.mime_type
    return social


def _given(**values: Any) -> Callable[[], dict[str, Any]]:
    """A page context of values already at hand."""
    return lambda: values


@dataclass(frozen=True)
class Looks:
    """What every page is made with besides the entries: the templates, the theme's static
    files, and the show artwork as a file and as resized copies."""

    env: jinja2.Environment
    assets: AssetMap
    artwork: Link | None
    show_picture: Picture | None


@dataclass(frozen=True)
class PageJob:
    """One page to make: where it goes, its template and the values it is rendered with.

    ``context`` is what the page cache's key covers; ``derived`` follows from it and the
    settings alone, so it is left out of the key and made only when the page is rendered.
    Both are made only when the page is.
    """

    path: str
    template: str
    page: Link
    context: Callable[[], dict[str, Any]]
    derived: Callable[[], dict[str, Any]] | None = None


@dataclass(frozen=True)
class _Pending:
    """A page the last build cannot give: to be rendered, then kept under ``key``."""

    job: PageJob
    key: str | None
    context: dict[str, Any]


class PageRenderer:
    """Renders every page of one build with shared template globals."""

    def __init__(self, looks: Looks, view: SiteView, cache: PageCache | None = None) -> None:
        self.env = env = looks.env
        self.view = view
        self.artwork = artwork = looks.artwork
        self.cache = cache
        self.rendered = 0
        """How many pages this renderer had to render (not taken from the last build)."""
        self.listed: list[tuple[str, str]] = []
        """(URL, last change) of every page the sitemap lists, filled as pages are listed."""
        items = [*view.articles, *view.episodes]
        self.newest = max((e.last_modified.date().isoformat() for e in items), default="")
        config = view.config
        env.globals.update(
            site=config.site,
            podcast=config.podcast,
            view=view,
            has_podcast=bool(view.episodes),
            feed=make_link(config, urls.FEED),
            articles_feed=make_link(config, urls.ARTICLES_FEED),
            home=make_link(config, urls.HOME),
            artwork=artwork,
            show_picture=looks.show_picture,
            asset=lambda name: make_link(config, looks.assets.path(name)).url,
            link=lambda path: make_link(config, path),
        )

    def render(self, template: str, page: Link, **context: Any) -> str:
        """Render one template, turning template mistakes into errors naming the file."""
        try:
            return self.env.get_template(template).render(page=page, **context)
        except jinja2.TemplateSyntaxError as err:
            raise ContentError(f"template error: {err.message}", err.filename, err.lineno) from err
        except jinja2.TemplateNotFound as err:
            raise ContentError(f"template {err.name} not found in templates/ or the theme") from err
        except jinja2.UndefinedError as err:
            raise ContentError(f"template {template}: {err.message}") from err

    def _page(
        self,
        template: str,
        page: Link,
        lastmod: str | None = None,
        derived: Callable[[], dict[str, Any]] | None = None,
        context: Callable[[], dict[str, Any]] = dict,
    ) -> PageJob:
        """The job of one page. A page with a ``lastmod`` date is listed in the sitemap."""
        path = urls.page(page.path) if page.path.endswith("/") or not page.path else page.path
        if lastmod is not None:
            self.listed.append((page.abs_url, lastmod))
        return PageJob(path, template, page, context, derived)

    def make(self, job: PageJob) -> bytes | Deferred:
        """A page's content, taken from the last build when its key is unchanged."""
        planned = self._plan(job)
        if not isinstance(planned, _Pending):
            return planned
        return self._keep(planned, self._render_all([planned])[0])

    def pages(self, workers: int | None = None) -> list[Rendered]:
        """Every HTML page, sitemap and robots.txt as (output path, content).

        Pages not taken from the last build are rendered on every core (``workers`` caps the
        processes; see ``workers.py``).
        """
        planned = [(job.path, self._plan(job)) for job in self.jobs()]
        pending = [item for _, item in planned if isinstance(item, _Pending)]
        for template in sorted({item.job.template for item in pending}):
            # Compiled once, before any helper starts; a mistake is reported when rendering.
            with contextlib.suppress(jinja2.TemplateError):
                self.env.get_template(template)
        made = iter(
            share_inherited(self._render_all, pending, PAGES_CHUNK, PAGES_THRESHOLD, workers)
        )
        return [
            (path, self._keep(item, next(made)) if isinstance(item, _Pending) else item)
            for path, item in planned
        ]

    def _plan(self, job: PageJob) -> bytes | Deferred | _Pending:
        """The page as the last build made it, when its key is unchanged; else what to render."""
        context = job.context()
        if self.cache is None:
            return _Pending(job, None, context)
        key = self.cache.key(job.path, job.template, {"page": job.page, **context})
        known = self.cache.get(job.path, key)
        return known if known is not None else _Pending(job, key, context)

    def _keep(self, pending: _Pending, data: bytes) -> bytes:
        """Count a rendered page and keep it for the next build."""
        self.rendered += 1
        if self.cache is not None:
            self.cache.put(pending.job.path, pending.key, data)
        return data

    def _render_all(self, pending: list[_Pending]) -> list[bytes]:
        return [
            self.render(
                item.job.template,
                item.job.page,
                **item.context,
                **(item.job.derived() if item.job.derived else {}),
            ).encode()
            for item in pending
        ]

    def jobs(self) -> Iterator[PageJob]:
        """Every page to make, in order; nothing is rendered or looked up yet."""
        yield from self._home()
        yield from self._items(urls.ARTICLES, "article.html", self.view.articles)
        yield from self._items(urls.EPISODES, "episode.html", self.view.episodes)
        yield from self._tags()
        yield from self._extras()

    def _link(self, path: str) -> Link:
        return make_link(self.view.config, path)

    def _home(self) -> Iterator[PageJob]:
        view = self.view
        latest = view.episodes[0] if view.episodes else None
        yield self._page(
            "index.html",
            self._link(urls.HOME),
            self.newest,
            lambda: {"structured": json_ld(self._show())},
            lambda: {
                "latest_episode": latest,
                "latest_companion": view.companion(latest) if latest else None,
                "episodes": view.episodes[1 : LATEST_EPISODES + 1],
                "articles": view.articles[:LATEST_ARTICLES],
            },
        )

    def _show(self) -> dict[str, Any]:
        """What the home page says the site is: a podcast once an episode is out."""
        config = self.view.config
        return (
            structured.series(config, self.artwork)
            if self.view.episodes
            else (structured.website(config))
        )

    def _items(self, folder: str, template: str, entries: tuple[Entry, ...]) -> Iterator[PageJob]:
        """A paginated archive and one page per entry."""
        size = self.view.config.site.page_size
        for page in paginate(entries, size, folder):
            yield self._page(
                f"{folder.rstrip('/')}.html",
                self._link(page.path),
                page.items[0].iso_date if page.items else self.newest,
                context=_given(entries=page.items, pagination=page),
            )
        for entry in entries:
            yield self._item_page(template, entry)

    def _item_page(self, template: str, entry: Entry) -> PageJob:
        config = self.view.config
        describe = structured.article if entry.kind == "article" else structured.episode
        return self._page(
            template,
            entry.link,
            entry.last_modified.date().isoformat(),
            lambda: {
                "structured": json_ld(describe(config, entry, self.artwork)),
                "social": _social(entry),
            },
            lambda: {
                "entry": entry,
                "companion": self.view.companion(entry),
                "related": self.view.related(entry) if entry.kind == "article" else [],
            },
        )

    def _tags(self) -> Iterator[PageJob]:
        index = self.view.tag_index()
        yield self._page(
            "tags.html", self._link(urls.TAGS), self.newest, context=_given(tags=index)
        )
        for slug, (name, entries) in index.items():
            yield self._page(
                "tag.html",
                self._link(urls.tag(slug)),
                entries[0].iso_date,
                context=_given(tag=name, entries=entries),
            )

    def _extras(self) -> Iterator[PageJob]:
        yield self._page("search.html", self._link(urls.SEARCH), self.newest)
        yield self._page("404.html", self._link(urls.NOT_FOUND))
        yield self._page("robots.txt", self._link(urls.ROBOTS))
        listed = sorted(self.listed)
        yield self._page("sitemap.xml", self._link(urls.SITEMAP), context=_given(urls=listed))
