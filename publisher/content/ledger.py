"""``published.toml``: what listeners' apps have already seen, kept with the site and committed.

It pins the show's ``podcast:guid`` and each released episode's GUID and audio files, so a
changed ``base_url``, a renamed folder or a re-exported file cannot silently change identities,
and a released file keeps its bytes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from publisher.errors import ContentError
from publisher.files import atomic_write

LEDGER_NAME = "published.toml"
HEADER = (
    "# Written by `publisher publish`: what podcast apps have already seen.\n"
    "# Commit this file. It keeps the show's and each episode's identity (GUID) stable.\n"
)


@dataclass(frozen=True)
class PublishedAudio:
    """One released audio file as apps downloaded it."""

    name: str
    source_sha256: str
    """SHA-256 of the editor's audio file it was made from."""
    size: int
    sha256: str = ""
    """SHA-256 of the published (tagged) file; empty in ledgers written before it was kept."""
    tags: str = ""
    """Key of the tags the published file carries, to tell when today's would differ."""


@dataclass(frozen=True)
class PublishedEpisode:
    """One released episode: its GUID, its enclosure and any alternate audio."""

    guid: str
    audio: PublishedAudio
    alternates: tuple[PublishedAudio, ...] = ()
    unpublished: bool = False
    """Taken out of the feed on purpose (``publish --unpublish``); its GUID stays reserved."""

    def file(self, name: str) -> PublishedAudio | None:
        """The released audio file called ``name``, if there is one."""
        return next((f for f in (self.audio, *self.alternates) if f.name == name), None)


@dataclass(frozen=True)
class Ledger:
    show_guid: str = ""
    episodes: dict[str, PublishedEpisode] = field(default_factory=dict)

    def with_episode(self, slug: str, episode: PublishedEpisode) -> Ledger:
        return replace(self, episodes={**self.episodes, slug: episode})

    def without(self, slug: str) -> Ledger:
        return replace(self, episodes={s: e for s, e in self.episodes.items() if s != slug})

    def unpublishing(self, slugs: frozenset[str]) -> Ledger:
        """This ledger with the episodes ``slugs`` marked as taken down on purpose."""
        episodes = {
            slug: replace(entry, unpublished=True) if slug in slugs else entry
            for slug, entry in self.episodes.items()
        }
        return replace(self, episodes=episodes)

    @property
    def live(self) -> dict[str, PublishedEpisode]:
        """The episodes apps have and should keep: all but those unpublished on purpose."""
        return {slug: e for slug, e in self.episodes.items() if not e.unpublished}


def read_ledger(root: Path) -> Ledger:
    """Read ``published.toml``; a missing file is an empty ledger."""
    path = root / LEDGER_NAME
    if not path.is_file():
        return Ledger()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        episodes = {str(slug): _episode(entry) for slug, entry in data.get("episodes", {}).items()}
        return Ledger(str(data.get("show", {}).get("guid", "")), episodes)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as err:
        raise ContentError(
            f"cannot read it ({err}); restore it from version control", path
        ) from err


def _episode(entry: Mapping[str, Any]) -> PublishedEpisode:
    alternates = tuple(_audio(item) for item in entry.get("alternates", []))
    unpublished = entry.get("unpublished", False)
    if not isinstance(unpublished, bool):
        raise ValueError(f"unpublished must be true or false, not {unpublished!r}")
    return PublishedEpisode(str(entry["guid"]), _audio(entry), alternates, unpublished)


def _audio(entry: Mapping[str, Any]) -> PublishedAudio:
    return PublishedAudio(
        str(entry["audio"]),
        str(entry["audio_sha256"]),
        int(entry["size"]),
        str(entry.get("sha256", "")),
        str(entry.get("tags", "")),
    )


def ledger_text(ledger: Ledger) -> str:
    """Deterministic TOML: episodes sorted by folder name, keys in a fixed order."""
    episodes = {slug: _episode_table(e) for slug, e in sorted(ledger.episodes.items())}
    document = {"show": {"guid": ledger.show_guid}, "episodes": episodes}
    return HEADER + "\n" + tomli_w.dumps(document)


def _episode_table(episode: PublishedEpisode) -> dict[str, Any]:
    table: dict[str, Any] = {"guid": episode.guid, **_audio_table(episode.audio)}
    if episode.unpublished:
        table["unpublished"] = True
    if episode.alternates:
        table["alternates"] = [_audio_table(a) for a in episode.alternates]
    return table


def _audio_table(audio: PublishedAudio) -> dict[str, Any]:
    table: dict[str, Any] = {
        "audio": audio.name,
        "audio_sha256": audio.source_sha256,
        "size": audio.size,
    }
    table.update({key: value for key in ("sha256", "tags") if (value := getattr(audio, key))})
    return table


def write_ledger(root: Path, ledger: Ledger) -> bool:
    """Write ``published.toml`` when it changed; return whether it did."""
    path = root / LEDGER_NAME
    text = ledger_text(ledger)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write(path, [text.encode()])
    return True
