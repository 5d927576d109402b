"""Plan a publish: which files to upload (and why), which to delete, in a safe order. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from publisher import urls
from publisher.storage.base import FileState
from publisher.storage.headers import FEEDS, PAGE_SUFFIXES

# Feeds go last and in this order: sitemap, article feed, then the podcast feed itself.
LAST = urls.FEEDS_LAST
PHASES = ("media", "pages", "feeds")


@dataclass(frozen=True)
class Upload:
    path: str
    size: int
    reason: str

    @property
    def phase(self) -> str:
        return phase_of(self.path)


@dataclass(frozen=True)
class Plan:
    uploads: tuple[Upload, ...] = ()
    deletes: tuple[str, ...] = ()
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.uploads and not self.deletes

    @property
    def upload_bytes(self) -> int:
        return sum(u.size for u in self.uploads)

    def phase(self, name: str) -> list[Upload]:
        return [u for u in self.uploads if u.phase == name]


def phase_of(path: str) -> str:
    """Media and assets first, then pages, then the feeds and sitemap.

    >>> [phase_of(p) for p in ("episodes/a/a.mp3", "static/s.1.css", "index.html", "feed.xml")]
    ['media', 'media', 'pages', 'feeds']
    """
    if path in LAST or path in FEEDS:
        return "feeds"
    if PurePosixPath(path).suffix in PAGE_SUFFIXES:
        return "pages"
    return "media"


def upload_reason(local: FileState, remote: FileState | None) -> str | None:
    """Why ``local`` must be uploaded over ``remote``, or ``None`` when it need not be.

    >>> upload_reason(FileState(3, "ab", "text/html", "max-age=1"), None)
    'new'
    >>> old = FileState(3, "ab", "text/html", "max-age=1")
    >>> upload_reason(FileState(3, "ab", "text/html", "max-age=9"), old)
    'headers changed'
    """
    if remote is None:
        return "new"
    if remote.sha256 is None:
        return "not verifiable"
    if (remote.size, remote.sha256) != (local.size, local.sha256):
        return "changed"
    if (remote.content_type, remote.cache_control) != (local.content_type, local.cache_control):
        return "headers changed"
    return None


def plan_sync(
    local: dict[str, FileState], remote: dict[str, FileState], prune: bool = False
) -> Plan:
    """Compare the built site with the target; deletes are planned only with ``prune``."""
    uploads: list[Upload] = []
    unchanged = 0
    for path in sorted(local, key=_upload_order):
        reason = upload_reason(local[path], remote.get(path))
        if reason is None:
            unchanged += 1
        else:
            uploads.append(Upload(path, local[path].size, reason))
    deletes = tuple(sorted(set(remote) - set(local))) if prune else ()
    return Plan(tuple(uploads), deletes, unchanged)


def _upload_order(path: str) -> tuple[int, int, str]:
    phase = PHASES.index(phase_of(path))
    rank = LAST.index(path) if path in LAST else -1
    return (phase, rank, path)
