"""Small file helpers every stage shares: reading in pieces, hashing, whole-or-nothing writes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

CHUNK = 1 << 20
"""Files are read and written in pieces of this many bytes, so none is held whole."""


def file_chunks(path: Path, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The bytes ``start`` to ``end`` of ``path`` in pieces; fails if the file shrank meanwhile."""
    with path.open("rb") as handle:
        handle.seek(start)
        remaining = (end if end is not None else path.stat().st_size) - start
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                raise OSError(f"{path} changed while it was being read")
            remaining -= len(chunk)
            yield chunk


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in pieces."""
    sha = hashlib.sha256()
    for chunk in file_chunks(path):
        sha.update(chunk)
    return sha.hexdigest()


def write_temp(folder: Path, chunks: Iterable[bytes]) -> Path:
    """Write ``chunks`` to a new temporary file in ``folder`` (readable by all); return it.

    Nothing is left behind when writing fails.
    """
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
        os.chmod(temp, 0o644)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def atomic_write(path: Path, chunks: Iterable[bytes]) -> None:
    """Replace ``path`` with ``chunks`` all at once: readers see the old file or the new one."""
    temp = write_temp(path.parent, chunks)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
