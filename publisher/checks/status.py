"""`publisher status`: what is live, what is scheduled and when, and what is missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from publisher.cache import BuildCache
from publisher.checks.rehearsal import Release, rehearse
from publisher.checks.run import check_rendered
from publisher.content.loaders import load_project
from publisher.content.model import Article, Episode, Site
from publisher.dates import localize_now, next_release
from publisher.errors import ProblemsFound, site_path
from publisher.render.site import render_site

GAP_WEEKS = 8


@dataclass(frozen=True)
class Row:
    kind: str
    slug: str
    title: str
    state: str  # live, scheduled, draft
    date: str
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Upcoming:
    """A scheduled release moment: what goes live then, and whether anything would stop it."""

    date: str
    items: tuple[str, ...]
    ready: bool
    state: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Status:
    rows: tuple[Row, ...]
    gaps: tuple[str, ...]
    next_release: str
    releases: tuple[Upcoming, ...] = ()
    errors_now: int = 0
    """Problems that stop a publish now (``publisher check`` lists them)."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _state(item: Article | Episode, now: dt.datetime) -> str:
    if item.draft:
        return "draft"
    if item.date > now:
        return "scheduled"
    return "live" if item.is_released(now) else "due"


def _problems(item: Article | Episode, site: Site, now: dt.datetime) -> tuple[str, ...]:
    found = []
    if isinstance(item, Episode):
        if item.audio is None:
            found.append("no audio yet" if item.date > now else "due but no audio")
        if item.article_slug is None:
            found.append("no companion article")
    return tuple(found)


def site_status(site: Site, now: dt.datetime, releases: Sequence[Release] = ()) -> Status:
    """Every item with its state, the releases ahead, and release days with nothing on them."""
    tz = site.config.site.tz
    items: list[Article | Episode] = [*site.episodes, *site.articles]
    rows = tuple(
        Row(
            "episode" if isinstance(item, Episode) else "article",
            item.slug,
            item.title,
            _state(item, now),
            f"{item.date.astimezone(tz):%a %d %b %Y %H:%M}",
            _problems(item, site, now),
        )
        for item in sorted(items, key=lambda i: (i.date, i.slug))
    )
    upcoming = tuple(_upcoming(release, site.config.root) for release in releases)
    scheduled = sorted(i.date for i in items if not i.draft and i.date > now)
    first = f"{scheduled[0].astimezone(tz):%A %d %B %Y %H:%M %Z}" if scheduled else "none scheduled"
    return Status(rows, _gaps(site, now), first, upcoming)


def _upcoming(release: Release, root: Path) -> Upcoming:
    items = tuple(
        f"{'episode' if isinstance(item, Episode) else 'article'} {item.slug}"
        for item in release.items
    )
    reasons = tuple(
        str(replace(p, moment=None, path=site_path(Path(p.path), root) if p.path else None))
        for p in release.problems
    )
    return Upcoming(release.label, items, release.ready, release.state, reasons)


def _next(site: Site, now: dt.datetime) -> dt.datetime:
    settings = site.config.site
    return next_release(
        now, site.config.podcast.release_weekday, settings.release_time, settings.tz
    )


def _gaps(site: Site, now: dt.datetime) -> tuple[str, ...]:
    tz = site.config.site.tz
    planned = {
        e.date.astimezone(tz).date()
        for e in site.episodes
        if not e.draft and e.episode_type == "full" and e.date > now
    }
    gaps = []
    day = _next(site, now)
    for _ in range(GAP_WEEKS):
        if day.date() not in planned:
            gaps.append(f"nothing scheduled for {day:%A} {day.day} {day:%B %Y}")
        day = next_release(
            day, site.config.podcast.release_weekday, site.config.site.release_time, tz
        )
    return tuple(gaps)


def project_status(root: Path, now: dt.datetime) -> Status:
    """The status of the site folder ``root`` at ``now``, with each release ahead rehearsed."""
    cache = BuildCache.open(root)
    project = load_project(root, cache)
    try:
        known = check_rendered(project, render_site(project.site, now, cache=cache), cache)
    except ProblemsFound as err:
        known = err.problems
    releases = rehearse(project, now, known, cache)
    report = site_status(project.site, localize_now(now, project.config.site.tz), releases)
    return replace(report, errors_now=sum(p.is_error for p in known))


def status_lines(report: Status) -> list[str]:
    """The status as a table, the releases ahead with their problems, and the gaps."""
    width = max((len(row.title) for row in report.rows), default=5)
    lines = [f"{'STATE':<10} {'DATE':<21} {'KIND':<8} {'TITLE':<{width}}  NOTES"]
    for row in report.rows:
        notes = "; ".join(row.problems)
        lines.append(f"{row.state:<10} {row.date:<21} {row.kind:<8} {row.title:<{width}}  {notes}")
    if report.errors_now:
        lines.append(
            f"\nNow: {report.errors_now} error(s) would stop a publish; run publisher check"
        )
    lines.append(f"\nNext release: {report.next_release}")
    for upcoming in report.releases:
        lines.append(f"  {upcoming.date}: {upcoming.state} ({', '.join(upcoming.items)})")
        lines += [f"    {reason}" for reason in upcoming.reasons]
    lines += [f"Gap: {gap}" for gap in report.gaps]
    return lines
