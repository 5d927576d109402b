"""The build cache: work from earlier builds, keyed by content hashes, in ``.publisher-cache/``.

A key is a hash of everything a result depends on, so a stale entry is simply never asked for.
A cache that cannot be read (damaged, from another version) is ignored and rebuilt; deleting
the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher import __version__
from publisher.errors import PublisherError, cannot_write
from publisher.files import atomic_write, file_sha256

log = logging.getLogger(__name__)

CACHE_DIR = ".publisher-cache"
CACHE_FILE = "build.pickle"
TEXTS_FILE = "texts.pickle"  # the bulk; read only when something must be rendered
IMAGES_DIR = "images"  # resized copies and share images, one file per key
# The fields and types of every dataclass the cache pickles (loaded items, rendered Markdown,
# kept check results), fingerprinted; tests/test_cache_shape.py fails with the new value when
# one changes shape.
MODEL_SHAPE = "2a3c6425ee841594"
# Bump the number when what is cached changes meaning (e.g. how Markdown renders).
FORMAT = f"publisher {__version__} cache 4 {MODEL_SHAPE}"


def digest(*parts: object) -> str:
    """A short, stable hash of the ``repr`` of ``parts``.

    >>> digest("a", 1) == digest("a", 1) != digest("a", 2)
    True
    """
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@dataclass
class BuildCache:
    """Everything the next build can reuse. ``path`` is ``None`` for a cache kept in memory."""

    path: Path | None = None
    files: dict[str, tuple[int, int, int, str]] = field(default_factory=dict)
    items: dict[str, tuple[str, Any]] = field(default_factory=dict)
    _texts: dict[str, Any] | None = field(default=None, repr=False)
    outputs: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    written: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    links: dict[str, tuple[str, Any]] = field(default_factory=dict)
    last_key: str = ""
    last_built: dict[str, Any] = field(default_factory=dict)
    used_texts: set[str] = field(default_factory=set, repr=False)
    texts_changed: bool = field(default=False, repr=False)
    used_items: set[str] = field(default_factory=set, repr=False)
    images: dict[str, bytes] = field(default_factory=dict, repr=False)
    images_made: int = field(default=0, repr=False)
    """How many images this build had to make (resize or draw) rather than reuse."""
    used_images: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def open(cls, root: Path) -> BuildCache:
        """The cache of the site at ``root``; empty when missing or unreadable."""
        path = root / CACHE_DIR / CACHE_FILE
        stored = _load(path)
        return cls(path, **stored) if stored is not None else cls(path, _texts={})

    @property
    def texts(self) -> dict[str, Any]:
        if self._texts is None:
            stored = _load(self.path.with_name(TEXTS_FILE)) if self.path else None
            self._texts = stored["texts"] if stored is not None else {}
        return self._texts

    def save(self) -> None:
        """Write the cache atomically, dropping what this build did not use (see ``_forget``).

        A disk that refuses (full, read-only) is a :class:`PublisherError` naming the folder;
        the cache files then stay as they were.
        """
        if self.path is None:
            return
        try:
            self._save(self.path)
        except OSError as err:
            raise PublisherError(
                "cannot save the build cache here: "
                + cannot_write(err, "make the site folder writable, or build from a copy of it"),
                self.path.parent,
            ) from err

    def _save(self, path: Path) -> None:
        self._forget()
        data = {
            "files": self.files, "items": self.items, "outputs": self.outputs,
            "written": self.written, "pages": self.pages, "links": self.links,
            "last_key": self.last_key, "last_built": self.last_built,
        }  # fmt: skip
        path.parent.mkdir(parents=True, exist_ok=True)
        if not (path.parent / ".gitignore").exists():
            (path.parent / ".gitignore").write_text("*\n")
        unused = self._texts is not None and set(self._texts) != self.used_texts
        if self._texts is not None and self.used_texts and (self.texts_changed or unused):
            texts = {key: self._texts[key] for key in self.used_texts if key in self._texts}
            _store(path.with_name(TEXTS_FILE), {"texts": texts})
        _store(path, data)

    def _forget(self) -> None:
        """Drop entries no later build can use, so the cache does not grow with every edit.

        Items of files this build did not load (deleted, renamed) go, and so do file hashes and
        records of written files whose file is gone or has changed since (e.g. an old preview).
        """
        if self.used_items:
            self.items = {name: v for name, v in self.items.items() if name in self.used_items}
        self.files = {name: v for name, v in self.files.items() if _unchanged(name, v[0], v[1])}
        self.written = {name: v for name, v in self.written.items() if _unchanged(name, v[0], v[1])}
        folder = self._images_folder()
        if self.used_images and folder is not None and folder.is_dir():
            for path in folder.iterdir():
                if path.name not in self.used_images:
                    with contextlib.suppress(OSError):  # only space: a later build may retry
                        path.unlink()

    def folder(self, name: str) -> Path | None:
        """A folder inside the cache for others' caches (compiled templates), if persistent."""
        if self.path is None:
            return None
        folder = self.path.parent / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:  # only an optimisation: go without
            log.debug("no %s folder in the build cache (%s)", name, err)
            return None
        return folder

    def _images_folder(self) -> Path | None:
        return self.path.parent / IMAGES_DIR if self.path is not None else None

    def image(self, name: str) -> bytes | None:
        """A made image by its file name (key and extension), from this or an earlier build."""
        self.used_images.add(name)
        known = self.images.get(name)
        folder = self._images_folder()
        if known is None and folder is not None:
            try:
                known = self.images[name] = (folder / name).read_bytes()
            except OSError:
                return None
        return known

    def store_image(self, name: str, data: bytes) -> None:
        """Keep a made image for later builds; a disk that refuses only costs remaking it."""
        self.used_images.add(name)
        self.images[name] = data
        self.images_made += 1
        folder = self.folder(IMAGES_DIR)
        if folder is not None:
            try:
                atomic_write(folder / name, [data])
            except OSError as err:
                log.debug("not keeping the image %s (%s)", name, err)

    def file_sha256(self, path: Path) -> str:
        """SHA-256 of a file, recomputed only when its size, time or inode changed."""
        stat = path.stat()
        name = path_key(path)
        known = self.files.get(name)
        if known is not None and known[:3] == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
            return known[3]
        sha = file_sha256(path)
        self.files[name] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, sha)
        return sha

    def item(self, path: Path, key: str) -> Any:
        """What was loaded from ``path`` when its key was ``key``; ``None`` if not that."""
        name = path_key(path)
        self.used_items.add(name)
        known = self.items.get(name)
        return known[1] if known is not None and known[0] == key else None

    def store_item(self, path: Path, key: str, value: Any) -> None:
        name = path_key(path)
        self.used_items.add(name)
        self.items[name] = (key, value)

    def written_as(self, dest: Path) -> tuple[int, int, str] | None:
        """(size, mtime_ns, sha256) of ``dest`` as a build last wrote or verified it."""
        return self.written.get(path_key(dest))

    def remember_written(self, dest: Path, sha256: str) -> None:
        stat = dest.stat()
        self.written[path_key(dest)] = (stat.st_size, stat.st_mtime_ns, sha256)

    def text(self, key: str) -> Any:
        self.used_texts.add(key)
        return self.texts.get(key)

    def store_text(self, key: str, value: Any) -> None:
        self.used_texts.add(key)
        self.texts[key] = value
        self.texts_changed = True


def path_key(path: Path) -> str:
    """One key per file however its path is spelled (relative or absolute).

    >>> path_key(Path("a/../b")) == path_key(Path.cwd() / "b")
    True
    """
    return os.path.abspath(path)


def _unchanged(name: str, size: int, mtime_ns: int) -> bool:
    try:
        stat = os.stat(name)
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (size, mtime_ns)


def load_stored(path: Path) -> dict[str, Any] | None:
    """What :func:`store` kept in ``path``; ``None`` when missing, damaged or another version's."""
    return _load(path)


def store(path: Path, data: dict[str, Any]) -> None:
    """Keep ``data`` in ``path`` atomically, marked with this version's cache format."""
    _store(path, data)


def _load(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            raise ValueError("another version's cache")
        return stored["data"]  # type: ignore[no-any-return]
    except FileNotFoundError:
        return None
    except Exception as err:  # any damage means: start afresh
        log.info("ignoring the build cache file %s (%s)", path.name, err)
        return None


def _store(path: Path, data: dict[str, Any]) -> None:
    stored = {"format": FORMAT, "data": data}
    atomic_write(path, [pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)])
