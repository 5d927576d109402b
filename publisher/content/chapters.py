"""Podcasting 2.0 JSON chapters: read from ``chapters.json`` or front matter, validate, write."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.dates import clock_label, iso_duration
from publisher.errors import ContentError

CHAPTERS_VERSION = "1.2.0"
CHAPTERS_NAME = "chapters.json"


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str
    url: str = ""
    img: str = ""
    toc: bool = True

    @property
    def iso_duration(self) -> str:
        """The start as an ISO 8601 duration for ``<time datetime>``, e.g. ``PT90.5S``."""
        return iso_duration(self.start)

    @property
    def start_label(self) -> str:
        """``m:ss`` or ``h:mm:ss`` for show notes and the page."""
        return clock_label(self.start)


def parse_timestamp(value: Any) -> float:
    """Seconds from a number or a ``[h:]mm:ss[.fff]`` string.

    >>> parse_timestamp("1:02:03.5"), parse_timestamp("02:03"), parse_timestamp(7)
    (3723.5, 123.0, 7.0)
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a time")
    if isinstance(value, int | float):
        return float(value)
    parts = str(value).strip().split(":")
    try:
        numbers = [float(part) for part in parts]
    except ValueError as err:
        raise ValueError(f"{value!r} is not a time such as 12:30 or 1:02:03") from err
    if not 1 <= len(numbers) <= 3 or any(n < 0 for n in numbers):
        raise ValueError(f"{value!r} is not a time such as 12:30 or 1:02:03")
    seconds = 0.0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


def chapters_from_file(path: Path, duration: float) -> tuple[Chapter, ...]:
    """Read and check a JSON chapters file (version and ascending start times inside the audio)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ContentError("not UTF-8 text; save the file as UTF-8", path) from err
    except json.JSONDecodeError as err:
        raise ContentError(f"not valid JSON: {err.msg}", path, err.lineno) from err
    if not isinstance(document, dict) or not isinstance(document.get("version"), str):
        raise ContentError('needs a "version" string, e.g. "1.2.0"', path, 1)
    entries = document.get("chapters")
    if not isinstance(entries, list) or not entries:
        raise ContentError('needs a non-empty "chapters" list', path, 1)
    chapters = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("startTime"), int | float):
            raise ContentError(f'chapter {index} needs a numeric "startTime" in seconds', path)
        chapters.append(
            Chapter(
                float(entry["startTime"]),
                str(entry.get("title", "")),
                str(entry.get("url", "")),
                str(entry.get("img", "")),
                entry.get("toc", True) is not False,
            )
        )
    return check_chapters(tuple(chapters), duration, path)


def chapters_from_front_matter(
    entries: tuple[dict[str, Any], ...], duration: float, path: Path, line: int
) -> tuple[Chapter, ...]:
    """Chapters written in ``episode.md`` as ``- start: "12:30"`` / ``title: ...`` entries."""
    chapters = []
    for index, entry in enumerate(entries, start=1):
        try:
            start = parse_timestamp(entry.get("start"))
        except ValueError as err:
            raise ContentError(f"chapters: chapter {index}: {err}", path, line) from err
        chapters.append(
            Chapter(start, str(entry.get("title", "")), str(entry.get("url", "")),
                    str(entry.get("img", "")))
        )  # fmt: skip
    return check_chapters(tuple(chapters), duration, path, line)


def check_chapters(
    chapters: tuple[Chapter, ...], duration: float, path: Path, line: int | None = None
) -> tuple[Chapter, ...]:
    previous = -1.0
    for index, chapter in enumerate(chapters, start=1):
        if chapter.start <= previous:
            raise ContentError(
                f"chapter {index} starts at {chapter.start:g} s, not after the one before; "
                "list chapters in order",
                path,
                line,
            )
        if chapter.start >= duration:
            raise ContentError(
                f"chapter {index} starts at {chapter.start:g} s but the audio lasts "
                f"{duration:.1f} s",
                path,
                line,
            )
        previous = chapter.start
    return chapters


def chapters_json(chapters: tuple[Chapter, ...], title: str, podcast: str) -> bytes:
    """The JSON chapters document, deterministic for the same chapters."""
    entries = []
    for chapter in chapters:
        entry: dict[str, Any] = {"startTime": chapter.start, "title": chapter.title}
        if chapter.url:
            entry["url"] = chapter.url
        if chapter.img:
            entry["img"] = chapter.img
        if not chapter.toc:
            entry["toc"] = False
        entries.append(entry)
    document = {"version": CHAPTERS_VERSION, "title": title, "podcastName": podcast,
                "chapters": entries}  # fmt: skip
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
