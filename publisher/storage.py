"""Publish targets: a local folder or an S3-compatible bucket, behind one small interface."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from publisher.cache import file_sha256
from publisher.config import PublishSettings
from publisher.errors import StorageError
from publisher.headers import Headers
from publisher.locks import LockHolder
from publisher.sync import FileState

MANIFEST_NAME = ".publisher-manifest.json"
LOCK_NAME = ".publisher-lock"
DEFAULT_TARGET = "_publish"
MANIFEST_VERSION = 1


class Target(Protocol):
    """Where a site is published. Paths are output paths such as ``episodes/a/a.mp3``."""

    description: str

    def inventory(self) -> dict[str, FileState]:
        """Everything published so far, from one listing and the manifest."""
        ...

    def inspect(self, paths: list[str]) -> dict[str, FileState]:
        """Ask the target itself about files the manifest does not vouch for."""
        ...

    def read(self, path: str) -> bytes | None:
        """The published file at ``path``, or ``None`` when there is none."""
        ...

    def read_head(self, path: str, length: int) -> bytes | None:
        """The first ``length`` bytes of the published file at ``path``, or ``None``."""
        ...

    def upload(self, path: str, source: Path, headers: Headers, sha256: str) -> None: ...

    def delete(self, paths: list[str]) -> None: ...

    def write_manifest(self, files: dict[str, FileState]) -> None: ...

    def lock(self, holder: bytes) -> bytes | None:
        """Take the publish lock; return the current holder's note when someone has it."""
        ...

    def lock_note(self) -> bytes | None:
        """The note of the publish lock if one is held, without taking it."""
        ...

    def unlock(self) -> None: ...


def lock_refusal(target: Target, note: bytes, site: Path) -> StorageError:
    """The error for a lock someone else may hold, with the exact command to clear it."""
    holder = LockHolder.from_bytes(note)
    who = holder.describe() if holder else "an unknown publish"
    site_option = "" if site == Path(".") else f"--site {site} "
    return StorageError(
        f"another publish is running ({who}). If none is (a publish interrupted on another "
        "machine leaves its lock behind, and publisher cannot tell from here), run: "
        f"publisher {site_option}publish --break-lock",
        target.description + LOCK_NAME,
    )


def manifest_bytes(files: dict[str, FileState]) -> bytes:
    """The manifest: every published file's size, hash and headers, in a stable order."""
    entries = {
        path: {
            "size": state.size,
            "sha256": state.sha256,
            "content_type": state.content_type,
            "cache_control": state.cache_control,
        }
        for path, state in sorted(files.items())
    }
    document = {"generator": "publisher", "version": MANIFEST_VERSION, "files": entries}
    return (json.dumps(document, indent=1, sort_keys=True) + "\n").encode()


def parse_manifest(data: bytes) -> dict[str, FileState]:
    """Read a manifest; a damaged one is ignored (every file is then verified or re-sent)."""
    try:
        document = json.loads(data)
        files = document["files"]
        return {
            str(path): FileState(
                int(entry["size"]),
                entry.get("sha256"),
                entry.get("content_type"),
                entry.get("cache_control"),
            )
            for path, entry in files.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}


def merge_inventory(sizes: dict[str, int], manifest: dict[str, FileState]) -> dict[str, FileState]:
    """Trust the manifest only for files the listing shows with the same size.

    >>> merged = merge_inventory({"a": 3, "b": 4}, {"a": FileState(3, "x"), "b": FileState(5, "y")})
    >>> merged["a"].sha256, merged["b"].sha256
    ('x', None)
    """
    merged = {}
    for path, size in sorted(sizes.items()):
        known = manifest.get(path)
        merged[path] = known if known is not None and known.size == size else FileState(size, None)
    return merged


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

    def inventory(self) -> dict[str, FileState]:
        self._guard()
        if not self.root.is_dir():
            return {}
        sizes = {
            path.relative_to(self.root).as_posix(): path.stat().st_size
            for path in self.root.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        }
        manifest = self._manifest()
        known = parse_manifest(manifest.read_bytes()) if manifest.exists() else {}
        return merge_inventory(sizes, known)

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
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=destination.parent, prefix=".upload-")
        os.close(handle)
        try:
            shutil.copyfile(source, temp)
            os.chmod(temp, 0o644)
            os.replace(temp, destination)
        except OSError as err:
            Path(temp).unlink(missing_ok=True)
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

    def lock_note(self) -> bytes | None:
        lock = self.root / LOCK_NAME
        return lock.read_bytes() if lock.is_file() else None

    def unlock(self) -> None:
        (self.root / LOCK_NAME).unlink(missing_ok=True)


def open_target(url: str, settings: PublishSettings, base: Path) -> Target:
    """Pick the target for ``url``: ``s3://bucket/prefix``, ``file:///path`` or a folder path."""
    parts = urlsplit(url)
    if parts.scheme == "s3":
        from publisher.s3 import S3Target

        return S3Target(parts.netloc, parts.path.strip("/"), settings)
    if parts.scheme == "file":
        return LocalTarget(Path(parts.path))
    if parts.scheme and len(parts.scheme) > 1:
        raise StorageError(
            f"unsupported publish target {url!r}: use s3://bucket/prefix, a folder or file:///path"
        )
    return LocalTarget(base / url)


def batched(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
