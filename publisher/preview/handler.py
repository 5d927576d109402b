"""The preview's HTTP side: files from the site in memory, byte ranges for seeking audio, and
in every page a script that reloads it as soon as the site changes."""

from __future__ import annotations

import html
import logging
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Protocol

from publisher.content.mediatypes import content_type
from publisher.errors import PublisherError
from publisher.files import file_chunks
from publisher.output.tree import Deferred, OutputTree, Spliced, normalize_output_path, size_of
from publisher.storage.headers import cache_kind

log = logging.getLogger(__name__)

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
RELOAD_PATH = "/__publisher/version"
NOT_FOUND = "404.html"
WAIT_SECONDS = 25.0  # a page's question "has it changed?" is answered at the latest after this
# Asks the preview whether the site changed since the state the page came from; the answer
# comes as soon as it has (or after WAIT_SECONDS, then it asks again). Reloads on a change.
RELOAD_SCRIPT = (
    "<script>(async()=>{const built='%s',pause=()=>new Promise(f=>setTimeout(f,1000));"
    "for(;;){try{const r=await fetch('" + RELOAD_PATH + "?known='+built);"
    "const now=await r.text();if(r.ok&&now!==built){location.reload();return}"
    "if(!r.ok)await pause()}catch(e){await pause()}}})();</script>"
)
PROBLEMS_ID = "publisher-problems"
PROBLEMS_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:70vh;overflow:auto;"
    "margin:0;padding:1em 1.5em;background:#fff0f0;color:#600;border-bottom:4px solid #c00;"
    "font:14px/1.5 monospace;white-space:pre-wrap;text-align:left"
)
IMMUTABLE = "max-age=31536000, immutable"
EMPTY_PAGE = (
    b'<!doctype html><html><head><meta charset="utf-8"><title>Build failed</title>'
    b"</head><body></body></html>"
)


@dataclass(frozen=True)
class Snapshot:
    """The preview as one answer sees it: the files, the state's name and its problems."""

    tree: OutputTree
    state: str
    problems: tuple[str, ...] = ()


class Served(Protocol):
    """What the handler serves."""

    @property
    def current(self) -> Snapshot: ...

    def wait_for_change(self, known: str, seconds: float) -> str: ...


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


def span_chunks(content: bytes | Path | Spliced, span: range) -> Iterator[bytes]:
    """The bytes ``span`` of ``content`` in pieces, files read from disk as they are sent.

    >>> b"".join(span_chunks(b"abcdef", range(1, 4)))
    b'bcd'
    """
    start, stop = span.start, span.stop
    if isinstance(content, bytes):
        yield content[start:stop]
    elif isinstance(content, Path):
        yield from file_chunks(content, start, stop)
    else:
        head = content.head
        if start < len(head):
            yield head[start : min(stop, len(head))]
        first = content.start + max(0, start - len(head))
        last = content.start + max(0, stop - len(head))
        if last > first:
            yield from file_chunks(content.source, first, last)


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


def with_page_extras(data: bytes, state: str, problems: tuple[str, ...]) -> bytes:
    """A page with the reload script and, while the last rebuild failed, the problems."""
    extras = RELOAD_SCRIPT % state
    if problems:
        extras = problems_banner(problems) + extras
    if b"</body>" in data:
        return data.replace(b"</body>", extras.encode() + b"</body>", 1)
    return data + extras.encode()


