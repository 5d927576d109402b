"""Identity guards: what apps have already seen must not change under them.

A changed GUID makes apps download an episode again as new; audio that changes under the same
URL breaks players that resume downloads (Apple's loops on HTTP 416). The guards compare the
site with ``published.toml`` and with the live feed, and explain the safe way to do each change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree

from publisher import urls
from publisher.cache import BuildCache
from publisher.config.settings import Config
from publisher.content.audio import AudioInfo
from publisher.content.ledger import LEDGER_NAME, Ledger, PublishedAudio, PublishedEpisode
from publisher.content.model import Episode, Site
from publisher.errors import Problem
from publisher.output.tree import OutputTree
from publisher.render.analytics import unprefixed
from publisher.render.released import provisional_warnings

EMPTY_FEED = b'<rss version="2.0"><channel></channel></rss>'
"""What a build without a podcast feed (no released episode) offers apps instead of one."""


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
    by_guid = {e.guid: e for e in site.episodes}
    for slug, published in sorted(ledger.live.items()):
        episode = current.get(slug) or by_guid.get(published.guid)
        if episode is None:
            problems.append(_gone(site, slug, published, tree, cache))
            continue
        if episode.slug == slug:
            problems += _episode_changes(episode, published, tree, cache)
        if urls.page(urls.episode(episode.slug)) not in tree:
            problems += _leaving(episode, slug)
    return problems


def _leaving(episode: Episode, slug: str) -> list[Problem]:
    """A live episode this build would drop from the feed, and so from listeners' apps."""
    on_purpose = f"to take it down on purpose, run: publisher publish --unpublish {slug}"
    if episode.draft:
        return [
            Problem(
                "this episode is live, and 'draft: true' would remove it from the feed and from "
                f"listeners' apps. Remove that line, or {on_purpose}",
                episode.source,
                episode.line_of("draft"),
            )
        ]
    if episode.audio is None:
        return []  # reported as an episode due without audio
    return [
        Problem(
            f"this episode is live, and its date {episode.date:%Y-%m-%d %H:%M} is still ahead, so "
            "publishing would remove it from the feed and from listeners' apps until then. Set "
            f"the date back to its release day, or {on_purpose}",
            episode.source,
            episode.line_of("date"),
        )
    ]


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
                episode.line_of("guid"),
            )
        )
    audio_files = (episode.audio, *episode.alternate_audio) if episode.audio else ()
    for audio in audio_files:
        released = published.file(audio.filename)
        if released is not None:  # a new file name is a new URL: the safe way to replace audio
            path = urls.episode_file(episode.slug, audio.filename)
            problems += _released_file_changes(audio, released, path, tree, cache)
    return problems


def _released_file_changes(
    audio: AudioInfo, released: PublishedAudio, path: str, tree: OutputTree, cache: BuildCache
) -> list[Problem]:
    """A released file must keep its bytes: its source audio and, for old ledgers, its size."""
    new_name = f"{audio.source.stem}-v2{audio.source.suffix}"
    if cache.file_sha256(audio.source) != released.source_sha256:
        return [
            Problem(
                "this file was published with different audio, and apps that downloaded part "
                "of it break when it changes under the same name. Save the new cut under a new "
                f"file name (e.g. {new_name}), delete this one; the episode keeps its GUID",
                audio.source,
            )
        ]
    if path in tree and path not in tree.provisional and tree.size(path) != released.size:
        return [
            Problem(
                f"the published file would change size ({released.size} to {tree.size(path)} "
                "bytes): it was released before publisher kept released files unchanged, and the "
                "details in its tags (show artwork, show title, author or episode title) have "
                "changed since. Set them back and publish once (publisher then keeps the released "
                f"file as it is), or publish the audio under a new file name (e.g. {new_name})",
                audio.source,
            )
        ]
    return []


def _gone(
    site: Site, slug: str, published: PublishedEpisode, tree: OutputTree, cache: BuildCache
) -> Problem:
    renamed = sorted(
        (
            e for e in site.episodes
            if e.slug not in site.ledger.episodes and e.audio
            and cache.file_sha256(e.audio.source) == published.audio.source_sha256
        ),
        key=lambda e: urls.page(urls.episode(e.slug)) not in tree,  # released ones first
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
        f"episode {slug!r} is live but its folder episodes/{slug}/ is gone, so it would vanish "
        "from the feed and from listeners' apps. Restore the folder (if you renamed it, add "
        f"'guid: {published.guid}' to the new episode.md); to take it down on purpose, run: "
        f"publisher publish --unpublish {slug}",
        site.config.root / LEDGER_NAME,
    )


