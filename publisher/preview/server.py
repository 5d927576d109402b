"""Local preview: the site kept in memory, served on 127.0.0.1, brought up to date on save;
open pages reload as soon as it is."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

import watchfiles

from publisher.cache import CACHE_DIR
from publisher.config.settings import load_config
from publisher.errors import PublisherError
from publisher.locks import SiteBusy, site_lock
from publisher.output.tree import OutputTree
from publisher.preview.handler import Handler, Snapshot
from publisher.preview.live import LiveSite

log = logging.getLogger(__name__)

WATCHED = ("site.toml", "articles", "episodes", "templates")
# Folders under the site whose changes never need a rebuild: what builds and publishes write,
# version control, and tools' caches.
IGNORED_DIRS = frozenset(
    {CACHE_DIR, "_site", "_publish", ".git", ".hg", ".svn", ".venv", "node_modules", "__pycache__"}
    | {".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis"}
)
IGNORED_NAMES = re.compile(r"\.sw.$|~$|^\.#|^\.DS_Store$|^4913$")  # editors' swap and backup files
STEP_MS = 20  # a burst of events ends once none came for this long: one rebuild per save
DEBOUNCE_MS = 1600  # ... or after this long, while events keep coming
LOOK_MS = 500  # the watcher also wakes this often without events (to retry a busy site)


def source_snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file a build reads, to notice edits."""
    config_files = [root / name for name in WATCHED]
    try:
        config, _ = load_config(root)
        if config.podcast.artwork:
            config_files.append(root / config.podcast.artwork)
    except PublisherError:
        pass
    snapshot: dict[str, tuple[int, int]] = {}
    for top in config_files:
        paths = sorted(top.rglob("*")) if top.is_dir() else [top]
        for path in paths:
            if path.is_file():
                stat = path.stat()
                snapshot[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return snapshot


def needs_rebuild(root: Path, path: str) -> bool:
    """Whether an event at ``path`` may change the site folder ``root``'s output: not one
    outside it, in ``IGNORED_DIRS`` or on a swap file.

    >>> [needs_rebuild(Path("/s"), f"/s/{p}") for p in ("site.toml", "a/b.md")]
    [True, True]
    >>> ignored = ("_site/index.html", ".publisher-cache/build.lock", ".git/index",
    ...     "a/.b.md.swp", "a/b.md~", "a/.#b.md")
    >>> [needs_rebuild(Path("/s"), f"/s/{p}") for p in ignored]
    [False, False, False, False, False, False]
    >>> needs_rebuild(Path("/s"), "/elsewhere/site.toml")
    False
    """
    file = Path(path)
    if not file.is_relative_to(root):
        return False
    parts = file.relative_to(root).parts
    return not any(part in IGNORED_DIRS for part in parts) and not (
        parts and IGNORED_NAMES.search(parts[-1])
    )


class Preview:
    """A preview server that brings the site in memory up to date whenever a source file
    changes, and tells open pages to reload."""

    def __init__(
        self, root: Path, port: int, clock: Callable[[], dt.datetime], drafts: bool = False
    ) -> None:
        self.root = root
        self.clock = clock
        self.drafts = drafts
        self.live = LiveSite(root, drafts)
        self.stop_event = threading.Event()
        self.builds = 0  # rebuilds run so far, good or failed, the first one included
        self.version = 0  # good builds so far
        self.failures = 0  # failed rebuilds so far
        self.refusals = 0  # rebuilds put off because another build held the site
        self.looks = 0  # times the watcher woke: a burst of changes, or LOOK_MS without any
        self.problems: tuple[str, ...] = ()  # why the last rebuild failed; () when it did not
        self.pending = False  # another build held the site: rebuild when it is done
        self.changed: tuple[str, ...] = ()  # the files whose change led to the last rebuild
        self._news = threading.Condition()  # notified when ``current`` changes
        self.current = Snapshot(OutputTree(), self.state)
        """What answers see: replaced whole, after each rebuild, under ``_news``."""
        # Taken before the first build; the watcher compares once it runs, so an edit saved
        # while the preview starts (before the watcher sees events) is not missed.
        self.sources: dict[str, tuple[int, int]] | None = source_snapshot(root)
        self.rebuild()
        config, _ = load_config(root)
        handler = functools.partial(Handler, base_path=config.site.base_path, preview=self)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}{config.site.base_path}"
        self.watcher: threading.Thread | None = None

    @property
    def state(self) -> str:
        """What open pages poll to notice a change: the build number, and the failure number
        while the last rebuild failed (so the problems appear, and go, without a manual reload).
        """
        return f"{self.version}-failed-{self.failures}" if self.problems else str(self.version)

    @property
    def tree(self) -> OutputTree:
        """Every file of the site as served now."""
        return self.current.tree

    def wait_for_change(self, known: str, seconds: float) -> str:
        """The state once it differs from ``known``, or after ``seconds`` (or on stopping)."""
        with self._news:
            self._news.wait_for(
                lambda: self.current.state != known or self.stop_event.is_set(), timeout=seconds
            )
            return self.current.state

    def rebuild(self, saved: list[Path] | None = None) -> bool:
        """Bring the site up to date; on any error keep serving the last good state and say why.

        When only the articles ``saved`` changed (and the last rebuild went well), only they
        are read again; otherwise the whole site is loaded, with the site lock held, so
        ``publisher build`` can run beside a preview; when a build holds it, the watcher tries
        again on its next look.
        """
        try:
            quick = bool(saved) and not (self.problems or self.pending) and self._patch(saved)
            if not quick:
                with site_lock(self.root):
                    self.pending = False
                    self.builds += 1
                    self.live.load(self.clock())
        except SiteBusy as err:
            if not self.pending:
                log.warning("%s\n(the preview rebuilds once it has finished)", err)
            self.pending = True
            self.refusals += 1
            return False
        except PublisherError as err:  # ProblemsFound too: one line per problem
            log.error("%s\n(%s)", err, self._meanwhile())
            self._failed(tuple(str(err).splitlines()))
            return False
        except Exception as err:
            log.exception(
                "the preview could not be rebuilt because of a bug in publisher; please report "
                "it with the lines below (%s)",
                self._meanwhile(),
            )
            self._failed((f"internal error, a bug in publisher: {type(err).__name__}: {err}",))
            return False
        with self._news:
            self.problems = ()
            self.version += 1
            self._announce()
        log.warning("%s the preview (build %d)", "updated" if quick else "built", self.version)
        return True

    def _patch(self, saved: list[Path] | None) -> bool:
        """Take in the saved articles alone if that is enough (a rebuild, even if it fails)."""
        builds, self.builds = self.builds, self.builds + 1
        if self.live.patch(self.clock(), saved or []):
            return True
        self.builds = builds  # not enough: the whole site is loaded instead
        return False

    def _meanwhile(self) -> str:
        """What the preview shows until a save fixes the problem."""
        if self.version:
            return "the preview keeps showing the last good build"
        return "the preview shows these problems until a save fixes them"

    def _failed(self, problems: tuple[str, ...]) -> None:
        with self._news:
            self.failures += 1
            self.problems = problems
            self._announce()

    def _announce(self) -> None:
        """Serve the site as it now stands, and tell the pages waiting (``_news`` held)."""
        self.current = Snapshot(self.live.tree, self.state, self.problems)
        self._news.notify_all()

    def watch(self) -> None:
        """Rebuild after each burst of file events under the site folder, until
        ``stop_event`` is set; a failed rebuild or look does not stop it."""
        root = self.root.resolve()
        events = watchfiles.watch(
            root,
            watch_filter=lambda _, path: needs_rebuild(root, path),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            rust_timeout=LOOK_MS,
            yield_on_timeout=True,
            stop_event=self.stop_event,
            raise_interrupt=False,
            ignore_permission_denied=True,
        )
        try:
            for changes in events:
                self._look(root, {path for _, path in changes})
        except (OSError, RuntimeError) as err:  # e.g. the system's limit of watched folders
            log.error(
                "the preview no longer rebuilds on save (%s); restart it, perhaps with "
                "WATCHFILES_FORCE_POLLING=1 to look for changes by polling",
                err,
            )

    def _look(self, root: Path, paths: set[str]) -> None:
        """Rebuild if files changed, if the site was busy last time, or, on the first look,
        if a file changed since the snapshot taken before the first build."""
        try:
            missed = self.sources is not None and source_snapshot(self.root) != self.sources
            self.sources = None
            if paths or self.pending or missed:
                self.changed = tuple(sorted(os.path.relpath(p, root) for p in paths))
                log.debug("rebuilding; changed: %s", ", ".join(self.changed) or "-")
                saved = [] if missed else [self.root / name for name in self.changed]
                self.rebuild(saved)
        except OSError as err:  # e.g. a file removed while it was being looked at
            log.debug("could not look at the sources (%s); trying again", err)
        except Exception:
            log.exception("the preview could not look at the sources (a bug); trying again")
        finally:
            self.looks += 1

    def serve_forever(self) -> None:
        """Serve and watch until interrupted; then stop both."""
        self.watcher = threading.Thread(target=self.watch, name="publisher-watch", daemon=True)
        self.watcher.start()
        try:
            self.server.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the watcher (after the rebuild it may be running) and answer waiting pages."""
        with self._news:
            self.stop_event.set()
            self._news.notify_all()
        self.server.server_close()
        if self.watcher is not None:
            self.watcher.join(timeout=10)
