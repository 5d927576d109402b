"""Publish: build, check, then upload only what changed, in an order that never breaks the feed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from publisher import urls
from publisher.cache import BuildCache
from publisher.checks.identity import compare_with_live, record_unpublished, with_unpublished
from publisher.checks.rehearsal import rehearse
from publisher.checks.run import check_rendered
from publisher.config.settings import Config
from publisher.content.ledger import Ledger, write_ledger
from publisher.content.loaders import Project, load_project
from publisher.errors import Problem, ProblemsFound, StorageError
from publisher.output.tree import OutputTree
from publisher.output.writer import BuiltFiles, write_tree
from publisher.publish.ledger_update import pin_legacy_releases, updated_ledger
from publisher.publish.plan import PHASES, Plan, Upload, plan_sync
from publisher.render.released import fetch_released_heads
from publisher.render.site import render_site
from publisher.storage.base import DEFAULT_TARGET, LOCK_NAME, FileState, Target, lock_refusal
from publisher.storage.headers import headers_for
from publisher.storage.lock import LockHolder
from publisher.storage.targets import open_target

log = logging.getLogger(__name__)

SHOWN_FAILURES = 5

OnUpload = Callable[[Upload], None]


@dataclass(frozen=True)
class PreparedPublish:
    """A built and checked site, the target, and the plan to bring the target up to date."""

    config: Config
    out: Path
    target: Target
    local: dict[str, FileState]
    remote: dict[str, FileState]
    plan: Plan
    ledger: Ledger
    verified: int = 0
    """How many files the manifest did not cover and were inspected one by one."""
    target_url: str | None = None
    """The target as the command line named it, if it did."""
    verify: bool = False
    """The target was listed, not taken at its manifest's word: the manifest is written anew."""


def prepare_publish(
    root: Path,
    now: dt.datetime,
    target_url: str | None = None,
    out: Path | None = None,
    prune: bool = False,
    force: bool = False,
    unpublish: frozenset[str] = frozenset(),
    verify: bool = False,
) -> PreparedPublish:
    """Build and check the site, then plan the upload. Nothing is uploaded yet.

    ``target_url`` defaults to ``[publish] target`` (relative to the site), then ``_publish/``.
    ``unpublish`` names live episodes the editor takes out of the feed on purpose. ``verify``
    lists the target instead of trusting its manifest, so changes made by hand are repaired.
    """
    cache = BuildCache.open(root)
    project = load_project(root, cache)
    config = project.config
    url = target_url or config.publish.target or DEFAULT_TARGET
    target = open_target(url, config.publish, Path.cwd() if target_url else root)
    inventory = target.inventory(verify)
    site = with_unpublished(pin_legacy_releases(project.site, inventory), unpublish)
    project = replace(project, site=site)
    out = out or root / "_site"
    tree = _checked_tree(project, now, target, cache, out)
    local = _local_states(write_tree(tree, out, root, cache), config)
    cache.save()
    remote, verified = _verified(target, inventory, local)
    if verify:
        _report_strangers(target, remote, local, prune)
    live = _live_feed(target, remote, local, tree, unpublish)
    _raise_errors(compare_with_live(site, tree, live, target.description + urls.FEED, unpublish))
    plan = _plan(local, remote, prune, force, config, target)
    shas = {path: state.sha256 or "" for path, state in local.items()}
    ledger = updated_ledger(site, tree, site.ledger, cache, shas)
    ledger = record_unpublished(ledger, live, config, unpublish)
    return PreparedPublish(
        config, out, target, local, remote, plan, ledger, verified, target_url, verify
    )


def _checked_tree(
    project: Project, now: dt.datetime, target: Target, cache: BuildCache, out: Path
) -> OutputTree:
    """The site rendered and checked; problems of later releases are warnings now."""
    tree = _render_keeping_released(project, now, target, cache, out)
    problems = check_rendered(project, tree, cache)
    _raise_errors(problems)
    for release in rehearse(project, now, problems, cache):
        for problem in release.problems:
            log.warning(
                "%s%s", problem, " (it would stop that release)" if problem.is_error else ""
            )
    return tree


def _plan(
    local: dict[str, FileState],
    remote: dict[str, FileState],
    prune: bool,
    force: bool,
    config: Config,
    target: Target,
) -> Plan:
    plan = plan_sync(local, remote, prune)
    limit = config.publish.max_deletes
    if len(plan.deletes) > limit and not force:
        raise StorageError(
            f"--prune would delete {len(plan.deletes)} objects, more than the limit of {limit} "
            "([publish] max_deletes); check the target is right, then run again with --force",
            target.description,
        )
    return plan


def _render_keeping_released(
    project: Project, now: dt.datetime, target: Target, cache: BuildCache, out: Path
) -> OutputTree:
    """Render the site; released audio whose published tag is not cached yet is read back
    from ``target`` first, so its bytes stay as published."""
    tree = render_site(project.site, now, cache=cache, out=out)
    if not tree.provisional:
        return tree
    _raise_errors(fetch_released_heads(target, tree, cache))
    return render_site(project.site, now, cache=cache, out=out)


def _raise_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise ProblemsFound(problems)
    for problem in problems:
        log.warning("%s", problem)


def _local_states(built: BuiltFiles, config: Config) -> dict[str, FileState]:
    overrides = config.publish.cache_control
    states = {}
    for path, info in built.items():
        headers = headers_for(path, overrides)
        states[path] = FileState(
            info.size, info.sha256, headers.content_type, headers.cache_control
        )
    return states


