"""The files published in each episode folder: tagged audio, transcript, chapters, cover."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from publisher import urls
from publisher.cache import BuildCache, digest
from publisher.config.settings import Config
from publisher.content.audio import AudioInfo
from publisher.content.chapters import CHAPTERS_NAME, chapters_json
from publisher.content.mediatypes import IMAGE_TYPES
from publisher.content.model import Episode, Site
from publisher.output.tree import Deferred, OutputTree, Spliced
from publisher.render.audiotags import TAG_FORMAT, TagData, tagged_m4a, tagged_mp3
from publisher.render.entries import make_link, smart_chapters, smart_title
from publisher.render.markup import RenderedText, shorten
from publisher.render.released import keep_released


def add_episode_files(
    site: Site,
    texts: dict[tuple[str, str], RenderedText],
    tree: OutputTree,
    cache: BuildCache,
) -> None:
    """Add every visible episode's files to ``tree``; audio gets its tags when it is written."""
    config = site.config
    show_cover = _show_cover(config)
    cover_key = hashlib.sha256(show_cover[0]).hexdigest()
    for episode in site.episodes:
        folder = urls.episode(episode.slug)
        tags = _tag_data(config, episode, texts[("episode", episode.slug)], show_cover)
        assert episode.audio is not None
        published = site.ledger.episodes.get(episode.slug)
        for audio in (episode.audio, *episode.alternate_audio):
            path = folder + audio.filename
            copy = _deferred_copy(path, audio, tags, cover_key, cache)
            released = published.file(audio.filename) if published else None
            tree.add(path, keep_released(path, audio, copy, released, tree, cache))
        for attachment in (episode.transcript, episode.cover):
            if attachment is not None:
                tree.add(folder + attachment.filename, attachment.source)
        if episode.chapters:
            tree.add(folder + CHAPTERS_NAME, _chapters_content(episode, config.podcast.title))


def _deferred_copy(
    path: str, audio: AudioInfo, tags: TagData, show_cover_key: str, cache: BuildCache
) -> Deferred:
    cover = show_cover_key if not tags.cover else hashlib.sha256(tags.cover).hexdigest()
    fields = replace(tags, cover=b"")
    key = digest(TAG_FORMAT, fields, cover, audio.mime_type, cache.file_sha256(audio.source))
    content = Deferred(key, lambda: tagged_copy(audio, tags))
    known = cache.outputs.get(path)
    if known is not None and known[0] == digest(("deferred", key)):
        content.known = (known[1], known[2])
    return content


def tagged_copy(audio: AudioInfo, tags: TagData) -> Spliced | bytes:
    if audio.mime_type == "audio/mpeg":
        return tagged_mp3(audio.source, tags)
    return tagged_m4a(audio.source, tags)


def _show_cover(config: Config) -> tuple[bytes, str]:
    artwork = config.podcast.artwork
    if artwork is None:
        return b"", ""
    return (config.root / artwork).read_bytes(), IMAGE_TYPES[artwork.suffix.lower()]


def _tag_data(
    config: Config, episode: Episode, text: RenderedText, show_cover: tuple[bytes, str]
) -> TagData:
    podcast = config.podcast
    cover, mime = show_cover
    if episode.cover is not None:
        cover, mime = episode.cover.source.read_bytes(), episode.cover.mime_type
    assert episode.audio is not None
    return TagData(
        title=smart_title(episode.title),
        artist=podcast.author or podcast.title,
        album=podcast.title,
        date=episode.date.astimezone(config.site.tz).date().isoformat(),
        track=episode.number,
        comment=episode.summary or shorten(text.first_paragraph),
        url=make_link(config, urls.episode(episode.slug)).abs_url,
        cover=cover,
        cover_mime=mime,
        chapters=smart_chapters(episode.chapters),
        duration=episode.audio.duration,
    )


def _chapters_content(episode: Episode, podcast: str) -> bytes | Path:
    """The editor's own chapters.json as it is, or one written from the front matter."""
    written = episode.source.parent / CHAPTERS_NAME
    if written.is_file():
        return written
    return chapters_json(smart_chapters(episode.chapters), smart_title(episode.title), podcast)
