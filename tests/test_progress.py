"""Progress bars: shown on a terminal for long work, never in logs or pipes."""

from __future__ import annotations

import io
from dataclasses import dataclass

from publisher.progress import TerminalProgress, upload_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@dataclass(frozen=True)
class Done:
    size: int


def test_upload_bar_counts_bytes_and_files_on_a_terminal() -> None:
    screen = Terminal()
    with upload_progress(300, screen) as advance:
        advance(Done(100))
        advance(Done(200))
    assert "Uploading (2 files)" in screen.getvalue()
    assert "100%" in screen.getvalue()


def test_no_bar_off_a_terminal_or_for_short_work() -> None:
    piped = io.StringIO()
    with upload_progress(300, piped) as advance:
        advance(Done(300))
    assert piped.getvalue() == ""
    screen = Terminal()
    with TerminalProgress("Converting", screen) as progress:
        progress(1, 10)  # fewer than the bar is worth
    assert screen.getvalue() == ""