def _verified(
    target: Target, inventory: dict[str, FileState], local: dict[str, FileState]
) -> tuple[dict[str, FileState], int]:
    """The target's inventory; files it cannot vouch for but whose size matches are inspected."""
    remote = dict(inventory)
    unknown = [
        path
        for path, state in remote.items()
        if state.sha256 is None and path in local and local[path].size == state.size
    ]
    if unknown:
        log.info("verifying %d file(s) the manifest does not cover", len(unknown))
        remote.update(target.inspect(unknown))
    return remote, len(unknown)


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


def _report_strangers(
    target: Target, remote: dict[str, FileState], local: dict[str, FileState], prune: bool
) -> None:
    """Say which files at the target are not part of the site (``--prune`` deletes them)."""
    strangers = sorted(set(remote) - set(local))
    action = "deleting it (--prune)" if prune else "--prune deletes it"
    for path in strangers[:SHOWN_FAILURES]:
        log.warning("%s%s: not part of the site; %s", target.description, path, action)
    if len(strangers) > SHOWN_FAILURES:
        log.warning("... and %d more not part of the site", len(strangers) - SHOWN_FAILURES)


def run_publish(
    prepared: PreparedPublish,
    holder: LockHolder,
    on_upload: OnUpload | None = None,
    break_lock: bool = False,
) -> bool:
    """Upload phase by phase (media, pages, feeds), then prune, then record the manifest.

    When any upload of a phase fails after retries, later phases never start, so the live feed
    never names audio that is not fully uploaded. A lock object keeps two publishes from
    interleaving; a lock whose ``holder`` is provably gone is cleared, one that cannot be proven
    needs ``break_lock``. A publish with nothing to write neither takes nor reads the lock (a
    lock left behind is handled by the next publish that uploads). Returns whether
    ``published.toml`` changed.
    """
    target = prepared.target
    if break_lock:
        target.unlock()
    if prepared.plan.is_empty and not prepared.verified and not prepared.verify:
        return _run_locked(prepared, on_upload)  # nothing will be written: no lock needed
    note = target.lock(holder.to_bytes())
    if note is not None and _clear_if_stale(target, note, holder):
        note = target.lock(holder.to_bytes())
    if note is not None:
        raise lock_refusal(target, note, prepared.config.root, prepared.target_url)
    try:
        return _run_locked(prepared, on_upload)
    finally:
        target.unlock()


def _clear_if_stale(target: Target, note: bytes, here: LockHolder) -> bool:
    """Remove a lock whose holder provably no longer runs; say whose it was."""
    holder = LockHolder.from_bytes(note)
    if holder is None or not holder.is_gone(here):
        return False
    log.warning(
        "%s: removed a stale lock: %s is no longer running (it was interrupted)",
        target.description + LOCK_NAME,
        holder.describe(),
    )
    target.unlock()
    return True


def _run_locked(prepared: PreparedPublish, on_upload: OnUpload | None) -> bool:
    plan, target = prepared.plan, prepared.target
    published = dict(prepared.remote)
    try:
        for phase in PHASES:
            uploads = plan.phase(phase)
            workers = 1 if phase == "feeds" else prepared.config.publish.concurrency
            failures = _upload_all(prepared, uploads, workers, published, on_upload)
            if failures:
                raise StorageError(_failure_message(failures, phase), target.description)
        if plan.deletes:
            target.delete(list(plan.deletes))
            for path in plan.deletes:
                published.pop(path, None)
    finally:
        if published != prepared.remote or prepared.verified or prepared.verify:
            _record_manifest(target, published)
    return write_ledger(prepared.config.root, prepared.ledger)


def _upload_all(
    prepared: PreparedPublish,
    uploads: list[Upload],
    workers: int,
    published: dict[str, FileState],
    on_upload: OnUpload | None,
) -> list[tuple[Upload, Exception]]:
    failures: list[tuple[Upload, Exception]] = []
    if not uploads:
        return failures
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="upload") as pool:
        futures: dict[Future[None], Upload] = {
            pool.submit(_upload_one, prepared, upload): upload for upload in uploads
        }
        for future in as_completed(futures):
            upload = futures[future]
            error = future.exception()
            if error is not None:
                if not isinstance(error, StorageError):
                    raise error
                failures.append((upload, error))
                continue
            published[upload.path] = prepared.local[upload.path]
            if on_upload is not None:
                on_upload(upload)
    return sorted(failures, key=lambda pair: pair[0].path)


def _upload_one(prepared: PreparedPublish, upload: Upload) -> None:
    state = prepared.local[upload.path]
    assert state.sha256 is not None
    prepared.target.upload(upload.path, prepared.out / upload.path, state.headers, state.sha256)


def _failure_message(failures: list[tuple[Upload, Exception]], phase: str) -> str:
    later = PHASES[PHASES.index(phase) + 1 :]
    held_back = f"; the {' and '.join(later)} were not uploaded" if later else ""
    lines = [f"  {error}" for _, error in failures[:SHOWN_FAILURES]]
    if len(failures) > SHOWN_FAILURES:
        lines.append(f"  ... and {len(failures) - SHOWN_FAILURES} more")
    return (
        f"{len(failures)} upload(s) failed{held_back}, so listeners still get the previous "
        "feed. Run publish again to finish:\n" + "\n".join(lines)
    )


def _record_manifest(target: Target, published: dict[str, FileState]) -> None:
    try:
        target.write_manifest(published)
    except StorageError as err:
        log.warning("%s (the next publish will verify the files instead)", err)
