"""Rules over content and built output; returns problems and never exits."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path

from publisher import urls
from publisher.cache import BuildCache, digest
from publisher.checks.feed import DirSource, check_output
from publisher.checks.identity import compare_with_live, with_unpublished
from publisher.checks.memo import (
    Checked,
    context_key,
    passed,
    recall,
    remember,
    schedule,
    sources_key,
)
from publisher.checks.registry import run_rules
from publisher.checks.rehearsal import rehearse
from publisher.config.settings import Config, load_config
from publisher.content.loaders import Project, load_project
from publisher.content.model import Site
from publisher.dates import localize_now
from publisher.errors import Problem, ProblemsFound, PublisherError, StorageError
from publisher.files import file_sha256
from publisher.output.tree import OutputTree
from publisher.output.writer import MARKER, describe
from publisher.render.moment import due_without_audio
from publisher.render.site import render_site
from publisher.storage.base import DEFAULT_TARGET
from publisher.storage.targets import open_target

log = logging.getLogger(__name__)

LiveFeed = tuple[bytes | None, str, Problem | None]
"""The live feed's bytes, where it was read, and the warning when it could not be read."""


def check_project(
    root: Path, now: dt.datetime, out: Path | None = None, unpublish: frozenset[str] = frozenset()
) -> list[Problem]:
    """Validate content and what it renders to now and at every scheduled release ahead,
    then the built folder ``out`` if present. ``unpublish`` names live episodes the editor
    takes down on purpose. When nothing the last check depended on has changed (files, the
    live feed, the releases passed), its result is reused."""
    try:
        config, _ = load_config(root)
    except PublisherError:
        return _check_anew(root, now, out, unpublish, None)
    options = (str(out.resolve()) if out is not None else None, sorted(unpublish))
    extra = [out] if out is not None else []
    kept = Checked(context_key("check", root, *options), sources_key(config, *extra), (), 0)
    last = recall(root, "check")
    if last is None or not last.holds(kept.context, kept.sources, now, config.site.tz):
        return _check_anew(root, now, out, unpublish, kept)
    live = _read_live(config)
    if digest(live) != last.live:
        return _check_anew(root, now, out, unpublish, kept, live)
    log.info("nothing changed since the last check: reusing its result")
    return [*last.problems, *last.live_problems, *last.ahead, *last.built]


def _check_anew(
    root: Path,
    now: dt.datetime,
    out: Path | None,
    unpublish: frozenset[str],
    kept: Checked | None,
    live: LiveFeed | None = None,
) -> list[Problem]:
    """Check the site from its files; keep the result in ``kept`` for the next check."""
    cache = BuildCache.open(root)
    try:
        project = load_project(root, cache)
        project = replace(project, site=with_unpublished(project.site, unpublish))
        missing = due_without_audio(project.site, now)  # reported, and the rest still judged
        tree = render_site(_without_episodes_of(project.site, missing), now, cache=cache)
    except ProblemsFound as err:
        return err.problems
    except PublisherError as err:
        return [err.problem]
    found = missing + check_rendered(project, tree, cache)
    live = live or _read_live(project.config)
    live_problems = _compare_live(project, tree, live, unpublish)
    known = found + live_problems
    ahead = [p for release in rehearse(project, now, known, cache) for p in release.problems]
    built: list[Problem] = []
    if out is not None and out.is_dir() and not any(p.is_error for p in known + ahead):
        built += check_output(DirSource(out), project.config, str(out), urls.FEED in tree)
        built += _compare_built(tree, out)
    if kept is not None:
        moments = schedule(project.site)
        localized = localize_now(now, project.config.site.tz)
        kept = replace(kept, moments=moments, passed=passed(moments, localized), live=digest(live))
        remember(
            root,
            "check",
            replace(
                kept,
                problems=tuple(found),
                live_problems=tuple(live_problems),
                ahead=tuple(ahead),
                built=tuple(built),
            ),
        )
    return [*found, *live_problems, *ahead, *built]


def _without_episodes_of(site: Site, problems: list[Problem]) -> Site:
    """``site`` without the episodes whose folders ``problems`` name."""
    folders = {p.path for p in problems}
    return replace(site, episodes=tuple(e for e in site.episodes if e.source.parent not in folders))


def check_rendered(
    project: Project, tree: OutputTree, cache: BuildCache | None = None
) -> list[Problem]:
    """Warnings from loading plus the rules over the rendered, not yet written, output."""
    return [*project.warnings, *run_rules(project.site, tree, cache)]


def _read_live(config: Config) -> LiveFeed:
    """The feed apps read now and where, when there is a publish target to read it from;
    or the warning that it could not be read."""
    if not (config.publish.target or (config.root / DEFAULT_TARGET).is_dir()):
        return None, "", None
    try:
        target = open_target(config.publish.target or DEFAULT_TARGET, config.publish, config.root)
        return target.read(urls.FEED), target.description + urls.FEED, None
    except StorageError as err:
        message = f"could not read the live feed to compare GUIDs: {err.problem.message}"
        return None, "", Problem(message, err.problem.path, severity="warning")


def _compare_live(
    project: Project, tree: OutputTree, live: LiveFeed, unpublish: frozenset[str]
) -> list[Problem]:
    """Compare with the feed apps read now."""
    feed, where, unreadable = live
    if unreadable is not None:
        return [unreadable]
    return compare_with_live(project.site, tree, feed, where, unpublish)


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
