"""Local preview: build into a temporary folder, serve it on 127.0.0.1, rebuild on change."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from publisher.build import build
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.mediatypes import content_type

log = logging.getLogger(__name__)

WATCHED = ("site.toml", "articles", "episodes", "templates")
POLL_SECONDS = 0.5


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


RELOAD_PATH = "/__publisher/version"
# Polls the preview's build number and reloads the page once it differs from the build the
# page came from (a rebuild may finish before the first poll).
RELOAD_SCRIPT = (
    "<script>(()=>{const built='%s';setInterval(async()=>{try{"
    "const r=await fetch('" + RELOAD_PATH + "');"
    "if((await r.text())!==built)location.reload();}catch(e){}},1000);})();</script>"
)
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


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
            self._send(
                200, "text/plain; charset=utf-8", str(self.preview.version).encode(), send_body
            )
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
        data = path.read_bytes()
        kind = content_type(path.relative_to(Path(self.directory)).as_posix())
        if path.suffix == ".html":
            script = RELOAD_SCRIPT % self.preview.version
            data = data.replace(b"</body>", script.encode() + b"</body>", 1)
        self._send(200, kind, data, send_body, self.headers.get("Range"))

    def _not_found(self, send_body: bool) -> None:
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found"
        self._send(404, "text/html; charset=utf-8", body, send_body)

    def _send(
        self, status: int, kind: str, data: bytes, send_body: bool, ranges: str | None = None
    ) -> None:
        start, end = 0, len(data) - 1
        match = RANGE_RE.match(ranges or "")
        if match and status == 200 and (match[1] or match[2]):
            if match[1]:
                start, end = int(match[1]), int(match[2]) if match[2] else len(data) - 1
            else:
                start = max(0, len(data) - int(match[2]))
            if start >= len(data) or start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            end = min(end, len(data) - 1)
            status = 206
        body = data[start : end + 1]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

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
        self.version = 0
        # Taken before the first build, so an edit made while the server starts is not missed.
        self.sources = source_snapshot(root)
        self.rebuild()
        config, _ = load_config(root)
        handler = functools.partial(
            _Handler, directory=str(self.out), base_path=config.site.base_path, preview=self
        )
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}{config.site.base_path}"

    def rebuild(self) -> bool:
        """Build once; on a user error keep serving the last good build and say why."""
        try:
            build(self.root, self.out, self.clock(), include_unreleased=self.drafts)
        except PublisherError as err:
            log.error("%s\n(the preview keeps showing the last good build)", err)
            return False
        self.version += 1
        log.warning("built the preview (build %d)", self.version)
        return True

    def watch(self) -> None:
        """Poll the sources and rebuild after each change, until stopped."""
        while not self.stop_event.wait(POLL_SECONDS):
            current = source_snapshot(self.root)
            if current != self.sources:
                self.sources = current
                self.rebuild()

    def serve_forever(self) -> None:
        watcher = threading.Thread(target=self.watch, name="publisher-watch", daemon=True)
        watcher.start()
        try:
            self.server.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        self.stop_event.set()
        self.server.server_close()
        shutil.rmtree(self.out.parent, ignore_errors=True)
