"""The content model: plain frozen dataclasses with no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from publisher.config.person import Person
from publisher.config.settings import Config
from publisher.content.audio import AudioInfo
from publisher.content.chapters import Chapter
from publisher.content.ledger import Ledger
from publisher.content.transcripts import Cue


@dataclass(frozen=True)
class Attachment:
    """A file published beside an episode's audio (transcript, chapters, cover)."""

    source: Path
    mime_type: str

    @property
    def filename(self) -> str:
        return self.source.name


@dataclass(frozen=True)
class Item:
    """What articles and episodes share: identity, dates, text and the release rule."""

    slug: str
    title: str
    date: dt.datetime
    source: Path
    body: str
    body_line: int = 1
    summary: str = ""
    draft: bool = False
    tags: tuple[str, ...] = ()
    key_lines: tuple[tuple[str, int], ...] = ()
    """The source line of each front-matter key, so later checks can point at it."""

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` in the source's front matter, if it is set there."""
        return dict(self.key_lines).get(key)

    def is_released(self, now: dt.datetime) -> bool:
        """Released means not a draft and dated at or before ``now``."""
        return not self.draft and self.date <= now

    @property
    def sort_key(self) -> tuple[dt.datetime, str]:
        return (self.date, self.slug)


@dataclass(frozen=True)
class Article(Item):
    author: str = ""
    episode_slug: str | None = None
    updated: dt.datetime | None = None


@dataclass(frozen=True)
class Soundbite:
    start: float
    duration: float
    title: str = ""


@dataclass(frozen=True)
class Episode(Item):
    audio: AudioInfo | None = None
    alternate_audio: tuple[AudioInfo, ...] = ()
    guid: str = ""
    number: int | None = None
    season: int | None = None
    season_name: str = ""
    number_label: str = ""
    episode_type: str = "full"
    explicit: bool | None = None
    block: bool = False
    article_slug: str | None = None
    transcript: Attachment | None = None
    cues: tuple[Cue, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    cover: Attachment | None = None
    persons: tuple[Person, ...] = ()
    soundbites: tuple[Soundbite, ...] = ()

    def is_released(self, now: dt.datetime) -> bool:
        """An episode also needs its audio before it can be released."""
        return self.audio is not None and super().is_released(now)

    def is_due_without_audio(self, now: dt.datetime) -> bool:
        return self.audio is None and not self.draft and self.date <= now


@dataclass(frozen=True)
class Site:
    """A loaded site: its config and every article and episode, oldest first."""

    config: Config
    articles: tuple[Article, ...] = ()
    episodes: tuple[Episode, ...] = ()
    show_guid: str = ""
    ledger: Ledger = field(default_factory=Ledger)
    content_key: str = ""
    """A hash of every source the site was loaded from (empty when it is not known)."""

    @cached_property
    def _by_slug(self) -> dict[tuple[str, str], Item]:
        """Made on the first lookup: sites made on the way (``visible``, ``replace``) need none."""
        found: dict[tuple[str, str], Item] = {("article", a.slug): a for a in self.articles}
        found.update({("episode", e.slug): e for e in self.episodes})
        return found

    def visible(self, now: dt.datetime, include_unreleased: bool = False) -> Site:
        """The site as listeners see it at ``now``: unreleased items and links to them removed."""
        if include_unreleased:
            return replace(self, episodes=tuple(e for e in self.episodes if e.audio is not None))
        articles = [a for a in self.articles if a.is_released(now)]
        episodes = [e for e in self.episodes if e.is_released(now)]
        released_episodes = {e.slug for e in episodes}
        released_articles = {a.slug for a in articles}
        return replace(
            self,
            articles=tuple(
                a if a.episode_slug in released_episodes else replace(a, episode_slug=None)
                for a in articles
            ),
            episodes=tuple(
                e if e.article_slug in released_articles else replace(e, article_slug=None)
                for e in episodes
            ),
        )

    def article(self, slug: str | None) -> Article | None:
        item = self._by_slug.get(("article", slug or ""))
        return item if isinstance(item, Article) else None

    def episode(self, slug: str | None) -> Episode | None:
        item = self._by_slug.get(("episode", slug or ""))
        return item if isinstance(item, Episode) else None
