"""Local preview: build into a temporary folder, serve it on 127.0.0.1, rebuild on change."""

from __future__ import annotations

import datetime as dt
import functools
import html
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

import watchfiles

from publisher.build import build
from publisher.cache import CACHE_DIR
from publisher.config.settings import load_config
from publisher.content.mediatypes import content_type
from publisher.errors import PublisherError
from publisher.locks import SiteBusy, site_lock

log = logging.getLogger(__name__)

WATCHED = ("site.toml", "articles", "episodes", "templates")
# Folders under the site whose changes never need a rebuild: what builds and publishes write,
# version control, and tools' caches.
IGNORED_DIRS = frozenset(
    {CACHE_DIR, "_site", "_publish", ".git", ".hg", ".svn", ".venv", "node_modules", "__pycache__"}
    | {".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis"}
)
IGNORED_NAMES = re.compile(r"\.sw.$|~$|^\.#|^\.DS_Store$|^4913$")  # editors' swap and backup files
STEP_MS = 100  # a burst of events ends once none came for this long: one rebuild per save
DEBOUNCE_MS = 1600  # ... or after this long, while events keep coming
LOOK_MS = 500  # the watcher also wakes this often without events (to retry a busy site)
CHUNK_BYTES = 1 << 20  # files are sent in pieces this size
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


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


def needs_rebuild(root: Path, out: Path, path: str) -> bool:
    """Whether an event at ``path`` may change the build of the site folder ``root``: not one
    outside it, in the preview's own output ``out``, in ``IGNORED_DIRS`` or on a swap file.

    >>> [needs_rebuild(Path("/s"), Path("/s/tmp"), f"/s/{p}") for p in ("site.toml", "a/b.md")]
    [True, True]
    >>> ignored = ("_site/index.html", ".publisher-cache/build.lock", ".git/index",
    ...     "tmp/feed.xml", "a/.b.md.swp", "a/b.md~", "a/.#b.md")
    >>> [needs_rebuild(Path("/s"), Path("/s/tmp"), f"/s/{p}") for p in ignored]
    [False, False, False, False, False, False, False]
    >>> needs_rebuild(Path("/s"), Path("/tmp/preview"), "/elsewhere/site.toml")
    False
    """
    file = Path(path)
    if file.is_relative_to(out) or not file.is_relative_to(root):
        return False
    parts = file.relative_to(root).parts
    return not any(part in IGNORED_DIRS for part in parts) and not (
        parts and IGNORED_NAMES.search(parts[-1])
    )


def requested_range(header: str | None, size: int) -> range | None:
    """The bytes a ``Range`` header asks of a file of ``size`` bytes: None for the whole file
    (no header, or one this server ignores: several ranges, or an invalid one), an empty range
    when none of the bytes asked for exist (416).

    >>> requested_range("bytes=0-9", 100), requested_range("bytes=90-200", 100)
    (range(0, 10), range(90, 100))
    >>> requested_range("bytes=-500", 100), requested_range("bytes=-5", 100)
    (range(0, 100), range(95, 100))
    >>> requested_range("bytes=100-", 100), requested_range("bytes=-0", 100)
    (range(100, 100), range(100, 100))
    >>> requested_range(None, 100), requested_range("bytes=0-1,5-6", 100)
    (None, None)
    >>> requested_range("bytes=5-2", 100)
    """
    match = RANGE_RE.match(header or "")
    if not match or not (match[1] or match[2]):
        return None
    if match[1]:
        start = int(match[1])
        if match[2] and int(match[2]) < start:
            return None  # invalid, so ignored (RFC 9110)
        end = min(int(match[2]) + 1, size) if match[2] else size
    else:
        start, end = max(0, size - int(match[2])), size
    return range(start, max(start, end))


RELOAD_PATH = "/__publisher/version"
# Polls the preview's build number and reloads the page once it differs from the build the
# page came from (a rebuild may finish before the first poll).
RELOAD_SCRIPT = (
    "<script>(()=>{const built='%s';setInterval(async()=>{try{"
    "const r=await fetch('" + RELOAD_PATH + "');"
    "if((await r.text())!==built)location.reload();}catch(e){}},1000);})();</script>"
)
PROBLEMS_ID = "publisher-problems"
PROBLEMS_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:70vh;overflow:auto;"
    "margin:0;padding:1em 1.5em;background:#fff0f0;color:#600;border-bottom:4px solid #c00;"
    "font:14px/1.5 monospace;white-space:pre-wrap;text-align:left"
)


