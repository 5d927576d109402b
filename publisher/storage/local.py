"""Publish targets: a local folder or an S3-compatible bucket, behind one small interface."""

from __future__ import annotations

import os
from pathlib import Path

from publisher.errors import StorageError
from publisher.files import atomic_write, file_chunks, file_sha256
from publisher.storage.base import (
    LOCK_NAME,
    MANIFEST_NAME,
    FileState,
    manifest_bytes,
    merge_inventory,
    parse_manifest,
)
from publisher.storage.headers import Headers


class LocalTarget:
    """A folder that receives the site, with the same rules as a bucket."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = f"{root}/"

    def _guard(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise StorageError("the publish target is a file, not a folder", self.root)
        if self.root.is_dir() and any(self.root.iterdir()) and not self._manifest().exists():
            raise StorageError(
                "the publish folder is not empty and was not made by publisher; "
                "choose an empty folder so nothing of yours is overwritten",
                self.root,
            )

    def _manifest(self) -> Path:
        return self.root / MANIFEST_NAME

    def inventory(self, verify: bool = False) -> dict[str, FileState]:
        """The folder is always listed (it costs no requests); to ``verify``, files changed
        after the manifest was written are inspected too."""
        self._guard()
        if not self.root.is_dir():
            return {}
        stats = {
            path.relative_to(self.root).as_posix(): path.stat()
            for path in self.root.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        }
        sizes = {path: stat.st_size for path, stat in stats.items()}
        manifest = self._manifest()
        if not manifest.exists():
            return merge_inventory(sizes, {})
        since = manifest.stat().st_mtime_ns
        changed = [p for p, stat in stats.items() if verify and stat.st_mtime_ns >= since]
        return merge_inventory(sizes, parse_manifest(manifest.read_bytes()), changed)

    def inspect(self, paths: list[str]) -> dict[str, FileState]:
        return {
            p: FileState((self.root / p).stat().st_size, file_sha256(self.root / p)) for p in paths
        }

    def read(self, path: str) -> bytes | None:
        target = self.root / path
        return target.read_bytes() if target.is_file() else None

    def read_head(self, path: str, length: int) -> bytes | None:
        target = self.root / path
        if not target.is_file():
            return None
        with target.open("rb") as stream:
            return stream.read(length)

    def upload(self, path: str, source: Path, headers: Headers, sha256: str) -> None:
        destination = self.root / path
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(destination, file_chunks(source))
        except OSError as err:
            raise StorageError(f"cannot write: {err.strerror}", destination) from err

    def delete(self, paths: list[str]) -> None:
        for path in paths:
            target = self.root / path
            target.unlink(missing_ok=True)
            for parent in target.parents:
                if parent == self.root or any(parent.iterdir()):
                    break
                parent.rmdir()

    def write_manifest(self, files: dict[str, FileState]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._manifest().write_bytes(manifest_bytes(files))

    def lock(self, holder: bytes) -> bytes | None:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(self.root / LOCK_NAME, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return (self.root / LOCK_NAME).read_bytes()
        with os.fdopen(handle, "wb") as stream:
            stream.write(holder)
        return None

    def unlock(self) -> None:
        (self.root / LOCK_NAME).unlink(missing_ok=True)
