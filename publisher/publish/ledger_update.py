"""``published.toml`` after a publish: every episode in it is now seen by apps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from publisher.cache import BuildCache
from publisher.content.ledger import Ledger, PublishedEpisode
from publisher.content.model import Site
from publisher.output.tree import Deferred, OutputTree


def updated_ledger(
    site: Site, tree: OutputTree, ledger: Ledger, cache: BuildCache, shas: Mapping[str, str]
) -> Ledger:
    """The ledger after publishing ``tree``, whose files have the SHA-256 ``shas``.

    An episode released earlier keeps its entry (what apps saw then); one published for the
    first time, or under a new audio file name, gets a new one.
    """
    result = Ledger(site.show_guid, dict(ledger.episodes))
    for episode in site.episodes:
        audio = episode.audio
        path = f"episodes/{episode.slug}/{audio.filename}" if audio else ""
        if audio is None or path not in tree or path in tree.provisional:
            continue
        known = ledger.episodes.get(episode.slug)
        if known is not None and known.audio == audio.filename and known.tags:
            result = result.with_episode(episode.slug, replace(known, unpublished=False))
            continue
        content = tree.files[path]
        entry = PublishedEpisode(
            episode.guid,
            audio.filename,
            cache.file_sha256(audio.source),
            tree.size(path),
            shas[path],
            content.key if isinstance(content, Deferred) else "",
        )
        result = result.with_episode(episode.slug, entry)
    return result
