"""WebVTT and SRT transcripts: parse, check against the audio, and show as text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from publisher.content.frontmatter import read_text
from publisher.dates import clock_label, iso_duration
from publisher.errors import ContentError

TIMING_RE = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})"
)
VOICE_RE = re.compile(r"<v(?:\.[^ >]+)?\s+([^>]+)>")
TAG_RE = re.compile(r"<[^>]+>")
# Apple and browsers accept cues that end a little after the audio; more points at a wrong file.
DURATION_SLACK = 1.0


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str = ""

    @property
    def iso_start(self) -> str:
        """The start as an ISO 8601 duration for ``<time datetime>``, e.g. ``PT1.5S``."""
        return iso_duration(self.start)

    @property
    def start_label(self) -> str:
        """``m:ss`` or ``h:mm:ss`` for the page."""
        return clock_label(self.start)


def _seconds(stamp: str) -> float:
    """Seconds from ``hh:mm:ss.mmm`` or ``mm:ss,mmm``.

    >>> _seconds("01:02:03.500"), _seconds("00:05,250")
    (3723.5, 5.25)
    """
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def parse_transcript(path: Path, duration: float) -> tuple[Cue, ...]:
    """Read a ``.vtt`` or ``.srt`` file; raise :class:`ContentError` at the first bad line."""
    lines = read_text(path).split("\n")
    if path.suffix == ".vtt" and not lines[0].startswith("WEBVTT"):
        raise ContentError("a WebVTT file must start with the line WEBVTT", path, 1)
    cues: list[Cue] = []
    index = 0
    while index < len(lines):
        match = TIMING_RE.match(lines[index])
        if match is None:
            index += 1
            continue
        cue_line = index + 1
        start, end = _seconds(match["start"]), _seconds(match["end"])
        text_lines = []
        index += 1
        while index < len(lines) and lines[index].strip():
            text_lines.append(lines[index].strip())
            index += 1
        cues.append(_cue(start, end, text_lines, cues, duration, path, cue_line))
    if not cues:
        raise ContentError("has no cues (lines like 00:00:01.000 --> 00:00:04.000)", path, 1)
    return tuple(cues)


def _cue(
    start: float,
    end: float,
    text_lines: list[str],
    earlier: list[Cue],
    duration: float,
    path: Path,
    line: int,
) -> Cue:
    if end < start:
        raise ContentError("cue ends before it starts", path, line)
    if earlier and start < earlier[-1].start:
        raise ContentError("cue starts before the one above; keep cues in time order", path, line)
    if end > duration + DURATION_SLACK:
        raise ContentError(
            f"cue ends at {end:.1f} s but the audio lasts {duration:.1f} s; "
            "is this the transcript of another episode?",
            path,
            line,
        )
    joined = " ".join(text_lines)
    voice = VOICE_RE.search(joined)
    return Cue(start, end, TAG_RE.sub("", joined).strip(), voice.group(1).strip() if voice else "")


def transcript_blocks(cues: tuple[Cue, ...]) -> list[tuple[str, tuple[Cue, ...]]]:
    """Group consecutive cues by speaker into (speaker, cues) paragraphs for the page."""
    blocks: list[tuple[str, list[Cue]]] = []
    for cue in cues:
        if blocks and blocks[-1][0] == cue.speaker:
            blocks[-1][1].append(cue)
        else:
            blocks.append((cue.speaker, [cue]))
    return [(speaker, tuple(group)) for speaker, group in blocks]


def transcript_paragraphs(cues: tuple[Cue, ...]) -> list[tuple[str, str]]:
    """Group consecutive cues by speaker into (speaker, text) paragraphs for the page."""
    return [
        (speaker, " ".join(cue.text for cue in group)) for speaker, group in transcript_blocks(cues)
    ]
