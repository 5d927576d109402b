"""Locks: one build at a time per site folder, and the note a publish lock holder leaves.

The site lock is an ``fcntl.flock`` on ``.publisher-cache/build.lock``. The kernel releases it
when its process ends, however it ends, so it can never go stale; the file's contents (the
holder's pid) only make the message helpful.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from publisher.cache import CACHE_DIR
from publisher.config.settings import CONFIG_NAME
from publisher.errors import PublisherError, cannot_write

log = logging.getLogger(__name__)

LOCK_NAME = "build.lock"
# A holder writes its pid just after taking the lock; a refused build waits this long for it.
PID_WAIT_SECONDS = 0.5


class SiteBusy(PublisherError):
    """Another build or publish holds the site folder's lock."""


@contextmanager
def site_lock(root: Path) -> Iterator[None]:
    """Hold the build lock of the site folder ``root`` for the block.

    Fails at once with :class:`SiteBusy` when another build, preview rebuild or publish holds
    it. A folder without ``site.toml`` is not locked (nor touched): the command then says what
    is missing.
    """
    if not (root / CONFIG_NAME).is_file():
        yield
        return
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        if not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("*\n")  # as the cache writes it
        handle = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as err:
        raise PublisherError(
            "cannot create the build lock here: "
            + cannot_write(err, "make the site folder writable, or build from a copy of it"),
            folder,
        ) from err
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder_pid(handle)
            running = f" (pid {pid})" if pid else ""
            raise SiteBusy(
                f"another build or publish is running in this folder{running}; "
                "wait for it to finish",
                root,
            ) from None
        try:
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        except OSError as err:  # a full disk: the pid only makes the message friendlier
            log.debug("could not note the pid in the build lock (%s)", err)
        log.debug("locked %s", folder / LOCK_NAME)
        yield
    finally:
        os.close(handle)  # closing the last descriptor releases the lock


def _holder_pid(handle: int) -> int | None:
    """The pid the lock's holder wrote, waiting briefly for a holder that has just started."""
    deadline = time.monotonic() + PID_WAIT_SECONDS
    while True:
        text = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return int(text)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)
