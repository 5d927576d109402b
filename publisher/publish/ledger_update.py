"""``published.toml`` after a publish: every episode in it is now seen by apps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from publisher import urls
from publisher.cache import BuildCache
from publisher.content.ledger import Ledger, PublishedAudio, PublishedEpisode
from publisher.output.tree import Deferred, OutputTree
from publisher.storage.base import FileState

if TYPE_CHECKING:  # a publish that reuses its checks pins the ledger without loading the model
    from publisher.content.audio import AudioInfo
    from publisher.content.model import Episode, Site


def updated_ledger(
    site: Site, tree: OutputTree, ledger: Ledger, cache: BuildCache, shas: Mapping[str, str]
) -> Ledger:
    """The ledger after publishing ``tree``, whose files have the SHA-256 ``shas``.

    A file released earlier keeps its record (what apps saw then); an episode published for
    the first time, or under a new audio file name, gets a new one. An episode moved to a new
    folder with its ``guid:`` moves its record along.
    """
    result = ledger
    for episode in site.episodes:
        if episode.audio is None or _path(episode, episode.audio) not in tree:
            continue
        released = _released_files(episode, tree, cache, shas)
        if not released or released[0].name != episode.audio.filename:
            continue
        known = ledger.episodes.get(episode.slug)
        if known is not None and known.audio.name == episode.audio.filename and known.audio.tags:
            added = tuple(f for f in released[1:] if known.file(f.name) is None)
            entry = replace(known, alternates=(*known.alternates, *added), unpublished=False)
        else:
            entry = PublishedEpisode(episode.guid, released[0], released[1:])
        for slug, other in ledger.episodes.items():
            if other.guid == episode.guid and slug != episode.slug:
                result = result.without(slug)
        result = result.with_episode(episode.slug, entry)
    return replace(result, show_guid=site.show_guid)


def _released_files(
    episode: Episode, tree: OutputTree, cache: BuildCache, shas: Mapping[str, str]
) -> tuple[PublishedAudio, ...]:
    """What apps get of each audio file of ``episode`` in ``tree``, the enclosure first."""
    files = []
    for audio in (episode.audio, *episode.alternate_audio) if episode.audio else ():
        path = _path(episode, audio)
        if path not in tree or path in tree.provisional:
            continue
        content = tree.files[path]
        files.append(
            PublishedAudio(
                audio.filename,
                cache.file_sha256(audio.source),
                tree.size(path),
                shas[path],
                content.key if isinstance(content, Deferred) else "",
            )
        )
    return tuple(files)


def _path(episode: Episode, audio: AudioInfo) -> str:
    return urls.episode_file(episode.slug, audio.filename)


LEGACY_TAGS = "released before publisher recorded tags"
"""The tags key of a file released under an older ledger: never equal to today's, so the
file keeps the head it was published with."""


def pin_legacy_releases(site: Site, inventory: Mapping[str, FileState]) -> Site:
    """``site`` with its ledger pinned (see :func:`pin_legacy_ledger`)."""
    return replace(site, ledger=pin_legacy_ledger(site.ledger, inventory))


def pin_legacy_ledger(ledger: Ledger, inventory: Mapping[str, FileState]) -> Ledger:
    """Give files released under an older ``published.toml`` (no SHA-256 recorded) the hash
    the target holds, so they keep those bytes like every other released file."""
    episodes = {}
    for slug, entry in ledger.episodes.items():
        files = [
            _pinned(audio, inventory.get(urls.episode_file(slug, audio.name)))
            for audio in (entry.audio, *entry.alternates)
        ]
        episodes[slug] = replace(entry, audio=files[0], alternates=tuple(files[1:]))
    return replace(ledger, episodes=episodes)


def _pinned(audio: PublishedAudio, remote: FileState | None) -> PublishedAudio:
    if audio.sha256 or remote is None or not remote.sha256 or remote.size != audio.size:
        return audio
    return replace(audio, sha256=remote.sha256, tags=LEGACY_TAGS)
