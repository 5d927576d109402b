"""Write an output tree: only changed files, stale files removed, never outside ``--out``."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import PublisherError
from publisher.output import OutputTree, chunks_of

log = logging.getLogger(__name__)

MARKER = ".publisher-output"
CHUNK = 1 << 20


@dataclass(frozen=True)
class FileInfo:
    """Size and SHA-256 of one output file: what publishing compares."""

    size: int
    sha256: str


Manifest = dict[str, FileInfo]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe(tree: OutputTree, path: str) -> FileInfo:
    digest = hashlib.sha256()
    for chunk in chunks_of(tree.files[path]):
        digest.update(chunk)
    return FileInfo(tree.size(path), digest.hexdigest())


def guard_output_dir(out: Path, site_root: Path) -> None:
    """Refuse an output folder that would overwrite the site or a folder we did not make."""
    out_abs, root_abs = out.resolve(), site_root.resolve()
    if root_abs.is_relative_to(out_abs):
        raise PublisherError(
            f"the output folder {out} contains the site itself; choose another --out such as _site"
        )
    for source in ("articles", "episodes", "templates"):
        if out_abs.is_relative_to(root_abs / source):
            raise PublisherError(
                f"the output folder {out} is inside {source}/; choose another --out"
            )
    if out.exists() and not out.is_dir():
        raise PublisherError(f"{out} is a file, not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise PublisherError(
            f"{out} is not empty and was not made by publisher; "
            "empty it or choose another --out so nothing of yours is overwritten"
        )


def write_tree(tree: OutputTree, out: Path, site_root: Path) -> Manifest:
    """Make ``out`` hold exactly ``tree``; return the manifest of what it holds."""
    guard_output_dir(out, site_root)
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.exists():
        marker.write_text("Built by publisher; this folder is rewritten on every build.\n")
    manifest: Manifest = {}
    written = 0
    for path in tree:
        info = describe(tree, path)
        manifest[path] = info
        if _write_if_changed(tree, path, out / path, info):
            written += 1
    removed = _remove_stale(out, set(manifest))
    log.info(
        "wrote %d file(s), kept %d unchanged, removed %d", written, len(manifest) - written, removed
    )
    return manifest


def _write_if_changed(tree: OutputTree, path: str, dest: Path, info: FileInfo) -> bool:
    if dest.is_symlink():
        dest.unlink()
    elif dest.is_file() and dest.stat().st_size == info.size and file_sha256(dest) == info.sha256:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks_of(tree.files[path]):
                stream.write(chunk)
        os.chmod(temp, 0o644)
        os.replace(temp, dest)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def _remove_stale(out: Path, keep: set[str]) -> int:
    removed = 0
    for path in sorted(out.rglob("*"), reverse=True):
        relative = path.relative_to(out).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif relative not in keep and relative != MARKER:
            path.unlink()
            removed += 1
    return removed
