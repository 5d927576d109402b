"""HTTP headers each published file is served with: Content-Type and Cache-Control."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from publisher import urls
from publisher.config.values import DEFAULT_CACHE_CONTROL
from publisher.content.mediatypes import AUDIO_TYPES, content_type

FEEDS = (urls.FEED, urls.ARTICLES_FEED)
PAGE_SUFFIXES = (".html", ".txt", ".xml")


@dataclass(frozen=True)
class Headers:
    content_type: str
    cache_control: str


def cache_kind(path: str) -> str:
    """Which Cache-Control policy applies to the output file at ``path``.

    >>> [cache_kind(p) for p in ("feed.xml", "episodes/a/a.mp3", "static/style.1a2b.css",
    ...                          "episodes/a/transcript.vtt", "index.html", "robots.txt")]
    ['feeds', 'audio', 'assets', 'media', 'html', 'other']
    """
    pure = PurePosixPath(path)
    if path in FEEDS:
        return "feeds"
    if pure.suffix.lower() in AUDIO_TYPES:
        return "audio"
    if pure.parts[0] == "static":
        return "assets"
    if pure.suffix == ".html":
        return "html"
    if pure.parts[0] == "episodes":
        return "media"
    return "other"


def headers_for(path: str, overrides: Mapping[str, str]) -> Headers:
    """The headers for ``path``, with the site's Cache-Control overrides applied."""
    kind = cache_kind(path)
    return Headers(content_type(path), overrides.get(kind, DEFAULT_CACHE_CONTROL[kind]))