def problems_banner(problems: tuple[str, ...]) -> str:
    """The overlay every preview page carries while the last rebuild failed (escaped HTML).

    >>> print(problems_banner(("a.md:3: error: <b> & 'c'",)))  # doctest: +ELLIPSIS
    <div id="publisher-problems" role="alert" ...><strong>The site could not be rebuilt...</strong>
    <ul><li>a.md:3: error: &lt;b&gt; &amp; &#x27;c&#x27;</li></ul></div>
    """
    items = "".join(f"<li>{html.escape(line)}</li>" for line in problems)
    return (
        f'<div id="{PROBLEMS_ID}" role="alert" style="{PROBLEMS_STYLE}"><strong>The site could '
        "not be rebuilt; fix these and save again (until then the preview shows the last good "
        "build):</strong>\n"
        f"<ul>{items}</ul></div>"
    )


def _with_page_extras(data: bytes, preview: Preview) -> bytes:
    """A page with the reload script and, while the last rebuild failed, the problems."""
    extras = RELOAD_SCRIPT % preview.state
    if preview.problems:
        extras = problems_banner(preview.problems) + extras
    if b"</body>" in data:
        return data.replace(b"</body>", extras.encode() + b"</body>", 1)
    return data + extras.encode()


class _Handler(SimpleHTTPRequestHandler):
    """Serves the build under the site's base path, with byte ranges (for seeking audio) and
    a reload script in every page. Quiet unless -v."""

    def __init__(self, *args: Any, base_path: str, preview: Preview, **kwargs: Any) -> None:
        self.base_path = base_path
        self.preview = preview
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        if self.base_path != "/" and path.startswith(self.base_path):
            path = "/" + path[len(self.base_path) :]
        return super().translate_path(path)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        if self.path.split("?", 1)[0] == RELOAD_PATH:
            self._send(200, "text/plain; charset=utf-8", self.preview.state.encode(), send_body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                self.send_response(301)
                self.send_header("Location", self.path.split("?", 1)[0] + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = path / "index.html"
        if not path.is_file():
            self._not_found(send_body)
            return
        kind = content_type(path.relative_to(Path(self.directory)).as_posix())
        if path.suffix == ".html":
            data = _with_page_extras(path.read_bytes(), self.preview)
            self._send(200, kind, data, send_body, self.headers.get("Range"))
            return
        try:
            file = path.open("rb")
        except OSError:  # removed by a rebuild since
            self._not_found(send_body)
            return
        with file:
            self._send_file(file, kind, send_body)

    def _not_found(self, send_body: bool) -> None:
        page = Path(self.directory) / "404.html"
        if page.is_file():
            body = page.read_bytes()
        elif self.preview.problems:  # no good build yet
            body = b'<!doctype html><html><head><meta charset="utf-8"><title>Build failed</title>'
            body += b"</head><body></body></html>"
        else:
            body = b"Not found"
        if body.startswith(b"<"):
            body = _with_page_extras(body, self.preview)
        self._send(404, "text/html; charset=utf-8", body, send_body)

    def _send(
        self, status: int, kind: str, data: bytes, send_body: bool, ranges: str | None = None
    ) -> None:
        """Answer with ``data`` (a page, made in memory), or the part of it ``ranges`` asks for."""
        wanted = requested_range(ranges, len(data)) if status == 200 else None
        if self._start(status, kind, len(data), wanted) and send_body:
            self.wfile.write(data[wanted.start : wanted.stop] if wanted else data)

    def _send_file(self, file: BinaryIO, kind: str, send_body: bool) -> None:
        """Answer with an open file, or the byte range asked for, read from disk in pieces."""
        size = os.fstat(file.fileno()).st_size
        wanted = requested_range(self.headers.get("Range"), size)
        if not self._start(200, kind, size, wanted) or not send_body:
            return
        span = wanted or range(size)
        file.seek(span.start)
        left = len(span)
        try:
            while left > 0:
                chunk = file.read(min(CHUNK_BYTES, left))
                if not chunk:  # the file shrank while it was being sent (a rebuild)
                    break
                self.wfile.write(chunk)
                left -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):  # a player seeking elsewhere hangs up
            self.close_connection = True

    def _start(self, status: int, kind: str, size: int, wanted: range | None) -> bool:
        """Send the status and headers; False if the part ``wanted`` does not exist (416)."""
        if wanted is not None and not wanted:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        self.send_response(206 if wanted else status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(wanted) if wanted else size))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        if wanted:
            self.send_header("Content-Range", f"bytes {wanted.start}-{wanted.stop - 1}/{size}")
        self.end_headers()
        return True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("serve: " + format, *args)


