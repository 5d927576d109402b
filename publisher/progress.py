"""Progress of long work: a callback for the library, a bar for people at a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TextIO

import click

Progress = Callable[[int, int], None]
"""Told how many units of work are done and how many there are in all."""

# Less work than this finishes before a bar would be worth reading.
SHOWN_FROM = 64


def no_progress(done: int, total: int) -> None:
    """Report nothing."""


class TerminalProgress:
    """A progress bar on ``stream`` when it is a terminal and the work is long; else silent.

    Use it as a context manager, so the bar is closed also when the work stops early.
    """

    def __init__(self, label: str, stream: TextIO = sys.stderr) -> None:
        self.label = label
        self.stream = stream
        self._bar = ExitStack()
        self._advance: Callable[[int], None] | None = None
        self._shown = 0

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._bar.close()

    def __call__(self, done: int, total: int) -> None:
        if self._advance is None:
            if total < SHOWN_FROM or done >= total or not self.stream.isatty():
                return
            bar = click.progressbar(length=total, label=self.label, file=self.stream)
            self._advance = self._bar.enter_context(bar).update
        self._advance(done - self._shown)
        self._shown = done
        if done >= total:  # end the line now, before anything else is printed
            self._bar.close()
            self._advance, self._shown = None, 0


def human_size(count: int) -> str:
    """Human-readable byte count.

    >>> human_size(512), human_size(2_500_000)
    ('512 B', '2.4 MB')
    """
    if count < 1024:
        return f"{count} B"
    for unit in ("KB", "MB", "GB"):
        count_f = count / 1024
        if count_f < 1024 or unit == "GB":
            return f"{count_f:.1f} {unit}"
        count = int(count_f)
    raise AssertionError("unreachable")


@contextmanager
def upload_progress(total: int) -> Iterator[Callable[[Any], None]]:
    """A files-and-bytes progress bar on a terminal; silent otherwise."""
    if not sys.stderr.isatty() or total == 0:
        yield lambda upload: None
        return
    files = 0
    with click.progressbar(length=total, label="Uploading", file=sys.stderr) as bar:

        def advance(upload: Any) -> None:
            nonlocal files
            files += 1
            bar.label = f"Uploading ({files} files)"
            bar.update(upload.size)

        yield advance
