"""Tags written into the published copy of an episode's audio; the editor's file is never touched.

MP3: an ID3v2.3 tag (title, artist, album, year and day, track, genre, comment, link, cover,
CHAP/CTOC chapters) is put in front of the source's audio frames. v2.3, not v2.4: id3lib-based
tools (``id3v2 -l``) and older players and car stereos read no v2.4 tag. v2.3 has no UTF-8, so
text is UTF-16 (encoding 1) and the date is TYER + TDAT instead of TDRC. Big files are
streamed, not copied into memory. The tag is padded to a whole number of 16 KiB blocks, so small
edits after release (a title typo) keep the file size, which podcast apps that resume downloads
rely on.
M4A: the same facts as MP4 atoms (mutagen writes no MP4 chapters; the feed and page have them).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDAT,
    TDRC,
    TIT2,
    TPE1,
    TRCK,
    TYER,
    WXXX,
    CTOCFlags,
)  # fmt: skip
from mutagen.mp4 import MP4, MP4Cover

from publisher.content.chapters import Chapter
from publisher.output.tree import Spliced

# Bump when the tags written change, so cached copies are made again. Files already released
# keep the tag they went out with (render/released.py); only later releases get the new one.
# 1: ID3v2.4. 2: ID3v2.3 in UTF-16.
TAG_FORMAT = 2
ID3_VERSION = 3
UTF16 = 1  # the one Unicode text encoding of ID3v2.3 (v2.4 adds UTF-8)
TAG_BLOCK = 16 * 1024
TAG_HEADROOM = 1024
GENRE = "Podcast"


@dataclass(frozen=True)
class TagData:
    """What the published copy says about itself."""

    title: str
    artist: str
    album: str
    date: str
    track: int | None
    comment: str
    url: str
    cover: bytes = b""
    cover_mime: str = "image/jpeg"
    chapters: tuple[Chapter, ...] = ()
    duration: float = 0.0


def tagged_mp3(source: Path, tags: TagData) -> Spliced:
    """The source MP3's audio frames behind a fresh ID3v2.3 tag."""
    start, end = mp3_audio_span(source)
    return Spliced(_id3_bytes(tags), source, start, end)


def mp3_audio_span(path: Path) -> tuple[int, int]:
    """Byte range of the audio frames: after any leading ID3v2 tag, before an ID3v1 tag."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(10)
        start = 0
        if len(header) == 10 and header[:3] == b"ID3":
            body = _syncsafe(header[6:10])
            footer = 10 if header[5] & 0x10 else 0
            start = 10 + body + footer
        handle.seek(max(size - 128, 0))
        end = size - 128 if size - start >= 128 and handle.read(3) == b"TAG" else size
    return start, end


def _syncsafe(data: bytes) -> int:
    """Decode a 28-bit syncsafe integer.

    >>> _syncsafe(bytes([0, 0, 2, 1]))
    257
    """
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
    return value


def _id3_bytes(tags: TagData, version: int = ID3_VERSION) -> bytes:
    tag = ID3()
    tag.add(TIT2(encoding=UTF16, text=tags.title))
    tag.add(TPE1(encoding=UTF16, text=tags.artist))
    tag.add(TALB(encoding=UTF16, text=tags.album))
    if version == 3:
        year, month, day = tags.date.split("-")
        tag.add(TYER(encoding=UTF16, text=year))
        tag.add(TDAT(encoding=UTF16, text=day + month))  # DDMM
    else:
        tag.add(TDRC(encoding=UTF16, text=tags.date))
    tag.add(TCON(encoding=UTF16, text=GENRE))
    if tags.track:
        tag.add(TRCK(encoding=UTF16, text=str(tags.track)))
    if tags.comment:
        tag.add(COMM(encoding=UTF16, lang="eng", desc="", text=tags.comment))
    if tags.url:
        tag.add(WXXX(encoding=UTF16, desc="Episode page", url=tags.url))
    if tags.cover:
        tag.add(APIC(encoding=UTF16, mime=tags.cover_mime, type=3, desc="Cover", data=tags.cover))
    _add_chapters(tag, tags.chapters, tags.duration)
    content = _render(tag, 0, version)
    total = -(-(len(content) + TAG_HEADROOM) // TAG_BLOCK) * TAG_BLOCK
    return _render(tag, total - len(content), version)


def _add_chapters(tag: ID3, chapters: tuple[Chapter, ...], duration: float) -> None:
    if not chapters:
        return
    ids = [f"chp{index}" for index in range(len(chapters))]
    ends = [c.start for c in chapters[1:]] + [duration]
    for element_id, chapter, end in zip(ids, chapters, ends, strict=True):
        frames: list[Any] = [TIT2(encoding=UTF16, text=chapter.title)]
        if chapter.url:
            frames.append(WXXX(encoding=UTF16, desc="chapter url", url=chapter.url))
        tag.add(CHAP(element_id=element_id, start_time=round(chapter.start * 1000),
                     end_time=round(end * 1000), sub_frames=frames))  # fmt: skip
    flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    heading = [TIT2(encoding=UTF16, text="Chapters")]
    tag.add(CTOC(element_id="toc", flags=flags, child_element_ids=ids, sub_frames=heading))


def _render(tag: ID3, padding: int, version: int) -> bytes:
    buffer = io.BytesIO()
    tag.save(buffer, v1=0, v2_version=version, padding=lambda info: padding)
    return buffer.getvalue()


def tagged_m4a(source: Path, tags: TagData) -> bytes:
    """A copy of the source M4A with our MP4 atoms (the whole file passes through memory)."""
    buffer = io.BytesIO(source.read_bytes())
    mp4 = MP4(buffer)
    if mp4.tags is None:
        mp4.add_tags()
    atoms = mp4.tags
    assert atoms is not None
    atoms.clear()
    atoms["\xa9nam"] = [tags.title]
    atoms["\xa9ART"] = [tags.artist]
    atoms["\xa9alb"] = [tags.album]
    atoms["\xa9day"] = [tags.date]
    atoms["\xa9gen"] = [GENRE]
    if tags.track:
        atoms["trkn"] = [(tags.track, 0)]
    if tags.comment:
        atoms["desc"] = [tags.comment]
        atoms["\xa9cmt"] = [tags.comment]
    if tags.cover:
        kind = MP4Cover.FORMAT_PNG if tags.cover_mime == "image/png" else MP4Cover.FORMAT_JPEG
        atoms["covr"] = [MP4Cover(tags.cover, imageformat=kind)]
    mp4.save(buffer, padding=lambda info: TAG_HEADROOM)
    return buffer.getvalue()
