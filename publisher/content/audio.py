"""Audio facts from mutagen: the only module that imports it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mutagen
from mutagen.mp3 import MP3, BitrateMode
from mutagen.mp4 import MP4

from publisher.content.mediatypes import AUDIO_TYPES
from publisher.errors import AudioError

TRUNCATED_RATIO = 0.9


@dataclass(frozen=True)
class AudioInfo:
    """What the feed and the player need to know about one audio file."""

    source: Path
    size: int
    duration: float
    bitrate: int
    sample_rate: int
    channels: int
    mime_type: str
    vbr_header: bool = True
    """False for an MP3 without a Xing/Info/VBRI header, whose duration players must guess."""

    @property
    def filename(self) -> str:
        return self.source.name

    @property
    def whole_seconds(self) -> int:
        """The duration in whole seconds, rounded down as players show it, never below 1.

        The one rounding of a duration: ``itunes:duration``, the page's label and the
        structured data all use it, so a 5.6 s file is 0:05 everywhere, as in the player.
        """
        return max(1, math.floor(self.duration))


def _check_complete(path: Path, size: int, expected: float) -> None:
    """An MP3 much smaller than its header promises was cut short (a failed copy or export)."""
    if size < TRUNCATED_RATIO * expected:
        raise AudioError(
            f"the file seems cut short: {size} bytes where its header promises about "
            f"{int(expected)}; copy or export it again",
            path,
        )


def read_audio(path: Path) -> AudioInfo:
    """Read an MP3 or M4A file; raise :class:`AudioError` naming it when that fails."""
    suffix = path.suffix.lower()
    if suffix not in AUDIO_TYPES:
        raise AudioError(
            f"audio must be an .mp3 or .m4a file, not {suffix or 'no extension'}", path
        )
    size = path.stat().st_size
    if size == 0:
        raise AudioError("the audio file is empty; export it again from your audio editor", path)
    reader = MP3 if suffix == ".mp3" else MP4
    try:
        info: Any = reader(path).info
    except (mutagen.MutagenError, OSError, ValueError) as err:
        raise AudioError(
            f"cannot read this audio file ({err}); export it again as {suffix[1:].upper()}", path
        ) from err
    if not info.length or info.length <= 0:
        raise AudioError("the audio has no duration; export it again", path)
    if reader is MP3:
        _check_complete(path, size, info.bitrate * info.length / 8)
    return AudioInfo(
        source=path,
        size=size,
        duration=float(info.length),
        bitrate=int(getattr(info, "bitrate", 0) or 0),
        sample_rate=int(getattr(info, "sample_rate", 0) or 0),
        channels=int(getattr(info, "channels", 0) or 0),
        mime_type=AUDIO_TYPES[suffix],
        vbr_header=reader is MP4 or info.bitrate_mode != BitrateMode.UNKNOWN,
    )