def live_feed_problems(
    live: bytes, new: bytes, config: Config, where: str, ledger: Ledger, unpublish: frozenset[str]
) -> list[Problem]:
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
    for link, item in sorted(new_items.items()):
        old = old_items.get(link)
        if old is None:
            continue
        if old.guid != item.guid:
            problems.append(
                Problem(
                    f"the live feed has guid {old.guid} for {link} but this build says "
                    f"{item.guid}; apps would download the episode again. Set 'guid: "
                    f"{old.guid}' in its front matter",
                    where,
                )
            )
        if item.path and item.path == old.path and item.length != old.length:
            problems.append(
                Problem(
                    f"{item.path} is live with {old.length} bytes and would become {item.length} "
                    "bytes under the same URL; publish the new audio under a new file name",
                    where,
                )
            )
    problems += _vanishing(old_items, new_items, where, ledger, unpublish)
    return problems


def _vanishing(
    old_items: dict[str, _FeedItem],
    new_items: dict[str, _FeedItem],
    where: str,
    ledger: Ledger,
    unpublish: frozenset[str],
) -> list[Problem]:
    """Live episodes this build would drop that ``published.toml`` does not know about."""
    kept = {item.guid for item in new_items.values()}
    recorded = {entry.guid for entry in ledger.episodes.values()}
    problems = []
    for link, old in sorted(old_items.items()):
        slug = old.slug
        if link in new_items or old.guid in kept or old.guid in recorded or slug in unpublish:
            continue
        problems.append(
            Problem(
                f"episode {old.title!r} ({link}) is in the live feed but not in this build, so "
                "it would vanish from listeners' apps. Bring it back (its folder, date or "
                f"'draft:' line); to take it down on purpose, run: publisher publish --unpublish "
                f"{slug or '<folder name>'}",
                where,
            )
        )
    return problems


@dataclass(frozen=True)
class _FeedItem:
    guid: str
    path: str
    length: str
    title: str

    @property
    def slug(self) -> str:
        return urls.slug_of_episode_file(self.path)


def _items(feed: bytes, config: Config) -> dict[str, _FeedItem]:
    root = etree.fromstring(feed)
    items = {}
    for item in root.iterfind("./channel/item"):
        enclosure = item.find("enclosure")
        url = enclosure.get("url", "") if enclosure is not None else ""
        path = unprefixed(url, config.site.base_url, config.podcast.analytics_prefixes) or ""
        length = enclosure.get("length", "") if enclosure is not None else ""
        items[item.findtext("link") or ""] = _FeedItem(
            item.findtext("guid") or "", path, length, item.findtext("title") or ""
        )
    return items


def with_unpublished(site: Site, unpublish: frozenset[str]) -> Site:
    """``site`` with the live episodes ``unpublish`` marked as taken down on purpose."""
    return replace(site, ledger=site.ledger.unpublishing(unpublish)) if unpublish else site


def compare_with_live(
    site: Site, tree: OutputTree, live: bytes | None, where: str, unpublish: frozenset[str]
) -> list[Problem]:
    """What this build would change under listeners, compared with the live feed, and whether
    each ``--unpublish`` names an episode that is live and already out of the site."""
    config = site.config
    problems = []
    live_slugs: set[str] = set()
    if live is not None:
        new = tree.read(urls.FEED) if urls.FEED in tree else EMPTY_FEED
        problems += live_feed_problems(live, new, config, where, site.ledger, unpublish)
        try:
            live_slugs = {item.slug for item in _items(live, config).values()}
        except etree.XMLSyntaxError:
            pass
    for slug in sorted(unpublish):
        if urls.page(urls.episode(slug)) in tree:
            problems.append(
                Problem(
                    f"--unpublish {slug}: the episode is still part of the site; add 'draft: "
                    f"true' to episodes/{slug}/episode.md or delete its folder first",
                    site.config.root / "episodes" / slug,
                )
            )
        elif slug not in site.ledger.episodes and slug not in live_slugs:
            problems.append(
                Problem(
                    f"--unpublish {slug}: no published episode has this folder name",
                    site.config.root / LEDGER_NAME,
                )
            )
    return problems


def record_unpublished(
    ledger: Ledger, live: bytes | None, config: Config, unpublish: frozenset[str]
) -> Ledger:
    """Note in ``ledger`` the episodes ``unpublish`` takes down that only the live feed knew
    (no ``published.toml`` yet), so their GUIDs stay reserved."""
    missing = unpublish - set(ledger.episodes)
    if live is None or not missing:
        return ledger
    try:
        items = {item.slug: item for item in _items(live, config).values()}
    except etree.XMLSyntaxError:
        return ledger
    for slug in sorted(missing & set(items)):
        item = items[slug]
        name = item.path.rsplit("/", 1)[-1]
        audio = PublishedAudio(name, "", int(item.length) if item.length.isdigit() else 0)
        ledger = ledger.with_episode(slug, PublishedEpisode(item.guid, audio, unpublished=True))
    return ledger


def check_released_audio(site: Site, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """Released files this build made anew: publish keeps the published bytes instead."""
    return provisional_warnings(tree)
