"""`publisher new episode` and `new article`: a ready file, dated the next free release day."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from publisher.content.identity import episode_guid
from publisher.content.model import Site
from publisher.content.slugs import slugify
from publisher.dates import next_release
from publisher.errors import ContentError

HORIZON_WEEKS = 520
SHOW_NOTES_PLACEHOLDER = "Write the show notes here."
ARTICLE_PLACEHOLDER = "Write the article here."


@dataclass(frozen=True)
class Scaffolded:
    path: Path
    date: dt.datetime
    number: int | None = None


def next_free_release(site: Site, now: dt.datetime, kind: str = "episode") -> dt.datetime:
    """The first release day after ``now`` with no full episode (or article) dated on it yet."""
    settings = site.config.site
    tz, time, weekday = settings.tz, settings.release_time, site.config.podcast.release_weekday
    items = site.episodes if kind == "episode" else site.articles
    taken = {
        item.date.astimezone(tz).date()
        for item in items
        if kind != "episode" or getattr(item, "episode_type", "full") == "full"
    }
    candidate = next_release(now, weekday, time, tz)
    for _ in range(HORIZON_WEEKS):
        if candidate.date() not in taken:
            return candidate
        candidate = next_release(candidate, weekday, time, tz)
    raise ContentError(f"every {weekday} of the next ten years already has an episode")


def _slug_for(title: str, slug: str | None) -> str:
    result = slug or slugify(title)
    if not result:
        raise ContentError("the title needs at least one letter or digit to make a file name")
    return result


def new_episode(site: Site, title: str, now: dt.datetime, slug: str | None = None) -> Scaffolded:
    """Create ``episodes/<slug>/episode.md`` with the next number, date and a fixed GUID."""
    slug = _slug_for(title, slug)
    folder = site.config.root / "episodes" / slug
    if folder.exists():
        raise ContentError("already exists; choose another title or pass --slug", folder)
    date = next_free_release(site, now)
    number = max((e.number or 0 for e in site.episodes), default=0) + 1
    seasons = [e.season for e in site.episodes if e.season]
    guid = episode_guid(site.show_guid, slug)
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {date.date().isoformat()}",
        f"number: {number}",
        *([f"season: {seasons[-1]}"] if seasons else []),
        'summary: ""  # one or two sentences for podcast apps',
        "tags: []",
        f"guid: {guid}  # fixed now so the episode keeps it, even if renamed",
        "---",
        SHOW_NOTES_PLACEHOLDER,
        "",
    ]
    folder.mkdir(parents=True)
    path = folder / "episode.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return Scaffolded(path, date, number)


def new_article(
    site: Site, title: str, now: dt.datetime, episode: str | None = None, slug: str | None = None
) -> Scaffolded:
    """Create ``articles/<date>-<slug>.md``, paired with ``episode`` when given."""
    slug = _slug_for(title, slug)
    if episode is not None and site.episode(episode) is None:
        raise ContentError(f"there is no episode folder episodes/{episode}/")
    paired = site.episode(episode) if episode else None
    date = (
        paired.date.astimezone(site.config.site.tz)
        if paired
        else next_free_release(site, now, "article")
    )
    path = site.config.root / "articles" / f"{date.date().isoformat()}-{slug}.md"
    if path.exists() or site.article(slug) is not None:
        raise ContentError("an article with this slug already exists; pass --slug", path)
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {date.date().isoformat()}",
        'summary: ""',
        "tags: []",
        *([f"episode: {episode}"] if episode else []),
        "---",
        ARTICLE_PLACEHOLDER,
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return Scaffolded(path, date)
