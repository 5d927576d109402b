"""The in-memory output tree: every file a build produces, before anything is written."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from publisher.errors import PublisherError
from publisher.files import file_chunks

# A path already in normal form: segments that are neither empty, "." nor "..", no backslash.
NORMAL_PATH = re.compile(r"(?!\.\.?(/|$))[^/\\]+(/(?!\.\.?(/|$))[^/\\]+)*\Z")


@dataclass(frozen=True)
class Spliced:
    """New bytes followed by a byte range of a file: a fresh tag in front of audio frames."""

    head: bytes
    source: Path
    start: int
    end: int

    @property
    def size(self) -> int:
        return len(self.head) + self.end - self.start

    def chunks(self) -> Iterator[bytes]:
        yield self.head
        yield from file_chunks(self.source, self.start, self.end)


class Deferred:
    """Content made only when needed. ``key`` names everything it depends on; ``known`` is its
    (size, sha256) from an earlier build with the same key, so an unchanged file is never made."""

    def __init__(self, key: str, make: Callable[[], bytes | Spliced]) -> None:
        self.key = key
        self._make = make
        self.known: tuple[int, str] | None = None
        self.unchanged_at: Path | None = None
        """Where an identical file was just seen on disk, so a writer there can skip it."""
        self._made: bytes | Spliced | None = None
        # Its own lock: ``functools.cached_property`` on Python 3.11 holds one lock for all
        # instances, so the preview's threads would make unrelated pages one at a time.
        self._lock = threading.Lock()

    @property
    def content(self) -> bytes | Spliced:
        with self._lock:
            if self._made is None:
                self._made = self._make()
            return self._made


Content = bytes | Path | Spliced | Deferred


@dataclass(frozen=True)
class Original:
    """Published bytes a file must keep but this machine cannot make yet: its first
    ``head_size`` bytes (the published tag) followed by ``source[start:end]``."""

    sha256: str
    size: int
    head_size: int
    source: Path
    start: int
    end: int


def chunks_of(content: Content) -> Iterator[bytes]:
    """The content in pieces of at most about 1 MiB, without loading whole files."""
    if isinstance(content, Deferred):
        yield from chunks_of(content.content)
    elif isinstance(content, bytes):
        yield content
    elif isinstance(content, Spliced):
        yield from content.chunks()
    else:
        yield from file_chunks(content)


def size_of(content: Content) -> int:
    if isinstance(content, Deferred):
        return content.known[0] if content.known else size_of(content.content)
    if isinstance(content, bytes):
        return len(content)
    if isinstance(content, Spliced):
        return content.size
    return content.stat().st_size


@dataclass
class OutputTree:
    """Output paths (POSIX, relative) mapped to bytes, a source file, or a spliced file."""

    files: dict[str, Content] = field(default_factory=dict)
    provisional: dict[str, Original] = field(default_factory=dict)
    """Files made anew that must instead keep the published bytes described (``released``)."""

    def add(self, path: str, content: bytes | str | Path | Spliced | Deferred) -> None:
        """Add one output file; refuse a second file at the same path or an escaping path."""
        key = normalize_output_path(path)
        if key in self.files:
            raise PublisherError(f"two things want to be written to {key}; rename one of them")
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.files[key] = content

    def __contains__(self, path: str) -> bool:
        return path in self.files

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.files))

    def read(self, path: str) -> bytes:
        return b"".join(chunks_of(self.files[path]))

    def size(self, path: str) -> int:
        return size_of(self.files[path])


def normalize_output_path(path: str) -> str:
    """Validate a relative output path that must stay inside the output folder.

    >>> normalize_output_path("episodes/a/index.html")
    'episodes/a/index.html'
    >>> normalize_output_path("../etc/passwd")
    Traceback (most recent call last):
    ...
    publisher.errors.PublisherError: error: output path '../etc/passwd' leaves the output folder
    """
    if NORMAL_PATH.match(path):
        return path
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise PublisherError(f"output path {path!r} leaves the output folder")
    return pure.as_posix()