class Preview:
    """A preview server that rebuilds whenever a source file changes."""

    def __init__(
        self, root: Path, port: int, clock: Callable[[], dt.datetime], drafts: bool = False
    ) -> None:
        self.root = root
        self.clock = clock
        self.drafts = drafts
        self.out = Path(tempfile.mkdtemp(prefix="publisher-preview-")) / "site"
        self.stop_event = threading.Event()
        self.builds = 0  # builds run so far, good or failed, the first one included
        self.version = 0  # good builds so far
        self.failures = 0  # failed rebuilds so far
        self.refusals = 0  # rebuilds put off because another build held the site
        self.looks = 0  # times the watcher woke: a burst of changes, or LOOK_MS without any
        self.problems: tuple[str, ...] = ()  # why the last rebuild failed; () when it did not
        self.pending = False  # another build held the site: rebuild when it is done
        self.changed: tuple[str, ...] = ()  # the files whose change led to the last rebuild
        # Taken before the first build; the watcher compares once it runs, so an edit saved
        # while the preview starts (before the watcher sees events) is not missed.
        self.sources: dict[str, tuple[int, int]] | None = source_snapshot(root)
        self.rebuild()
        config, _ = load_config(root)
        handler = functools.partial(
            _Handler, directory=str(self.out), base_path=config.site.base_path, preview=self
        )
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}{config.site.base_path}"
        self.watcher: threading.Thread | None = None

    @property
    def state(self) -> str:
        """What open pages poll to notice a change: the build number, and the failure number
        while the last rebuild failed (so the problems appear, and go, without a manual reload).
        """
        return f"{self.version}-failed-{self.failures}" if self.problems else str(self.version)

    def rebuild(self) -> bool:
        """Build once; on any error keep serving the last good build and say why.

        The site lock is held only while building, so ``publisher build`` can run beside a
        preview; when a build holds it, the watcher tries again on its next look.
        """
        try:
            with site_lock(self.root):
                self.pending = False
                self.builds += 1
                build(self.root, self.out, self.clock(), include_unreleased=self.drafts)
        except SiteBusy as err:
            if not self.pending:
                log.warning("%s\n(the preview rebuilds once it has finished)", err)
            self.pending = True
            self.refusals += 1
            return False
        except PublisherError as err:  # ProblemsFound too: one line per problem
            log.error("%s\n(the preview keeps showing the last good build)", err)
            self._failed(tuple(str(err).splitlines()))
            return False
        except Exception as err:
            log.exception(
                "the preview could not be rebuilt because of a bug in publisher; please report "
                "it with the lines below (the preview keeps showing the last good build)"
            )
            self._failed((f"internal error, a bug in publisher: {type(err).__name__}: {err}",))
            return False
        self.problems = ()
        self.version += 1
        log.warning("built the preview (build %d)", self.version)
        return True

    def _failed(self, problems: tuple[str, ...]) -> None:
        self.failures += 1
        self.problems = problems

    def watch(self) -> None:
        """Rebuild after each burst of file events under the site folder, until
        ``stop_event`` is set; a failed rebuild or look does not stop it."""
        root, out = self.root.resolve(), self.out.parent.resolve()
        events = watchfiles.watch(
            root,
            watch_filter=lambda _, path: needs_rebuild(root, out, path),
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
                self.rebuild()
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
        """Stop the watcher (after the rebuild it may be running) and remove the build."""
        self.stop_event.set()
        self.server.server_close()
        if self.watcher is not None:
            self.watcher.join(timeout=10)
        shutil.rmtree(self.out.parent, ignore_errors=True)