class Handler(BaseHTTPRequestHandler):
    """Serves the site in memory under its base path. Quiet unless -v."""

    def __init__(self, *args: Any, base_path: str, preview: Served, **kwargs: Any) -> None:
        self.base_path = base_path
        self.preview = preview
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path, _, query = self.path.partition("?")
        if path == RELOAD_PATH:
            known = urllib.parse.parse_qs(query).get("known", [""])[0]
            state = self.preview.wait_for_change(known, WAIT_SECONDS) if known else ""
            answer = state or self.preview.current.state
            self._send(200, "text/plain; charset=utf-8", answer.encode())
            return
        snapshot = self.preview.current  # one state for the whole answer
        wanted = _output_path(urllib.parse.unquote(path), self.base_path)
        if wanted is not None and wanted + "/index.html" in snapshot.tree:
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if wanted is None or wanted not in snapshot.tree:
            page = self._made(snapshot, NOT_FOUND, send_body)
            if page is not None:
                self._send_page(404, snapshot, page, send_body)
            return
        content = self._made(snapshot, wanted, send_body)
        if content is None:
            return
        if wanted.endswith(".html") and isinstance(content, bytes):
            self._send_page(200, snapshot, content, send_body)
            return
        immutable = cache_kind(wanted) == "assets"  # named by content: kept across reloads
        kind = content_type(wanted)
        self._send(200, kind, content, send_body, self.headers.get("Range"), immutable)

    def _made(
        self, snapshot: Snapshot, path: str, send_body: bool
    ) -> bytes | Path | Spliced | None:
        """The content at ``path`` (``b"Not found"`` for a site without a 404 page), made
        now if it is made on request; None when that failed, and the answer says why."""
        if path not in snapshot.tree:
            return EMPTY_PAGE if snapshot.problems else b"Not found"
        try:
            return _content(snapshot.tree.files[path])
        except PublisherError as err:  # e.g. a template mistake, found as the page is made
            log.error("%s", err)
            problems = tuple(str(err).splitlines())
        except Exception as err:
            log.exception("the preview could not make %s because of a bug in publisher", path)
            problems = (f"internal error, a bug in publisher: {type(err).__name__}: {err}",)
        failed = Snapshot(snapshot.tree, snapshot.state, snapshot.problems + problems)
        self._send_page(500, failed, EMPTY_PAGE, send_body)
        return None

    def _send_page(
        self, status: int, snapshot: Snapshot, content: bytes | Path | Spliced, send_body: bool
    ) -> None:
        """An HTML page with the reload script and the problems, if any."""
        if isinstance(content, bytes) and content.startswith(b"<"):
            content = with_page_extras(content, snapshot.state, snapshot.problems)
        ranges = self.headers.get("Range") if status == 200 else None
        self._send(status, "text/html; charset=utf-8", content, send_body, ranges)

    def _send(
        self,
        status: int,
        kind: str,
        content: bytes | Path | Spliced,
        send_body: bool = True,
        ranges: str | None = None,
        immutable: bool = False,
    ) -> None:
        """Answer with ``content`` or the part of it ``ranges`` asks for; a file is read
        from disk piece by piece as it is sent."""
        size = size_of(content)
        wanted = requested_range(ranges, size) if status == 200 else None
        if not self._start(status, kind, size, wanted, immutable) or not send_body:
            return
        try:
            for chunk in span_chunks(content, wanted or range(size)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):  # a player seeking elsewhere hangs up
            self.close_connection = True
        except OSError as err:  # the source changed or went while it was being sent
            log.debug("stopped sending %s (%s)", self.path, err)
            self.close_connection = True

    def _start(
        self, status: int, kind: str, size: int, wanted: range | None, immutable: bool = False
    ) -> bool:
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
        self.send_header("Cache-Control", IMMUTABLE if immutable else "no-store")
        if wanted:
            self.send_header("Content-Range", f"bytes {wanted.start}-{wanted.stop - 1}/{size}")
        self.end_headers()
        return True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("serve: " + format, *args)


def _output_path(url_path: str, base_path: str) -> str | None:
    """The output file a URL path names (``index.html`` for a folder), or None for one
    outside the site.

    >>> _output_path("/blog/articles/a/", "/blog/"), _output_path("/", "/")
    ('articles/a/index.html', 'index.html')
    >>> _output_path("/feed.xml", "/"), _output_path("/../etc/passwd", "/")
    ('feed.xml', None)
    """
    if base_path != "/" and url_path.startswith(base_path):
        url_path = "/" + url_path[len(base_path) :]
    relative = url_path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    try:
        return normalize_output_path(relative)
    except PublisherError:
        return None


def _content(content: bytes | Path | Spliced | Deferred) -> bytes | Path | Spliced:
    return _content(content.content) if isinstance(content, Deferred) else content
