"""Our own extension to media-type table: the host's ``mimetypes`` differs between machines."""

from __future__ import annotations

from pathlib import PurePosixPath

from publisher import urls

AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a"}
TRANSCRIPT_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip"}
IMAGE_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}
CHAPTERS_TYPE = "application/json+chapters"

CONTENT_TYPES = {
    **AUDIO_TYPES,
    **TRANSCRIPT_TYPES,
    **IMAGE_TYPES,
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".woff2": "font/woff2",
}
SPECIAL_TYPES = {
    urls.FEED: "application/rss+xml; charset=utf-8",
    urls.ARTICLES_FEED: "application/atom+xml; charset=utf-8",
}


def content_type(path: str) -> str:
    """The Content-Type to serve the output file at ``path`` with.

    >>> content_type("episodes/a/show.m4a")
    'audio/x-m4a'
    >>> content_type("feed.xml")
    'application/rss+xml; charset=utf-8'
    >>> content_type("episodes/a/chapters.json")
    'application/json+chapters'
    """
    if path in SPECIAL_TYPES:
        return SPECIAL_TYPES[path]
    pure = PurePosixPath(path)
    if pure.name == "chapters.json":
        return CHAPTERS_TYPE
    return CONTENT_TYPES.get(pure.suffix.lower(), "application/octet-stream")
