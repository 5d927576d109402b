"""The release rehearsal: the site judged at every scheduled release moment ahead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from publisher import urls
from publisher.cache import BuildCache
from publisher.checks.placeholders import placeholder_problems
from publisher.checks.registry import AT_RELEASE, RULES, run_rules
from publisher.content.loaders import Project
from publisher.content.model import Episode, Item, Site
from publisher.dates import localize_now
from publisher.errors import Problem, ProblemsFound, PublisherError
from publisher.render.site import render_site
from publisher.render.texts import render_texts

STAND_IN_PAGE = "<!doctype html><title>An episode waiting for its audio</title><main>{notes}</main>"


@dataclass(frozen=True)
class Release:
    """One scheduled release moment ahead, what it releases, and what would stop it."""

    moment: dt.datetime
    label: str
    items: tuple[Item, ...]
    problems: tuple[Problem, ...]
    """Errors that would stop the release, and warnings for what is not ready yet."""

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def state(self) -> str:
        """``ready``; ``not ready yet`` (only missing audio or text); ``blocked`` (an error)."""
        if any(p.is_error for p in self.problems):
            return "blocked"
        return "not ready yet" if self.problems else "ready"


def rehearse(
    project: Project, now: dt.datetime, known: list[Problem], cache: BuildCache | None = None
) -> list[Release]:
    """Judge the site at every scheduled release moment after ``now``, as listeners will see it.

    Errors already in ``known`` (found now) or found at an earlier moment are not repeated.
    Audio and placeholders still missing are warnings until the release itself: an episode
    waiting for its audio is assumed to arrive, so links to its page count as working.
    """
    site, tz = project.site, project.config.site.tz
    now = localize_now(now, tz)
    seen = {_identity(p) for p in known}
    releases = []
    for moment in release_moments(site, now):
        label = moment_label(moment, tz)
        due = tuple(i for i in (*site.episodes, *site.articles) if not i.draft and i.date == moment)
        waiting = [e for e in site.episodes if e.is_due_without_audio(moment)]
        found = [p for p in _rehearsal_problems(project, moment, waiting, cache) if p.is_error]
        new = [replace(p, moment=label) for p in found if _identity(p) not in seen]
        seen.update(_identity(p) for p in new)
        not_ready = [
            Problem(
                f"no audio yet; add the .mp3 before {label}", e.source.parent, severity="warning"
            )
            for e in waiting
            if e.date == moment
        ]
        not_ready += placeholder_problems(due, site.ledger, severity="warning")
        releases.append(Release(moment, label, due, (*new, *not_ready)))
    return releases


def _rehearsal_problems(
    project: Project, moment: dt.datetime, waiting: list[Episode], cache: BuildCache | None
) -> list[Problem]:
    """Every problem of the site at ``moment``, with the episodes in ``waiting`` assumed to
    get their audio: their pages stand in with just their show notes, so links to them and
    links in them are judged too."""
    site = project.site
    slugs = {e.slug for e in waiting}
    ready = replace(site, episodes=tuple(e for e in site.episodes if e.slug not in slugs))
    try:
        tree = render_site(ready, moment, cache=cache)
        notes = render_texts(
            replace(site, articles=(), episodes=tuple(waiting)), cache or BuildCache()
        )
    except ProblemsFound as err:
        return err.problems
    except PublisherError as err:  # e.g. a template that fails only on a later release
        return [err.problem]
    for episode in waiting:
        text = notes[("episode", episode.slug)].html
        tree.add(urls.page(urls.episode(episode.slug)), STAND_IN_PAGE.format(notes=text))
    return run_rules(site, tree, cache, [r for r in RULES if r not in AT_RELEASE])


def release_moments(site: Site, now: dt.datetime) -> list[dt.datetime]:
    """Each distinct moment after ``now`` at which a scheduled, non-draft item goes live."""
    items = (*site.articles, *site.episodes)
    return sorted({item.date for item in items if not item.draft and item.date > now})


def moment_label(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """A release moment as editors say it, in the site's timezone.

    >>> from zoneinfo import ZoneInfo
    >>> moment_label(dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.UTC), ZoneInfo("Europe/London"))
    'Sun 6 Dec 2026 06:00'
    """
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def _identity(problem: Problem) -> tuple[object, ...]:
    return (problem.message, str(problem.path), problem.line, problem.key, problem.severity)
