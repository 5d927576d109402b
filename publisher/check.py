"""Rules over content and built output; returns problems and never exits."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from lxml import etree

from publisher.analytics import unprefixed
from publisher.build import Project, load_project, render_site
from publisher.cache import BuildCache, file_sha256
from publisher.config import Config
from publisher.dates import localize_now
from publisher.errors import Problem, ProblemsFound, PublisherError, StorageError
from publisher.guards import compare_with_live, with_unpublished
from publisher.mediatypes import AUDIO_TYPES
from publisher.model import Episode, Item, Site
from publisher.output import OutputTree
from publisher.podcast_ns import ITUNES_NS
from publisher.released import provisional_warnings
from publisher.rules import placeholder_problems, released_items, run_rules
from publisher.storage import DEFAULT_TARGET, open_target
from publisher.writer import MARKER, describe

STAND_IN_PAGE = b"<!doctype html><title>An episode waiting for its audio</title>"


class FileSource(Protocol):
    """Read access to a set of output files, in memory or on disk."""

    def has(self, path: str) -> bool: ...
    def size(self, path: str) -> int: ...
    def read(self, path: str) -> bytes: ...


class TreeSource:
    def __init__(self, tree: OutputTree) -> None:
        self.tree = tree

    def has(self, path: str) -> bool:
        return path in self.tree

    def size(self, path: str) -> int:
        return self.tree.size(path)

    def read(self, path: str) -> bytes:
        return self.tree.read(path)


class DirSource:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, path: str) -> Path:
        return self.root / path

    def has(self, path: str) -> bool:
        return ".." not in path.split("/") and self._path(path).is_file()

    def size(self, path: str) -> int:
        return self._path(path).stat().st_size

    def read(self, path: str) -> bytes:
        return self._path(path).read_bytes()


def check_project(
    root: Path, now: dt.datetime, out: Path | None = None, unpublish: frozenset[str] = frozenset()
) -> list[Problem]:
    """Validate content and what it renders to now and at every scheduled release ahead,
    then the built folder ``out`` if present. ``unpublish`` names live episodes the editor
    takes down on purpose."""
    cache = BuildCache.open(root)
    try:
        project = load_project(root, cache)
        project = replace(project, site=with_unpublished(project.site, unpublish))
        tree = render_site(project.site, now, cache=cache)
    except ProblemsFound as err:
        return err.problems
    except PublisherError as err:
        return [err.problem]
    problems = check_rendered(project, tree, cache) + _live_feed(project, tree, unpublish)
    for release in rehearse(project, now, problems, cache):
        problems += release.problems
    if out is not None and out.is_dir():
        problems += check_output(DirSource(out), project.config, str(out))
        problems += _compare_built(tree, out)
    return problems


def check_rendered(
    project: Project, tree: OutputTree, cache: BuildCache | None = None
) -> list[Problem]:
    """Warnings from loading plus the rules over the rendered, not yet written, output."""
    site = project.site
    return [
        *project.warnings,
        *run_rules(site, tree, cache),
        *placeholder_problems(released_items(site, tree), site.ledger),
        *provisional_warnings(tree),
        *check_output(TreeSource(tree), project.config, "(build)"),
    ]


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
    site = project.site
    slugs = {e.slug for e in waiting}
    ready = replace(site, episodes=tuple(e for e in site.episodes if e.slug not in slugs))
    try:
        tree = render_site(ready, moment, cache=cache)
    except ProblemsFound as err:
        return err.problems
    for slug in sorted(slugs):
        tree.add(f"episodes/{slug}/index.html", STAND_IN_PAGE)
    return [
        *run_rules(ready, tree, cache),
        *check_output(TreeSource(tree), project.config, "(build)"),
    ]


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


def _live_feed(project: Project, tree: OutputTree, unpublish: frozenset[str]) -> list[Problem]:
    """Compare with the feed apps read now, when there is a publish target to read it from."""
    config = project.config
    live, where = None, ""
    if config.publish.target or (config.root / DEFAULT_TARGET).is_dir():
        try:
            target = open_target(
                config.publish.target or DEFAULT_TARGET, config.publish, config.root
            )
            live, where = target.read("feed.xml"), target.description + "feed.xml"
        except StorageError as err:
            message = f"could not read the live feed to compare GUIDs: {err.problem.message}"
            return [Problem(message, err.problem.path, severity="warning")]
    return compare_with_live(project.site, tree, live, where, unpublish)


def check_output(files: FileSource, config: Config, label: str) -> list[Problem]:
    """Feed rules every published tree must meet."""
    feed_path = f"{label}/feed.xml"
    if not files.has("feed.xml"):
        return [Problem("feed.xml is missing; run publisher build", feed_path)]
    try:
        root = etree.fromstring(files.read("feed.xml"))
    except etree.XMLSyntaxError as err:
        return [Problem(f"feed is not well-formed XML: {err.msg}", feed_path, err.lineno)]
    if root.tag != "rss" or root.get("version") != "2.0":
        return [Problem("feed is not RSS 2.0", feed_path)]
    problems: list[Problem] = []
    items = root.findall("./channel/item")
    for item in items:
        problems += _check_item(item, files, config, feed_path)
    guids = Counter(item.findtext("guid") for item in items)
    for guid, count in sorted(guids.items(), key=lambda pair: str(pair[0])):
        if count > 1:
            problems.append(Problem(f"GUID {guid} is used by {count} episodes", feed_path))
    return problems


def _check_item(
    item: etree._Element, files: FileSource, config: Config, feed: str
) -> list[Problem]:
    title = item.findtext("title") or "(untitled)"
    line = item.sourceline
    where = f"episode {title!r}"
    if not item.findtext("guid"):
        return [Problem(f"{where} has no guid", feed, line)]
    enclosure = item.find("enclosure")
    if enclosure is None:
        return [Problem(f"{where} has no enclosure", feed, line)]
    url = enclosure.get("url", "")
    relative = unprefixed(url, config.site.base_url, config.podcast.analytics_prefixes)
    if relative is None:
        base = config.site.base_url + "/"
        return [Problem(f"{where}: enclosure URL {url} is not under {base}", feed, line)]
    path = unquote(relative)
    suffix = Path(path).suffix.lower()
    problems = []
    if enclosure.get("type") != AUDIO_TYPES.get(suffix):
        problems.append(Problem(f"{where}: enclosure type does not match {suffix}", feed, line))
    if not files.has(path):
        problems.append(Problem(f"{where}: enclosure {path} is not in the output", feed, line))
    elif str(files.size(path)) != enclosure.get("length"):
        problems.append(
            Problem(
                f"{where}: enclosure length {enclosure.get('length')} but {path} has "
                f"{files.size(path)} bytes; rebuild the site",
                feed,
                line,
            )
        )
    duration = item.findtext(f"{{{ITUNES_NS}}}duration") or ""
    if not duration.isdigit() or int(duration) < 1:
        problems.append(
            Problem(f"{where}: itunes:duration {duration!r} is not whole seconds", feed, line)
        )
    return problems


def _compare_built(tree: OutputTree, out: Path) -> list[Problem]:
    """Warn when the built folder differs from what the content renders to now."""
    expected = set(tree)
    present = {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MARKER
    }
    problems = []
    for path in sorted(expected - present):
        problems.append(
            Problem("missing from the build; run publisher build", out / path, severity="warning")
        )
    for path in sorted(present - expected):
        problems.append(
            Problem(
                "not part of the site any more; run publisher build", out / path, severity="warning"
            )
        )
    for path in sorted(expected & present):
        if file_sha256(out / path) != describe(tree, path).sha256:
            problems.append(
                Problem("out of date; run publisher build", out / path, severity="warning")
            )
    return problems
