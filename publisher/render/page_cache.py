"""Reuse pages from the last build when nothing they show has changed.

A page's key hashes the templates, the settings, the page's path and the fingerprints of the
entries and values it is rendered with. A template that reaches into ``view`` (the whole site)
makes every page depend on every entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from pathlib import Path

from publisher.cache import BuildCache, digest
from publisher.output.tree import Deferred
from publisher.render.entries import Entry, Link


class Uncacheable(Exception):
    """A value in a page's context has no stable fingerprint; the page is always rendered."""


def fingerprint(value: object) -> object:
    """A stable, hashable summary of a template context value.

    >>> fingerprint({"b": [1, "x"], "a": None})
    (('a', None), ('b', (1, 'x')))
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Entry):
        return ("entry", value.fingerprint)
    if isinstance(value, list | tuple):
        if all(isinstance(item, str) for item in value):
            return tuple(value)
        return tuple(fingerprint(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), fingerprint(item)) for key, item in value.items()))
    if isinstance(value, Link):
        return ("link", value.path)
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(fingerprint(getattr(value, f.name)) for f in fields(value)))
    raise Uncacheable(type(value).__name__)


Kept = dict[str, tuple[str, bytes]]
"""Pages held in memory between renders (the preview's): path to (key, bytes)."""


class PageCache:
    """Pages of the last build, read back from the output folder when their key matches, or,
    with ``kept``, from memory (then the build cache is neither read nor written)."""

    def __init__(
        self, cache: BuildCache, out: Path | None, base_key: str, kept: Kept | None = None
    ) -> None:
        self.cache = cache
        self.out = out
        self.base_key = base_key
        self.kept = kept

    def key(self, path: str, template: str, context: dict[str, object]) -> str | None:
        try:
            return digest(self.base_key, path, template, fingerprint(context))
        except Uncacheable:
            return None

    def get(self, path: str, key: str | None) -> bytes | Deferred | None:
        """The page as the last build wrote it, when its key and the file are unchanged.

        The file is only read if something asks for its bytes (``check``, ``publish``); a build
        that finds it unchanged on disk never reads it.
        """
        if self.kept is not None:
            held = self.kept.get(path)
            return held[1] if key is not None and held is not None and held[0] == key else None
        known = self.cache.pages.get(path)
        if key is None or self.out is None or known is None or known[0] != key:
            return None
        dest = self.out / path
        try:
            stat = dest.stat()
        except OSError:
            return None
        if self.cache.written_as(dest) != (stat.st_size, stat.st_mtime_ns, known[1]):
            return None
        content = Deferred(key, dest.read_bytes)
        content.known = (stat.st_size, known[1])
        content.unchanged_at = dest
        return content

    def put(self, path: str, key: str | None, data: bytes) -> None:
        if key is None:
            return
        if self.kept is not None:
            self.kept[path] = (key, data)
        else:
            self.cache.pages[path] = (key, hashlib.sha256(data).hexdigest())

    def product(self, path: str, key: str, make: Callable[[], bytes]) -> bytes | Deferred:
        """A generated file (feed, index) that is made again only when ``key`` changes."""
        content = self.get(path, key)
        if content is not None:
            return content
        data = make()
        self.put(path, key, data)
        return data
