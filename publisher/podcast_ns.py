"""Our feedgen extension: the Podcasting 2.0 namespace and Apple's ``true``/``false`` explicit.

feedgen's own podcast extension can only write ``yes``/``no`` for ``itunes:explicit`` and has
no ``podcast:`` tags, so those live here.
"""

from __future__ import annotations

from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def _add(parent: Any, namespace: str, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


class PodcastIndexExtension(BaseExtension):  # type: ignore[misc]
    """Channel-level ``podcast:`` tags plus ``itunes:explicit``."""

    def __init__(self) -> None:
        self.guid: str | None = None
        self.locked: bool | None = None
        self.locked_owner: str = ""
        self.explicit: bool | None = None
        self.medium: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed: Any) -> Any:
        channel = rss_feed[0]
        if self.explicit is not None:
            _add(channel, ITUNES_NS, "explicit", _bool_text(self.explicit))
        if self.locked is not None:
            attrs = {"owner": self.locked_owner} if self.locked_owner else {}
            _add(channel, PODCAST_NS, "locked", "yes" if self.locked else "no", **attrs)
        if self.guid:
            _add(channel, PODCAST_NS, "guid", self.guid)
        if self.medium:
            _add(channel, PODCAST_NS, "medium", self.medium)
        return rss_feed

    def extend_atom(self, atom_feed: Any) -> Any:
        return atom_feed


class PodcastIndexEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item-level ``podcast:`` tags plus ``itunes:explicit``."""

    def __init__(self) -> None:
        self.explicit: bool | None = None
        self.season: int | None = None
        self.episode: int | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, item: Any) -> Any:
        if self.explicit is not None:
            _add(item, ITUNES_NS, "explicit", _bool_text(self.explicit))
        if self.season is not None:
            _add(item, PODCAST_NS, "season", str(self.season))
        if self.episode is not None:
            _add(item, PODCAST_NS, "episode", str(self.episode))
        return item

    def extend_atom(self, entry: Any) -> Any:
        return entry
