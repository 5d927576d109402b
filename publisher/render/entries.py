"""What templates see: items with their URLs, HTML and labels worked out once."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import cached_property
from itertools import chain
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from publisher import urls
from publisher.cache import digest
from publisher.config.person import Person
from publisher.config.settings import Config
from publisher.content.audio import AudioInfo
from publisher.content.chapters import CHAPTERS_NAME, Chapter
from publisher.content.model import Article, Episode, Site, Soundbite
from publisher.content.slugs import slugify
from publisher.content.transcripts import Cue, transcript_blocks, transcript_paragraphs
from publisher.dates import clock_label
from publisher.render.markup import RenderedText, shorten, with_heading_anchors
from publisher.render.typography import smarten

WORDS_PER_MINUTE = 200
TOC_MIN_HEADINGS = 3


@dataclass(frozen=True)
class Link:
    """A root-relative and an absolute URL for one output path."""

    path: str
    url: str
    abs_url: str


def make_link(config: Config, path: str) -> Link:
    """Build the URLs of an output path such as ``episodes/a/`` or ``feed.xml``."""
    quoted = quote(path)
    return Link(path, config.site.base_path + quoted, f"{config.site.base_url}/{quoted}")


@dataclass(frozen=True)
class AudioView:
    link: Link
    mime_type: str
    size: int
    seconds: int
    bitrate: int = 0

    @property
    def duration_label(self) -> str:
        return clock_label(self.seconds)


@dataclass(frozen=True)
class ImageCopy:
    """One made image file: a resized copy or a share image."""

    link: Link
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """Resized copies of one image, WebP and JPEG, smallest first (``render/images.py``)."""

    webp: tuple[ImageCopy, ...]
    jpeg: tuple[ImageCopy, ...]

    @property
    def webp_srcset(self) -> str:
        return ", ".join(f"{c.link.url} {c.width}w" for c in self.webp)

    @property
    def jpeg_srcset(self) -> str:
        return ", ".join(f"{c.link.url} {c.width}w" for c in self.jpeg)

    @property
    def src(self) -> str:
        """The JPEG for browsers that read no ``srcset``: the middle size."""
        return self.jpeg[len(self.jpeg) // 2].link.url

    def height_for(self, width: int) -> int:
        """The height shown at ``width``, keeping the image's proportions."""
        largest = self.jpeg[-1]
        return max(1, round(width * largest.height / largest.width))


@dataclass(frozen=True)
class EpisodeExtras:
    """What only episodes have: other formats, transcript, chapters, cover, people."""

    alternates: tuple[AudioView, ...] = ()
    transcript: Link | None = None
    transcript_type: str = ""
    transcript_paragraphs: tuple[tuple[str, str], ...] = ()
    transcript_blocks: tuple[tuple[str, tuple[Cue, ...]], ...] = ()
    chapters: tuple[Chapter, ...] = ()
    chapters_link: Link | None = None
    cover: Link | None = None
    persons: tuple[Person, ...] = ()
    soundbites: tuple[Soundbite, ...] = ()
    season_name: str = ""
    number_label: str = ""
    block: bool = False
    picture: Picture | None = None
    """The episode's cover, else the show's artwork, as resized copies."""
    share: ImageCopy | None = None
    """The 1200×630 image for links shared on social sites."""


