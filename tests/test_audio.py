from __future__ import annotations

from pathlib import Path

import pytest

from publisher.content.audio import read_audio
from publisher.errors import AudioError
from tests.conftest import AUDIO


def test_mp3_facts() -> None:
    info = read_audio(AUDIO / "tone.mp3")
    assert info.mime_type == "audio/mpeg"
    assert info.size == (AUDIO / "tone.mp3").stat().st_size
    assert info.duration == pytest.approx(1.0, abs=0.1)  # made as a 1 s tone
    assert info.whole_seconds == 1
    assert info.sample_rate == 44100
    assert info.channels == 1
    assert 30_000 <= info.bitrate <= 34_000  # encoded at 32 kbit/s


def test_m4a_facts() -> None:
    info = read_audio(AUDIO / "tone.m4a")
    assert info.mime_type == "audio/x-m4a"
    assert info.duration == pytest.approx(2.0, abs=0.1)  # made as a 2 s stereo tone
    assert info.channels == 2
    assert info.sample_rate == 44100


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("empty.mp3", "the audio file is empty; export it again from your audio editor"),
        (
            "not-audio.mp3",
            "cannot read this audio file (can't sync to MPEG frame); export it again as MP3",
        ),
        ("truncated.mp3", "the file seems cut short: 200 bytes where its header promises about"),
    ],
)
def test_unreadable_audio_names_the_file(fixture: str, message: str) -> None:
    with pytest.raises(AudioError) as caught:
        read_audio(AUDIO / fixture)
    assert str(caught.value).startswith(f"{AUDIO / fixture}: error: {message}")


def test_wrong_extension_is_refused(tmp_path: Path) -> None:
    wav = tmp_path / "episode.wav"
    wav.write_bytes(b"RIFF")
    with pytest.raises(AudioError, match="audio must be an .mp3 or .m4a file, not .wav"):
        read_audio(wav)


def test_m4a_without_its_index_is_refused(tmp_path: Path) -> None:
    cut = tmp_path / "cut.m4a"
    cut.write_bytes((AUDIO / "tone.m4a").read_bytes()[:4000])
    with pytest.raises(AudioError, match="cannot read this audio file"):
        read_audio(cut)
