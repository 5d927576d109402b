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

    Use it as a context manager, so the bar is closed also when the work stops early. Work of
    fewer than ``shown_from`` units shows no bar. ``label`` may change as the work goes on.
    """

    def __init__(
        self, label: str, stream: TextIO = sys.stderr, shown_from: int = SHOWN_FROM
    ) -> None:
        self.label = label
        self.stream = stream
        self.shown_from = shown_from
        self._stack = ExitStack()
        self._bar: Any = None
        self._shown = 0

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < self.shown_from or done >= total or not self.stream.isatty():
                return
            bar = click.progressbar(length=total, label=self.label, file=self.stream)
            self._bar = self._stack.enter_context(bar)
        self._bar.label = self.label
        self._bar.update(done - self._shown)
        self._shown = done
        if done >= total:  # end the line now, before anything else is printed
            self._stack.close()
            self._bar, self._shown = None, 0


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
def upload_progress(total: int, stream: TextIO = sys.stderr) -> Iterator[Callable[[Any], None]]:
    """A bar over the bytes to upload that counts the files done; silent off a terminal.

    Each call of the function it gives is told one finished upload (anything with ``size``).
    """
    with TerminalProgress("Uploading", stream, shown_from=1) as bar:
        done = files = 0

        def advance(upload: Any) -> None:
            nonlocal done, files
            done, files = done + upload.size, files + 1
            bar.label = f"Uploading ({files} files)"
            bar(done, total)

        yield advance