@dataclass(frozen=True)
class Entry:
    """One article or episode as pages and feeds show it."""

    kind: str
    slug: str
    title: str
    date: dt.datetime
    link: Link
    html: Markup
    toc: Markup
    reading_minutes: int
    plain: str
    text_key: str
    summary: str
    tags: tuple[tuple[str, str], ...]
    released: bool
    author: str = ""
    companion_slug: str | None = None
    audio: AudioView | None = None
    number: int | None = None
    season: int | None = None
    episode_type: str = "full"
    guid: str = ""
    explicit: bool | None = None
    updated: dt.datetime | None = None
    extras: EpisodeExtras = EpisodeExtras()

    @cached_property
    def page_html(self) -> Markup:
        """The HTML with a link to each heading, for the page (feeds keep plain headings)."""
        return Markup(with_heading_anchors(self.html))

    @cached_property
    def fingerprint(self) -> str:
        """A hash of everything this entry shows, for the page cache."""
        if not self.text_key:
            return digest(repr(self))
        large = {"html", "plain", "toc"}  # all follow from ``text_key``
        return digest(
            [(f.name, getattr(self, f.name)) for f in fields(self) if f.name not in large]
        )

    @property
    def last_modified(self) -> dt.datetime:
        return self.updated or self.date

    @property
    def date_label(self) -> str:
        return f"{self.date.day} {self.date:%B %Y}"

    @property
    def iso_date(self) -> str:
        return self.date.date().isoformat()


def smart_title(title: str) -> str:
    """A title as every page, feed and tag shows it: with the same typography as the text.

    >>> smart_title('Why "it\\'s just a muscle" misleads -- and what helps...')
    'Why “it’s just a muscle” misleads – and what helps…'
    """
    return smarten(title)


def smart_chapters(chapters: tuple[Chapter, ...]) -> tuple[Chapter, ...]:
    """Chapters with their titles typeset like :func:`smart_title`."""
    return tuple(replace(c, title=smart_title(c.title)) for c in chapters)


def _item_entry_fields(
    config: Config, item: Article | Episode, kind: str, text: RenderedText, now: dt.datetime
) -> dict[str, Any]:
    return {
        "kind": kind,
        "slug": item.slug,
        "title": smart_title(item.title),
        "date": item.date.astimezone(config.site.tz),
        "link": make_link(config, f"{kind}s/{item.slug}/"),
        "html": Markup(text.html),
        "toc": Markup(text.toc_html if text.heading_count >= TOC_MIN_HEADINGS else ""),
        "reading_minutes": max(1, round(text.word_count / WORDS_PER_MINUTE)),
        "plain": text.plain,
        "text_key": text.source_sha,
        "summary": item.summary or shorten(text.first_paragraph),
        "tags": tuple((tag, slugify(tag)) for tag in item.tags),
        "released": item.is_released(now),
    }


def article_entry(config: Config, article: Article, text: RenderedText, now: dt.datetime) -> Entry:
    return Entry(
        **_item_entry_fields(config, article, "article", text, now),
        companion_slug=article.episode_slug,
        updated=article.updated.astimezone(config.site.tz) if article.updated else None,
        author=article.author,
    )


def episode_entry(
    config: Config,
    episode: Episode,
    text: RenderedText,
    now: dt.datetime,
    size_of: Callable[[str], int],
) -> Entry:
    audio = episode.audio
    assert audio is not None, "the loader refuses episodes without audio"
    folder = urls.episode(episode.slug)
    return Entry(
        **_item_entry_fields(config, episode, "episode", text, now),
        companion_slug=episode.article_slug,
        audio=_audio_view(config, folder, audio, size_of),
        number=episode.number,
        season=episode.season,
        episode_type=episode.episode_type,
        guid=episode.guid,
        explicit=episode.explicit,
        extras=_episode_extras(config, episode, folder, size_of),
    )


def _audio_view(
    config: Config, folder: str, audio: AudioInfo, size_of: Callable[[str], int]
) -> AudioView:
    """The published copy: its size is the tagged file's, which the feed must state."""
    path = folder + audio.filename
    link = make_link(config, path)
    return AudioView(link, audio.mime_type, size_of(path), audio.whole_seconds, audio.bitrate)


