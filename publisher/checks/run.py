"""Rules over content and built output; returns problems and never exits."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from publisher import urls
from publisher.cache import BuildCache
from publisher.checks.feed import DirSource, check_output
from publisher.checks.identity import compare_with_live, with_unpublished
from publisher.checks.registry import run_rules
from publisher.checks.rehearsal import rehearse
from publisher.content.loaders import Project, load_project
from publisher.content.model import Site
from publisher.errors import Problem, ProblemsFound, PublisherError, StorageError
from publisher.files import file_sha256
from publisher.output.tree import OutputTree
from publisher.output.writer import MARKER, describe
from publisher.render.site import due_without_audio, render_site
from publisher.storage.base import DEFAULT_TARGET
from publisher.storage.targets import open_target


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
        missing = due_without_audio(project.site, now)  # reported, and the rest still judged
        tree = render_site(_without_episodes_of(project.site, missing), now, cache=cache)
    except ProblemsFound as err:
        return err.problems
    except PublisherError as err:
        return [err.problem]
    problems = missing + check_rendered(project, tree, cache) + _live_feed(project, tree, unpublish)
    for release in rehearse(project, now, problems, cache):
        problems += release.problems
    if out is not None and out.is_dir() and not any(p.is_error for p in problems):
        problems += check_output(DirSource(out), project.config, str(out), urls.FEED in tree)
        problems += _compare_built(tree, out)
    return problems


def _without_episodes_of(site: Site, problems: list[Problem]) -> Site:
    """``site`` without the episodes whose folders ``problems`` name."""
    folders = {p.path for p in problems}
    return replace(site, episodes=tuple(e for e in site.episodes if e.source.parent not in folders))


def check_rendered(
    project: Project, tree: OutputTree, cache: BuildCache | None = None
) -> list[Problem]:
    """Warnings from loading plus the rules over the rendered, not yet written, output."""
    return [*project.warnings, *run_rules(project.site, tree, cache)]


def _live_feed(project: Project, tree: OutputTree, unpublish: frozenset[str]) -> list[Problem]:
    """Compare with the feed apps read now, when there is a publish target to read it from."""
    config = project.config
    live, where = None, ""
    if config.publish.target or (config.root / DEFAULT_TARGET).is_dir():
        try:
            target = open_target(
                config.publish.target or DEFAULT_TARGET, config.publish, config.root
            )
            live, where = target.read(urls.FEED), target.description + urls.FEED
        except StorageError as err:
            message = f"could not read the live feed to compare GUIDs: {err.problem.message}"
            return [Problem(message, err.problem.path, severity="warning")]
    return compare_with_live(project.site, tree, live, where, unpublish)


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
