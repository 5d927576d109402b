"""Our feedgen extension: the Podcasting 2.0 namespace, Podlove chapters and Apple's own values.

feedgen's podcast extension writes ``itunes:explicit`` only as ``yes``/``no`` and knows no
``podcast:`` tags, so those are written here, in the order of the namespace documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from publisher.config.person import Person

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PSC_NS = "http://podlove.org/simple-chapters"
ATOM_NS = "http://www.w3.org/2005/Atom"


def _add(parent: Any, namespace: str, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(
        parent, f"{{{namespace}}}{tag}", {k: v for k, v in attrs.items() if v}
    )
    if text is not None:
        element.text = text
    return element


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def _person(parent: Any, person: Person) -> None:
    _add(parent, PODCAST_NS, "person", person.name, role=person.role.lower(),
         group=person.group.lower(), href=person.href, img=person.img)  # fmt: skip


@dataclass
class Trailer:
    title: str
    url: str
    pubdate: str
    length: int
    mime_type: str
    season: int | None = None


@dataclass
class AlternateEnclosure:
    url: str
    mime_type: str
    length: int
    bitrate: int
    title: str


class PodcastIndexExtension(BaseExtension):  # type: ignore[misc]
    """Channel-level tags: ``itunes:explicit``/``block``/``complete`` and ``podcast:*``."""

    def __init__(self) -> None:
        self.explicit: bool | None = None
        self.block = False
        self.complete = False
        self.locked: bool | None = None
        self.locked_owner = ""
        self.funding: list[tuple[str, str]] = []
        self.persons: list[Person] = []
        self.trailers: list[Trailer] = []
        self.license = ""
        self.license_url = ""
        self.guid = ""
        self.medium = ""
        self.update_rrule = ""
        self.update_label = ""
        self.hubs: list[str] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "psc": PSC_NS}

    def extend_rss(self, rss_feed: Any) -> Any:
        channel = rss_feed[0]
        for hub in self.hubs:  # WebSub: where subscribers learn of new episodes at once
            _add(channel, ATOM_NS, "link", rel="hub", href=hub)
        if self.explicit is not None:
            _add(channel, ITUNES_NS, "explicit", _bool_text(self.explicit))
        if self.block:
            _add(channel, ITUNES_NS, "block", "Yes")
        if self.complete:
            _add(channel, ITUNES_NS, "complete", "Yes")
        if self.locked is not None:
            _add(
                channel,
                PODCAST_NS,
                "locked",
                "yes" if self.locked else "no",
                owner=self.locked_owner,
            )
        for url, text in self.funding:
            _add(channel, PODCAST_NS, "funding", text, url=url)
        for person in self.persons:
            _person(channel, person)
        for trailer in self.trailers:
            _add(channel, PODCAST_NS, "trailer", trailer.title, pubdate=trailer.pubdate,
                 url=trailer.url, length=str(trailer.length), type=trailer.mime_type,
                 season=str(trailer.season or ""))  # fmt: skip
        if self.license:
            _add(channel, PODCAST_NS, "license", self.license, url=self.license_url)
        if self.guid:
            _add(channel, PODCAST_NS, "guid", self.guid)
        if self.medium:
            _add(channel, PODCAST_NS, "medium", self.medium)
        if self.update_rrule:
            _add(channel, PODCAST_NS, "updateFrequency", self.update_label, rrule=self.update_rrule,
                 complete="true" if self.complete else "")  # fmt: skip
        return rss_feed

    def extend_atom(self, atom_feed: Any) -> Any:
        return atom_feed


@dataclass
class Chapters:
    url: str
    starts: list[tuple[str, str]] = field(default_factory=list)  # (hh:mm:ss.mmm, title)


class PodcastIndexEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item-level tags: explicit, block, image, transcript, chapters, people, seasons and more."""

    def __init__(self) -> None:
        self.explicit: bool | None = None
        self.block = False
        self.image = ""
        self.transcript: tuple[str, str, str] | None = None  # url, type, language
        self.chapters: Chapters | None = None
        self.soundbites: list[tuple[float, float, str]] = []
        self.persons: list[Person] = []
        self.season: int | None = None
        self.season_name = ""
        self.episode: int | None = None
        self.episode_label = ""
        self.alternates: list[AlternateEnclosure] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "psc": PSC_NS}

    def extend_rss(self, item: Any) -> Any:
        if self.explicit is not None:
            _add(item, ITUNES_NS, "explicit", _bool_text(self.explicit))
        if self.block:
            _add(item, ITUNES_NS, "block", "Yes")
        if self.image:
            _add(item, ITUNES_NS, "image", href=self.image)
        if self.transcript:
            url, mime, language = self.transcript
            _add(item, PODCAST_NS, "transcript", url=url, type=mime, language=language,
                 rel="captions")  # fmt: skip
        if self.chapters:
            _add(item, PODCAST_NS, "chapters", url=self.chapters.url,
                 type="application/json+chapters")  # fmt: skip
        for start, duration, title in self.soundbites:
            _add(
                item,
                PODCAST_NS,
                "soundbite",
                title,
                startTime=f"{start:g}",
                duration=f"{duration:g}",
            )
        for person in self.persons:
            _person(item, person)
        if self.season is not None:
            _add(item, PODCAST_NS, "season", str(self.season), name=self.season_name)
        if self.episode is not None:
            _add(item, PODCAST_NS, "episode", str(self.episode), display=self.episode_label)
        for alternate in self.alternates:
            self._alternate(item, alternate)
        if self.image:
            _add(item, PODCAST_NS, "image", href=self.image, purpose="artwork")
        if self.chapters and self.chapters.starts:
            psc = _add(item, PSC_NS, "chapters", version="1.2")
            for stamp, heading in self.chapters.starts:
                _add(psc, PSC_NS, "chapter", start=stamp, title=heading)
        return item

    def _alternate(self, item: Any, alternate: AlternateEnclosure) -> None:
        element = _add(item, PODCAST_NS, "alternateEnclosure", type=alternate.mime_type,
                       length=str(alternate.length), bitrate=str(alternate.bitrate or ""),
                       title=alternate.title)  # fmt: skip
        _add(element, PODCAST_NS, "source", uri=alternate.url)

    def extend_atom(self, entry: Any) -> Any:
        return entry
