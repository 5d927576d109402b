"""``published.toml``: what listeners' apps have already seen, kept with the site and committed.

It pins the show's ``podcast:guid`` and each released episode's GUID and audio, so a changed
``base_url``, a renamed folder or a re-exported file cannot silently change identities.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from publisher.errors import ContentError

LEDGER_NAME = "published.toml"
HEADER = (
    "# Written by `publisher publish`: what podcast apps have already seen.\n"
    "# Commit this file. It keeps the show's and each episode's identity (GUID) stable.\n"
)


@dataclass(frozen=True)
class PublishedEpisode:
    """One released episode as apps saw it."""

    guid: str
    audio: str
    audio_sha256: str
    """SHA-256 of the editor's audio file it was made from."""
    size: int
    sha256: str = ""
    """SHA-256 of the published (tagged) file; empty in ledgers written before it was kept."""
    tags: str = ""
    """Key of the tags the published file carries, to tell when today's would differ."""
    unpublished: bool = False
    """Taken out of the feed on purpose (``publish --unpublish``); its GUID stays reserved."""


@dataclass(frozen=True)
class Ledger:
    show_guid: str = ""
    episodes: dict[str, PublishedEpisode] = field(default_factory=dict)

    def with_episode(self, slug: str, episode: PublishedEpisode) -> Ledger:
        return replace(self, episodes={**self.episodes, slug: episode})

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
        episodes = {
            str(slug): PublishedEpisode(
                str(entry["guid"]),
                str(entry["audio"]),
                str(entry["audio_sha256"]),
                int(entry["size"]),
                str(entry.get("sha256", "")),
                str(entry.get("tags", "")),
                bool(entry.get("unpublished", False)),
            )  # fmt: skip
            for slug, entry in data.get("episodes", {}).items()
        }
        return Ledger(str(data.get("show", {}).get("guid", "")), episodes)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as err:
        raise ContentError(
            f"cannot read it ({err}); restore it from version control", path
        ) from err


def ledger_text(ledger: Ledger) -> str:
    """Deterministic TOML; strings are written as JSON strings, which TOML accepts."""
    lines = [HEADER, "[show]", f"guid = {json.dumps(ledger.show_guid)}", ""]
    for slug, episode in sorted(ledger.episodes.items()):
        lines += [
            f"[episodes.{json.dumps(slug)}]",
            f"guid = {json.dumps(episode.guid)}",
            f"audio = {json.dumps(episode.audio)}",
            f"audio_sha256 = {json.dumps(episode.audio_sha256)}",
            f"size = {episode.size}",
            *([f"sha256 = {json.dumps(episode.sha256)}"] if episode.sha256 else []),
            *([f"tags = {json.dumps(episode.tags)}"] if episode.tags else []),
            *(["unpublished = true"] if episode.unpublished else []),
            "",
        ]
    return "\n".join(lines)


def write_ledger(root: Path, ledger: Ledger) -> bool:
    """Write ``published.toml`` when it changed; return whether it did."""
    path = root / LEDGER_NAME
    text = ledger_text(ledger)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
