"""The publish that loads, renders and checks the site, then keeps what its checks found."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from publisher import urls
from publisher.cache import BuildCache, digest
from publisher.checks.identity import compare_with_live, record_unpublished, with_unpublished
from publisher.checks.memo import Checked, output_files, passed, remember, schedule
from publisher.checks.rehearsal import rehearse
from publisher.checks.run import check_rendered
from publisher.content.loaders import Project, load_project
from publisher.content.model import Site
from publisher.dates import localize_now
from publisher.errors import Problem
from publisher.output.tree import OutputTree
from publisher.output.writer import write_tree
from publisher.publish.ledger_update import pin_legacy_releases, updated_ledger
from publisher.publish.prepared import (
    OpenInventory,
    PreparedPublish,
    PublishRequest,
    local_states,
    log_rehearsal,
    planned,
    raise_errors,
    target_states,
)
from publisher.render.released import fetch_released_heads
from publisher.render.site import render_site
from publisher.storage.base import FileState, Target


def checked_publish(
    request: PublishRequest, kept: Checked, open_inventory: OpenInventory
) -> PreparedPublish:
    """Build and check the site, then plan the upload. Nothing is uploaded yet.

    ``kept`` holds what this run's result depends on; when the checks pass and publishing
    leaves ``published.toml`` as it is, the result is kept for the next publish.
    """
    root, now, out = request.root, request.now, request.out
    cache = BuildCache.open(root)
    project = load_project(root, cache)
    config = project.config
    target, inventory = open_inventory(config)
    site = with_unpublished(pin_legacy_releases(project.site, inventory), request.unpublish)
    project = replace(project, site=site)
    tree, found, ahead = _checked_tree(project, now, target, cache, out)
    local = local_states(write_tree(tree, out, root, cache), config)
    shas = {path: state.sha256 or "" for path, state in local.items()}
    ledger = updated_ledger(site, tree, site.ledger, cache, shas)
    cache.save()
    if ledger == site.ledger:  # a publish that changes it is checked again next time
        _remember(request, kept, site, found, ahead, output_files(out, shas))
    remote, verified = target_states(request, target, inventory, local)
    live = _live_feed(target, remote, local, tree, request.unpublish)
    where = target.description + urls.FEED
    raise_errors(compare_with_live(site, tree, live, where, request.unpublish))
    ledger = record_unpublished(ledger, live, config, request.unpublish)
    return planned(request, config, target, (local, remote, verified), ledger)


def _remember(
    request: PublishRequest,
    kept: Checked,
    site: Site,
    found: list[Problem],
    ahead: list[Problem],
    files: dict[str, tuple[int, int, str]],
) -> None:
    """Keep what the checks found for the next publish, with what it depends on."""
    moments = schedule(site)
    now = localize_now(request.now, site.config.site.tz)
    ledger = digest(repr(site.ledger))
    checked = replace(kept, moments=moments, passed=passed(moments, now), ledger=ledger)
    remember(
        request.root,
        "publish",
        replace(checked, problems=tuple(found), ahead=tuple(ahead), files=files),
    )


def _checked_tree(
    project: Project, now: dt.datetime, target: Target, cache: BuildCache, out: Path
) -> tuple[OutputTree, list[Problem], list[Problem]]:
    """The site rendered and checked, with the warnings found now and at later releases;
    problems of later releases are warnings now."""
    tree = _render_keeping_released(project, now, target, cache, out)
    problems = check_rendered(project, tree, cache)
    raise_errors(problems)
    ahead = [p for release in rehearse(project, now, problems, cache) for p in release.problems]
    log_rehearsal(tuple(ahead))
    return tree, problems, ahead


def _render_keeping_released(
    project: Project, now: dt.datetime, target: Target, cache: BuildCache, out: Path
) -> OutputTree:
    """Render the site; released audio whose published tag is not cached yet is read back
    from ``target`` first, so its bytes stay as published."""
    tree = render_site(project.site, now, cache=cache, out=out)
    if not tree.provisional:
        return tree
    raise_errors(fetch_released_heads(target, tree, cache))
    return render_site(project.site, now, cache=cache, out=out)


def _live_feed(
    target: Target,
    remote: dict[str, FileState],
    local: dict[str, FileState],
    tree: OutputTree,
    unpublish: frozenset[str],
) -> bytes | None:
    """The live podcast feed to compare the new one with. When the target vouches that it has
    the new feed's bytes already, there is nothing to compare and nothing is fetched."""
    live, new = remote.get(urls.FEED), local.get(urls.FEED)
    if live is None or new is None or live.sha256 is None or live.sha256 != new.sha256:
        return target.read(urls.FEED)
    return tree.read(urls.FEED) if unpublish else None  # the same feed: it names the live items
