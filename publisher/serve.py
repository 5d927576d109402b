"""Local preview: build into a temporary folder, serve it on 127.0.0.1, rebuild on change."""

from __future__ import annotations

import datetime as dt
import functools
import logging
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


class _Handler(SimpleHTTPRequestHandler):
    """Serves the build folder under the site's base path; quiet unless -v."""

    def __init__(self, *args: Any, base_path: str, **kwargs: Any) -> None:
        self.base_path = base_path
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        if self.base_path != "/" and path.startswith(self.base_path):
            path = "/" + path[len(self.base_path) :]
        return super().translate_path(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

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
        self.rebuild()
        config, _ = load_config(root)
        handler = functools.partial(
            _Handler, directory=str(self.out), base_path=config.site.base_path
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
        log.warning("rebuilt the preview")
        return True

    def watch(self) -> None:
        """Poll the sources and rebuild after each change, until stopped."""
        seen = source_snapshot(self.root)
        while not self.stop_event.wait(POLL_SECONDS):
            current = source_snapshot(self.root)
            if current != seen:
                seen = current
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
