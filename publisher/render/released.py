"""Released audio keeps its bytes, whatever changes in the tags later.

Listeners' apps hold a released file, and some resume a download by byte range, so its bytes
change only when the editor's own audio file does. When the details written into the tags
change after release (new show artwork, show title or author, a corrected episode title), the
released file keeps the tag it was published with: the head of the published copy, read once
from the publish target and kept in the build cache under the published file's SHA-256.
Episodes released after the change get the new tags.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Protocol

from publisher.cache import BuildCache, digest
from publisher.content.audio import AudioInfo
from publisher.content.ledger import PublishedAudio
from publisher.errors import Problem, StorageError
from publisher.files import atomic_write
from publisher.output.tree import Deferred, Original, OutputTree, Spliced
from publisher.render.audiotags import mp3_audio_span

log = logging.getLogger(__name__)

HEADS_FOLDER = "released"


class HeadSource(Protocol):
    """Where published files can be read back (a publish target)."""

    description: str

    def read_head(self, path: str, length: int) -> bytes | None: ...


def keep_released(
    path: str,
    audio: AudioInfo,
    fresh: Deferred,
    published: PublishedAudio | None,
    tree: OutputTree,
    cache: BuildCache,
) -> Deferred:
    """The published bytes of a released file whose tags would now differ, else ``fresh``.

    When the published tag is not in the cache yet, ``fresh`` is returned and ``path`` is
    noted in ``tree.provisional``; ``publish`` then fetches the tag and renders again.
    """
    if (
        published is None
        or not published.tags
        or published.tags == fresh.key
        or cache.file_sha256(audio.source) != published.source_sha256
    ):
        return fresh
    start, end = mp3_audio_span(audio.source) if audio.mime_type == "audio/mpeg" else (0, 0)
    original = Original(
        published.sha256, published.size, published.size - (end - start), audio.source, start, end
    )
    head = _stored_head(cache, original.sha256)
    if head is None:
        tree.provisional[path] = original
        return fresh
    kept = Deferred(
        digest("released", original.sha256), lambda: Spliced(head, audio.source, start, end)
    )
    kept.known = (original.size, original.sha256)
    return kept


def provisional_warnings(tree: OutputTree) -> list[Problem]:
    """Say which released files this build could not keep byte for byte."""
    return [
        Problem(
            "released with tags that have changed since (show or episode details); this build "
            "tags it anew, but publish keeps the released file as it is",
            original.source,
            severity="warning",
        )
        for original in tree.provisional.values()
    ]


def fetch_released_heads(target: HeadSource, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """Read the published tag of every provisional file from ``target`` into the cache."""
    problems = []
    for path, original in sorted(tree.provisional.items()):
        problem = _fetch_one(target, path, original, cache)
        if problem is not None:
            problems.append(problem)
    return problems


def _fetch_one(
    target: HeadSource, path: str, original: Original, cache: BuildCache
) -> Problem | None:
    where = original.source
    cause = "it was released with other tags, and its bytes must not change under listeners' apps"
    if original.head_size <= 0:
        return Problem(f"{cause}, but published.toml does not match this audio file", where)
    try:
        head = target.read_head(path, original.head_size)
    except StorageError as err:
        return Problem(f"{cause}; reading the published copy failed: {err.problem}", where)
    if head is None or len(head) != original.head_size:
        return Problem(
            f"{cause}, but {target.description}{path} is missing or shorter than published; "
            "restore it, or publish the audio under a new file name",
            where,
        )
    if _published_sha256(head, original) != original.sha256:
        return Problem(
            f"{cause}, but {target.description}{path} differs from what published.toml records; "
            "publish the audio under a new file name",
            where,
        )
    _store_head(cache, original.sha256, head)
    log.info("kept the published tag of %s", path)
    return None


def _published_sha256(head: bytes, original: Original) -> str:
    sha = hashlib.sha256(head)
    for chunk in _frames(original):
        sha.update(chunk)
    return sha.hexdigest()


def _frames(original: Original) -> Iterable[bytes]:
    return Spliced(b"", original.source, original.start, original.end).chunks()


def _stored_head(cache: BuildCache, sha256: str) -> bytes | None:
    folder = cache.folder(HEADS_FOLDER)
    path = folder / sha256 if folder else None
    return path.read_bytes() if path is not None and path.is_file() else None


def _store_head(cache: BuildCache, sha256: str, head: bytes) -> None:
    folder = cache.folder(HEADS_FOLDER)
    if folder is not None:
        atomic_write(folder / sha256, [head])