def _episode_extras(
    config: Config, episode: Episode, folder: str, size_of: Callable[[str], int]
) -> EpisodeExtras:
    transcript = episode.transcript
    cover = episode.cover
    return EpisodeExtras(
        alternates=tuple(_audio_view(config, folder, a, size_of) for a in episode.alternate_audio),
        transcript=make_link(config, folder + transcript.filename) if transcript else None,
        transcript_type=transcript.mime_type if transcript else "",
        transcript_paragraphs=tuple(transcript_paragraphs(episode.cues)),
        transcript_blocks=tuple(transcript_blocks(episode.cues)),
        chapters=smart_chapters(episode.chapters),
        chapters_link=make_link(config, folder + CHAPTERS_NAME) if episode.chapters else None,
        cover=make_link(config, folder + cover.filename) if cover else None,
        persons=episode.persons,
        soundbites=episode.soundbites,
        season_name=episode.season_name,
        number_label=episode.number_label,
        block=episode.block,
    )


@dataclass(frozen=True)
class SiteView:
    """The visible site: entries newest first, with lookups templates need."""

    config: Config
    articles: tuple[Entry, ...]
    episodes: tuple[Entry, ...]

    @cached_property
    def _by_kind_and_slug(self) -> dict[tuple[str, str], Entry]:
        return {(e.kind, e.slug): e for e in (*self.articles, *self.episodes)}

    def companion(self, entry: Entry) -> Entry | None:
        """The episode of an article, or the article of an episode."""
        other = "episode" if entry.kind == "article" else "article"
        return self._by_kind_and_slug.get((other, entry.companion_slug or ""))

    @cached_property
    def _articles_by_tag(self) -> dict[str, list[int]]:
        """Tag slug to the positions (newest first) of the articles that have it."""
        members: dict[str, list[int]] = {}
        for index, article in enumerate(self.articles):
            for _, slug in article.tags:
                members.setdefault(slug, []).append(index)
        return members

    def related(self, entry: Entry, limit: int = 3) -> list[Entry]:
        """Other articles sharing the most tags with ``entry``; among equals the nearest
        earlier ones first, then the nearest later ones.

        Preferring earlier articles keeps an article's list as it is when newer ones arrive,
        so a release does not rewrite every article that shares a tag with the new one.
        """
        lists = [self._articles_by_tag.get(tag, []) for _, tag in entry.tags]
        shared = Counter(chain.from_iterable(lists))
        own = self._article_index.get(entry.slug, -1) if entry.kind == "article" else -1
        shared.pop(own, None)
        # Positions at or after ``start`` (newest first) are the articles dated before ``entry``.
        start = own + 1 if own >= 0 else sum(1 for a in self.articles if a.date > entry.date)
        ranked = heapq.nsmallest(
            limit,
            shared.items(),
            key=lambda pair: (-pair[1], pair[0] < start, abs(pair[0] - start)),
        )
        return [self.articles[index] for index, _ in ranked]

    @cached_property
    def _article_index(self) -> dict[str, int]:
        return {article.slug: index for index, article in enumerate(self.articles)}

    def tag_index(self) -> dict[str, tuple[str, list[Entry]]]:
        """Tag slug to its first-seen name and tagged entries, newest first."""
        found: dict[str, tuple[str, list[Entry]]] = {}
        everything = sorted(
            [*self.articles, *self.episodes], key=lambda e: (e.date, e.slug), reverse=True
        )
        for entry in everything:
            for name, slug in entry.tags:
                found.setdefault(slug, (name, []))[1].append(entry)
        return dict(sorted(found.items()))


def build_site_view(
    site: Site,
    texts: dict[tuple[str, str], RenderedText],
    now: dt.datetime,
    size_of: Callable[[str], int],
) -> SiteView:
    """Turn the visible model into entries, newest first; ``size_of`` gives output file sizes."""
    config = site.config
    articles = [article_entry(config, a, texts[("article", a.slug)], now) for a in site.articles]
    episodes = [
        episode_entry(config, e, texts[("episode", e.slug)], now, size_of) for e in site.episodes
    ]
    return SiteView(
        config,
        tuple(reversed(articles)),
        tuple(reversed(episodes)),
    )
