"""What every publish target offers: the Target protocol, file states, the manifest format."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from publisher.errors import StorageError
from publisher.storage.headers import Headers
from publisher.storage.lock import LockHolder

MANIFEST_NAME = ".publisher-manifest.json"


LOCK_NAME = ".publisher-lock"


DEFAULT_TARGET = "_publish"


MANIFEST_VERSION = 1


class Target(Protocol):
    """Where a site is published. Paths are output paths such as ``episodes/a/a.mp3``."""

    description: str

    def inventory(self, verify: bool = False) -> dict[str, FileState]:
        """Everything published so far, as the manifest and (when it cannot be trusted, or to
        ``verify``) a listing of the target say."""
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

    def unlock(self) -> None: ...


def lock_refusal(
    target: Target, note: bytes, site: Path, target_url: str | None = None
) -> StorageError:
    """The error for a lock someone else may hold, with the exact command to clear it."""
    holder = LockHolder.from_bytes(note)
    who = holder.describe() if holder else "an unknown publish"
    site_option = "" if site == Path(".") else f"--site {shlex.quote(str(site))} "
    target_option = f"--target {shlex.quote(target_url)} " if target_url else ""
    return StorageError(
        f"another publish is running ({who}). If none is (a publish interrupted on another "
        "machine leaves its lock behind, and publisher cannot tell from here), run: "
        f"publisher {site_option}publish {target_option}--break-lock",
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
    return _manifest_files(data, strict=False) or {}


def trusted_manifest(data: bytes | None) -> dict[str, FileState] | None:
    """The files of a manifest publisher wrote, or ``None`` when it is missing or damaged.

    >>> trusted_manifest(manifest_bytes({"a": FileState(1, "x")}))
    {'a': FileState(size=1, sha256='x', content_type=None, cache_control=None)}
    >>> trusted_manifest(b'{"files": {}}') is None, trusted_manifest(b"{") is None
    (True, True)
    """
    return None if data is None else _manifest_files(data, strict=True)


def _manifest_files(data: bytes, strict: bool) -> dict[str, FileState] | None:
    try:
        document = json.loads(data)
        if strict and (
            document.get("generator") != "publisher" or document.get("version") != MANIFEST_VERSION
        ):
            return None
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
        return None


def merge_inventory(
    sizes: dict[str, int], manifest: dict[str, FileState], changed: Iterable[str] = ()
) -> dict[str, FileState]:
    """Trust the manifest only for files the listing shows with the same size and that did not
    change after the manifest was written (``changed``).

    >>> manifest = {"a": FileState(3, "a"), "b": FileState(5, "b"), "c": FileState(5, "c")}
    >>> merged = merge_inventory({"a": 3, "b": 4, "c": 5}, manifest, changed=["c"])
    >>> [merged[p].sha256 for p in "abc"]
    ['a', None, None]
    """
    merged = {}
    later = set(changed)
    for path, size in sorted(sizes.items()):
        known = manifest.get(path)
        trusted = known is not None and known.size == size and path not in later
        merged[path] = known if known is not None and trusted else FileState(size, None)
    return merged


def batched(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class FileState:
    """What is known of one file: its bytes (size, sha256) and the headers it is served with.

    For a remote file ``sha256`` is ``None`` when the target could not say (then it is uploaded).
    """

    size: int
    sha256: str | None
    content_type: str | None = None
    cache_control: str | None = None

    @property
    def headers(self) -> Headers:
        """The headers to serve it with (a local file's are always known)."""
        return Headers(self.content_type or "", self.cache_control or "")
