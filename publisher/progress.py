"""Progress of long work: a callback for the library, a bar for people at a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from typing import TextIO

import click

Progress = Callable[[int, int], None]
"""Told how many units of work are done and how many there are in all."""

# Less work than this finishes before a bar would be worth reading.
SHOWN_FROM = 64


def no_progress(done: int, total: int) -> None:
    """Report nothing."""


class TerminalProgress:
    """A progress bar on ``stream`` when it is a terminal and the work is long; else silent."""

    def __init__(self, label: str, stream: TextIO = sys.stderr) -> None:
        self.label = label
        self.stream = stream
        self.bar: ExitStack | None = None
        self.advance: Callable[[int], None] = lambda steps: None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < SHOWN_FROM or done >= total or not self.stream.isatty():
                return
            self.bar = ExitStack()
            bar = click.progressbar(length=total, label=self.label, file=self.stream)
            self.advance = self.bar.enter_context(bar).update
        self.advance(done - self.shown)
        self.shown = done
        if done >= total:
            self.close()

    def close(self) -> None:
        """End the bar (also when the work stopped early)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
