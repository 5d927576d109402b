"""schema.org JSON-LD for pages: the show, each episode, each article."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from publisher.config.settings import Config
from publisher.dates import iso_duration
from publisher.render.entries import Entry, Link, make_link


def series(config: Config, artwork: Link | None) -> dict[str, Any]:
    """The show as a ``PodcastSeries``."""
    data: dict[str, Any] = {
        "@type": "PodcastSeries",
        "name": config.podcast.title,
        "description": config.podcast.description,
        "url": make_link(config, "").abs_url,
        "webFeed": config.feed_url,
        "inLanguage": config.site.language,
    }
    if config.podcast.author:
        data["author"] = {"@type": "Person", "name": config.podcast.author}
    if artwork is not None:
        data["image"] = artwork.abs_url
    return data


def website(config: Config) -> dict[str, Any]:
    """A site with no podcast (yet) as a ``WebSite``."""
    return {
        "@type": "WebSite",
        "name": config.site.title,
        "description": config.site.description,
        "url": make_link(config, "").abs_url,
        "inLanguage": config.site.language,
    }


def episode(config: Config, entry: Entry, artwork: Link | None) -> dict[str, Any]:
    """An episode as a ``PodcastEpisode`` with its audio."""
    audio = entry.audio
    assert audio is not None
    data: dict[str, Any] = {
        "@type": "PodcastEpisode",
        "name": entry.title,
        "url": entry.link.abs_url,
        "datePublished": entry.date.isoformat(),
        "description": entry.summary,
        "timeRequired": iso_duration(audio.seconds),
        "associatedMedia": {
            "@type": "MediaObject",
            "contentUrl": audio.link.abs_url,
            "encodingFormat": audio.mime_type,
            "duration": iso_duration(audio.seconds),
        },
        "partOfSeries": {"@type": "PodcastSeries", "name": config.podcast.title,
                         "url": make_link(config, "").abs_url},
    }  # fmt: skip
    if entry.number:
        data["episodeNumber"] = entry.number
    image = entry.extras.cover or artwork
    if image is not None:
        data["image"] = image.abs_url
    return data


def article(config: Config, entry: Entry, artwork: Link | None) -> dict[str, Any]:
    """An article as an ``Article``."""
    data: dict[str, Any] = {
        "@type": "Article",
        "headline": entry.title,
        "url": entry.link.abs_url,
        "mainEntityOfPage": entry.link.abs_url,
        "datePublished": entry.date.isoformat(),
        "dateModified": entry.last_modified.isoformat(),
        "description": entry.summary,
        "inLanguage": config.site.language,
        "author": {
            "@type": "Person",
            "name": entry.author or config.site.author or config.site.title,
        },
        "publisher": {"@type": "Organization", "name": config.site.title},
    }
    if artwork is not None:
        data["image"] = artwork.abs_url
    return data


def json_ld(data: dict[str, Any]) -> Markup:
    """A ``<script type="application/ld+json">`` block that no text can break out of.

    >>> block = str(json_ld({"name": "</script><b>"}))
    >>> block.count("<"), "\\u003c/script\\u003e" in block
    (2, True)
    """
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')
