"""Stable identities: the show's ``podcast:guid`` and each episode's ``<guid>``."""

from __future__ import annotations

import uuid

PODCAST_NAMESPACE_UUID = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def show_guid(feed_url: str) -> str:
    """UUIDv5 of the feed URL without scheme and trailing slashes (Podcasting 2.0).

    >>> show_guid("https://mp3s.nashownotes.com/pc20rss.xml")
    '917393e3-1b1e-5cef-ace4-edaa54e1f810'
    >>> show_guid("https://podnews.net/rss")
    '9b024349-ccf0-5f69-a609-6b82873eab3c'
    """
    seed = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE_UUID, seed))


def resolve_show_guid(configured: str, pinned: str, feed_url: str) -> str:
    """``site.toml``'s guid, else the one pinned in ``published.toml``, else derived.

    >>> resolve_show_guid("", "pinned-guid", "https://new.example/feed.xml")
    'pinned-guid'
    """
    return configured or pinned or show_guid(feed_url)


def episode_guid(show: str, slug: str) -> str:
    """The default GUID of an episode: UUIDv5 of its slug inside the show's GUID.

    >>> episode_guid("917393e3-1b1e-5cef-ace4-edaa54e1f810", "first")
    'b78afeb8-5c3e-5554-9d68-e4257a22ef31'
    """
    return str(uuid.uuid5(uuid.UUID(show), f"episode:{slug}"))
