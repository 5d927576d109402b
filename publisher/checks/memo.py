"""Check results kept from the last run, reused while nothing they depend on has changed.

What ``check`` and ``publish`` find depends on the site's files (content, audio, settings,
``published.toml``, templates), the theme, the command's options, and ``now`` only through
which scheduled items have been released: a kept result holds until any of those files is
touched or the next release moment passes. The files are compared by their stat (size,
modification time, inode), like the build cache's hashes; nothing is parsed to find out.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from publisher import __version__
from publisher.cache import CACHE_DIR, digest, load_stored, store
from publisher.config.settings import Config
from publisher.dates import localize_now
from publisher.errors import Problem

if TYPE_CHECKING:  # loading the model's modules is most of a reused run's own imports
    from publisher.content.model import Site

log = logging.getLogger(__name__)

SOURCE_FOLDERS = ("articles", "episodes", "templates")


@dataclass(frozen=True)
class Checked:
    """The problems one run found, with what they depended on."""

    context: str
    """The command, its options and publisher's version (see :func:`context_key`)."""
    sources: str
    """The stat of every file the result was computed from (see :func:`sources_key`)."""
    moments: tuple[dt.datetime, ...]
    """Every scheduled release moment of the site, in order."""
    passed: int
    """How many of ``moments`` had passed."""
    ledger: str = ""
    """``published.toml`` as the run read it (publish pins it against the target)."""
    problems: tuple[Problem, ...] = ()
    """Found now."""
    ahead: tuple[Problem, ...] = ()
    """Found by the release rehearsal."""
    live: str = ""
    """The live feed the result was compared with (``check``)."""
    live_problems: tuple[Problem, ...] = ()
    built: tuple[Problem, ...] = ()
    """Found in the built folder (``check``)."""
    files: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    """The built folder as the run left it: size, modification time and SHA-256 (publish)."""

    def holds(self, context: str, sources: str, now: dt.datetime, tz: dt.tzinfo) -> bool:
        """Whether this result is still the result: same command, files and releases passed."""
        return (
            self.context == context
            and self.sources == sources
            and passed(self.moments, localize_now(now, tz)) == self.passed
        )


def schedule(site: Site) -> tuple[dt.datetime, ...]:
    """Every distinct moment at which a non-draft item is (or was) released, in order."""
    return tuple(sorted({i.date for i in (*site.articles, *site.episodes) if not i.draft}))


def passed(moments: tuple[dt.datetime, ...], now: dt.datetime) -> int:
    """How many ``moments`` are at or before ``now`` (an item dated ``now`` is released)."""
    return bisect.bisect_right(moments, now)


def context_key(command: str, root: Path, *options: object) -> str:
    """The command and its options; paths in messages are spelled from ``root`` as given."""
    return digest(command, __version__, str(root), str(root.resolve()), options)


def sources_key(config: Config, *extra: Path) -> str:
    """The stat of every file the site is built and checked from, and of ``extra`` folders.

    Taken before anything is read, so a file saved during a run is seen by the next one.
    """
    root = config.root
    singles = [root / "site.toml", root / "published.toml"]
    if config.podcast.artwork is not None:
        singles.append(root / config.podcast.artwork)
    folders = [root / name for name in SOURCE_FOLDERS]
    folders += [Path(str(files("publisher.theme"))), *extra]
    return digest(
        [(str(path), _stat(path)) for path in singles],
        [(str(folder), list(_walk(folder))) for folder in folders],
    )


def _stat(path: str | Path) -> tuple[int, int, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mode, stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _walk(folder: Path) -> Iterator[tuple[str, tuple[int, int, int, int] | None]]:
    """Every file and folder below ``folder`` with its stat (links followed), in a fixed order."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        yield entry.path, _stat(entry.path)
        if entry.is_dir():
            yield from _walk(Path(entry.path))


def recall(root: Path, command: str) -> Checked | None:
    """The result the last run of ``command`` kept, if any."""
    stored = load_stored(_path(root, command))
    checked = stored.get("checked") if stored is not None else None
    return checked if isinstance(checked, Checked) else None


def remember(root: Path, command: str, checked: Checked) -> None:
    """Keep ``checked`` for the next run; a disk that refuses only costs checking again."""
    path = _path(root, command)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        store(path, {"checked": checked})
    except OSError as err:
        log.debug("not keeping the result of %s (%s)", command, err)


def _path(root: Path, command: str) -> Path:
    return root / CACHE_DIR / f"checked-{command}.pickle"


def output_files(out: Path, built: dict[str, str]) -> dict[str, tuple[int, int, str]]:
    """The files of ``built`` (path to SHA-256) in ``out``, with their size and modification
    time as they are now."""
    states = {}
    for path, sha256 in built.items():
        stat = os.stat(out / path)
        states[path] = (stat.st_size, stat.st_mtime_ns, sha256)
    return states


def output_unchanged(out: Path, known: dict[str, tuple[int, int, str]]) -> bool:
    """Whether every file in ``known`` is still in ``out`` with that size and time."""
    for path, (size, mtime_ns, _) in known.items():
        try:
            stat = os.stat(out / path)
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
            return False
    return bool(known)
