"""Write an output tree: only changed files, stale files removed, never outside ``--out``."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from publisher.cache import BuildCache, digest, path_key
from publisher.errors import PublisherError, cannot_write
from publisher.files import file_sha256, write_temp
from publisher.output.tree import Content, Deferred, OutputTree, Spliced, chunks_of, size_of

log = logging.getLogger(__name__)

MARKER = ".publisher-output"


@dataclass(frozen=True)
class FileInfo:
    """Size and SHA-256 of one output file: what publishing compares."""

    size: int
    sha256: str


BuiltFiles = dict[str, FileInfo]
"""Every file of a built folder with its size and SHA-256 (what `build` returns)."""


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


def write_tree(
    tree: OutputTree, out: Path, site_root: Path, cache: BuildCache | None = None
) -> BuiltFiles:
    """Make ``out`` hold exactly ``tree``; return the manifest of what it holds.

    Files whose bytes did not change are not written again (their modification time stays).
    Every changed file is first written beside its place and only then moved in, so when the
    disk refuses (full, read-only, no permission) the folder keeps the last build's files and
    the error names the folder and what to do.
    """
    cache = cache or BuildCache()
    guard_output_dir(out, site_root)
    try:
        return _write_tree(tree, out, cache)
    except OSError as err:
        if err.filename is not None and not Path(err.filename).is_relative_to(out):
            raise  # reading a source file, not writing the site
        raise PublisherError(
            "cannot write the site here: " + cannot_write(err, "choose another --out folder"), out
        ) from err


def _write_tree(tree: OutputTree, out: Path, cache: BuildCache) -> BuiltFiles:
    made = _make_folder(out)
    marker = out / MARKER
    if not marker.exists():
        marker.write_text("Built by publisher; this folder is rewritten on every build.\n")
    built: BuiltFiles = {}
    staged: list[tuple[Path, Path, str]] = []
    try:
        for path in tree:
            info = _describe_cached(tree, path, cache)
            built[path] = info
            temp = _stage_if_changed(tree, path, out / path, info, cache, made)
            if temp is not None:
                staged.append((temp, out / path, info.sha256))
    except BaseException:
        for temp, _, _ in staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(made[1:]):  # the folders this build made; ``out`` stays
            _remove_if_empty(folder)
        raise
    for temp, dest, sha256 in staged:
        os.replace(temp, dest)
        cache.remember_written(dest, sha256)
    removed = _remove_stale(out, set(built))
    log.info(
        "wrote %d file(s), kept %d unchanged, removed %d",
        len(staged),
        len(built) - len(staged),
        removed,
    )
    return built


def _make_folder(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; return the ones made, outermost first."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(exist_ok=True)
    return list(reversed(missing))


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _content_key(content: Content, cache: BuildCache) -> tuple[object, ...] | None:
    """What a large output's bytes depend on, so its hash need not be computed again."""
    if isinstance(content, Deferred):
        return ("deferred", content.key)
    if isinstance(content, Path):
        return ("file", str(content), cache.file_sha256(content))
    if isinstance(content, Spliced):
        head = hashlib.sha256(content.head).hexdigest()
        source = cache.file_sha256(content.source)
        return ("spliced", head, str(content.source), source, content.start, content.end)
    return None


def _describe_cached(tree: OutputTree, path: str, cache: BuildCache) -> FileInfo:
    content = tree.files[path]
    if isinstance(content, Path):
        return FileInfo(size_of(content), cache.file_sha256(content))
    if isinstance(content, Deferred) and content.known is not None:
        return FileInfo(*content.known)
    key = _content_key(content, cache)
    known = cache.outputs.get(path)
    if key is not None and known is not None and known[0] == digest(key):
        return FileInfo(known[1], known[2])
    info = describe(tree, path)
    if key is not None:
        cache.outputs[path] = (digest(key), info.size, info.sha256)
    return info


def _unchanged_on_disk(dest: Path, info: FileInfo, cache: BuildCache) -> bool:
    """True when ``dest`` already holds these bytes (checked by stat when we wrote it last)."""
    if dest.is_symlink() or not dest.is_file():
        return False
    stat = dest.stat()
    if stat.st_size != info.size:
        return False
    if cache.written_as(dest) == (stat.st_size, stat.st_mtime_ns, info.sha256):
        return True
    return file_sha256(dest) == info.sha256


def _stage_if_changed(
    tree: OutputTree, path: str, dest: Path, info: FileInfo, cache: BuildCache, made: list[Path]
) -> Path | None:
    """Write ``path``'s new bytes to a temporary file beside ``dest``; ``None`` if unchanged.

    Folders made on the way are added to ``made``. (Moving the file in replaces a symlink at
    ``dest`` itself, never what it points to.)
    """
    content = tree.files[path]
    if isinstance(content, Deferred) and content.unchanged_at == dest:
        return None
    if _unchanged_on_disk(dest, info, cache):
        cache.remember_written(dest, info.sha256)
        return None
    made.extend(_make_folder(dest.parent))
    return write_temp(dest.parent, chunks_of(tree.files[path]))


def output_intact(out: Path, cache: BuildCache) -> bool:
    """True when ``out`` still holds exactly the files of the last build, as written."""
    expected = cache.last_built
    if not out.is_dir() or not expected:
        return False
    base = path_key(out)  # strings, not Paths: this runs for every file of every build
    for path, (size, sha256) in expected.items():
        name = os.path.join(base, path)
        try:
            stat = os.stat(name)
        except OSError:
            return False
        recorded = (stat.st_size, stat.st_mtime_ns, sha256)
        if stat.st_size != size or cache.written.get(name) != recorded:
            return False
    present = sum(len(names) for _, _, names in os.walk(out))
    return present == len(expected) + 1  # and the marker file


def _remove_stale(out: Path, keep: set[str]) -> int:
    removed = 0
    root = str(out)
    for folder, _subfolders, names in os.walk(root, topdown=False):
        prefix = "" if folder == root else folder[len(root) + 1 :].replace(os.sep, "/") + "/"
        for name in names:
            if prefix + name not in keep and not (prefix == "" and name == MARKER):
                os.unlink(os.path.join(folder, name))
                removed += 1
        if folder != root and not os.listdir(folder):
            os.rmdir(folder)
    return removed
