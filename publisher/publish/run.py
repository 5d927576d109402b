"""Publish: build, check, then upload only what changed, in an order that never breaks the feed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from publisher.checks.memo import Checked, context_key, output_unchanged, recall, sources_key
from publisher.config.settings import Config, load_config
from publisher.content.ledger import write_ledger
from publisher.errors import StorageError
from publisher.publish.plan import PHASES, Upload
from publisher.publish.prepared import (
    SHOWN_FAILURES,
    PreparedPublish,
    PublishRequest,
    reused_publish,
)
from publisher.storage.base import DEFAULT_TARGET, LOCK_NAME, FileState, Target, lock_refusal
from publisher.storage.lock import LockHolder
from publisher.storage.targets import open_target

__all__ = ["PreparedPublish", "prepare_publish", "run_publish"]

log = logging.getLogger(__name__)

OnUpload = Callable[[Upload], None]


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
    When nothing the last publish's checks depend on has changed, their result is reused.
    """
    config, _ = load_config(root)  # its warnings are said with the checks'
    out = out or root / "_site"
    request = PublishRequest(root, now, out, target_url, prune, force, unpublish, verify)
    url = target_url or config.publish.target or DEFAULT_TARGET
    base = Path.cwd() if target_url else root
    context = context_key(
        "publish", root, str(out.resolve()), url, str(base.resolve()), sorted(unpublish)
    )
    kept = Checked(context, sources_key(config), (), 0)  # before anything else is read
    opened: list[tuple[Target, dict[str, FileState]]] = []

    def open_inventory(settings: Config) -> tuple[Target, dict[str, FileState]]:
        if not opened:
            target = open_target(url, settings.publish, base)
            opened.append((target, target.inventory(verify)))
        return opened[0]

    last = recall(root, "publish")
    if last is not None and not unpublish and _holds(last, kept, config, now, out):
        prepared = reused_publish(request, last, config, *open_inventory(config))
        if prepared is not None:
            return prepared
    from publisher.publish.checked import checked_publish  # rendering loads only when needed

    return checked_publish(request, kept, open_inventory)


def _holds(last: Checked, kept: Checked, config: Config, now: dt.datetime, out: Path) -> bool:
    """Whether the last publish's result still holds, and its built folder is as it left it."""
    return last.holds(kept.context, kept.sources, now, config.site.tz) and output_unchanged(
        out, last.files
    )


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
