"""The in-memory output tree: every file a build produces, before anything is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from publisher.errors import PublisherError


@dataclass
class OutputTree:
    """Output paths (POSIX, relative) mapped to bytes or to a source file to copy."""

    files: dict[str, bytes | Path] = field(default_factory=dict)

    def add(self, path: str, content: bytes | str | Path) -> None:
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
        content = self.files[path]
        return content.read_bytes() if isinstance(content, Path) else content

    def size(self, path: str) -> int:
        content = self.files[path]
        return content.stat().st_size if isinstance(content, Path) else len(content)


def normalize_output_path(path: str) -> str:
    """Validate a relative output path that must stay inside the output folder.

    >>> normalize_output_path("episodes/a/index.html")
    'episodes/a/index.html'
    >>> normalize_output_path("../etc/passwd")
    Traceback (most recent call last):
    ...
    publisher.errors.PublisherError: output path '../etc/passwd' leaves the output folder
    """
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise PublisherError(f"output path {path!r} leaves the output folder")
    return pure.as_posix()
