"""Identity guards: what apps have already seen must not change under them.

A changed GUID makes apps download an episode again as new; audio that changes under the same
URL breaks players that resume downloads (Apple's loops on HTTP 416). The guards compare the
site with ``published.toml`` and with the live feed, and explain the safe way to do each change.
"""

from __future__ import annotations

from lxml import etree

from publisher.analytics import unprefixed
from publisher.cache import BuildCache
from publisher.config import Config
from publisher.errors import Problem
from publisher.ledger import LEDGER_NAME, Ledger, PublishedEpisode
from publisher.model import Episode, Site
from publisher.output import OutputTree


def check_identity(site: Site, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """Compare the site with what ``published.toml`` says apps have seen."""
    ledger, config = site.ledger, site.config
    problems = []
    if ledger.show_guid and config.podcast.guid and config.podcast.guid != ledger.show_guid:
        problems.append(
            Problem(
                f"the show was published with podcast:guid {ledger.show_guid}; changing it makes "
                "it a new show for the Podcast Index. Remove guid or set it back",
                config.config_path,
                key="podcast.guid",
            )
        )
    current = {e.slug: e for e in site.episodes}
    guids = {e.guid for e in site.episodes}
    for slug, published in sorted(ledger.episodes.items()):
        episode = current.get(slug)
        if episode is None and published.guid in guids:
            continue  # moved to a new folder and kept its GUID: nothing to fix
        if episode is None:
            problems.append(_gone(site, slug, published, tree, cache))
        else:
            problems += _episode_changes(episode, published, tree, cache)
    return problems


def _episode_changes(
    episode: Episode, published: PublishedEpisode, tree: OutputTree, cache: BuildCache
) -> list[Problem]:
    problems = []
    if episode.guid != published.guid:
        problems.append(
            Problem(
                f"guid: this episode was published with guid {published.guid}; a new guid makes "
                "apps download it again as a new episode. Remove the guid line or set it back",
                episode.source,
            )
        )
    audio = episode.audio
    if audio is None or audio.filename != published.audio:
        return problems  # a new file name is a new URL: the safe way to replace audio
    if cache.file_sha256(audio.source) != published.audio_sha256:
        problems.append(
            Problem(
                "this file was published with different audio, and apps that downloaded part "
                "of it break when it changes under the same name. Save the new cut under a new "
                f"file name (e.g. {audio.source.stem}-v2{audio.source.suffix}), delete this one; "
                "the episode keeps its GUID",
                audio.source,
            )
        )
        return problems
    path = f"episodes/{episode.slug}/{audio.filename}"
    if path in tree and tree.size(path) != published.size:
        problems.append(
            Problem(
                f"the published file would change size ({published.size} to {tree.size(path)} "
                "bytes) because its tags changed; shorten the title or summary, or publish the "
                f"audio under a new file name (e.g. {audio.source.stem}-v2{audio.source.suffix})",
                audio.source,
            )
        )
    return problems


def _gone(
    site: Site, slug: str, published: PublishedEpisode, tree: OutputTree, cache: BuildCache
) -> Problem:
    renamed = sorted(
        (
            e for e in site.episodes
            if e.slug not in site.ledger.episodes and e.audio
            and cache.file_sha256(e.audio.source) == published.audio_sha256
        ),
        key=lambda e: f"episodes/{e.slug}/index.html" not in tree,  # released ones first
    )  # fmt: skip
    if renamed:
        episode = renamed[0]
        return Problem(
            f"this looks like the published episode {slug!r} in a new folder; to keep apps "
            f"from downloading it again, add the line 'guid: {published.guid}' to its front "
            "matter",
            episode.source,
        )
    return Problem(
        f"episode {slug!r} was published but its folder is gone; it will disappear from "
        "the feed and from listeners' apps",
        site.config.root / LEDGER_NAME,
        severity="warning",
    )


def updated_ledger(site: Site, tree: OutputTree, ledger: Ledger, cache: BuildCache) -> Ledger:
    """The ledger after publishing ``tree``: every episode in it is now seen by apps."""
    result = Ledger(site.show_guid, dict(ledger.episodes))
    for episode in site.episodes:
        audio = episode.audio
        path = f"episodes/{episode.slug}/{audio.filename}" if audio else ""
        if audio is None or path not in tree:
            continue
        entry = PublishedEpisode(
            episode.guid, audio.filename, cache.file_sha256(audio.source), tree.size(path)
        )
        result = result.with_episode(episode.slug, entry)
    return result


def live_feed_problems(live: bytes, new: bytes, config: Config, where: str) -> list[Problem]:
    """Compare the feed apps read now with the one about to replace it."""
    try:
        old_items, new_items = _items(live, config), _items(new, config)
    except etree.XMLSyntaxError:
        return [
            Problem(
                "the live feed is not valid XML; it will be replaced", where, severity="warning"
            )
        ]
    problems = []
    for link, (guid, path, length) in sorted(new_items.items()):
        old = old_items.get(link)
        if old is None:
            continue
        old_guid, old_path, old_length = old
        if old_guid != guid:
            problems.append(
                Problem(
                    f"the live feed has guid {old_guid} for {link} but this build says {guid}; "
                    "apps would download the episode again. Set 'guid: "
                    f"{old_guid}' in its front matter",
                    where,
                )
            )
        if path and path == old_path and length != old_length:
            problems.append(
                Problem(
                    f"{path} is live with {old_length} bytes and would become {length} bytes "
                    "under the same URL; publish the new audio under a new file name",
                    where,
                )
            )
    return problems


def _items(feed: bytes, config: Config) -> dict[str, tuple[str, str, str]]:
    root = etree.fromstring(feed)
    items = {}
    for item in root.iterfind("./channel/item"):
        enclosure = item.find("enclosure")
        url = enclosure.get("url", "") if enclosure is not None else ""
        path = unprefixed(url, config.site.base_url, config.podcast.analytics_prefixes) or ""
        length = enclosure.get("length", "") if enclosure is not None else ""
        items[item.findtext("link") or ""] = (item.findtext("guid") or "", path, length)
    return items
