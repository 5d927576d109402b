"""The podcast feed (RSS 2.0 + itunes + podcast + psc) and the article feed (Atom).

Every date comes from the items; nothing reads the clock, so rebuilds are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from publisher import urls
from publisher.config.person import Person
from publisher.config.settings import Config
from publisher.dates import rfc2822
from publisher.render.analytics import prefixed
from publisher.render.entries import Entry, Link, SiteView, make_link
from publisher.render.markup import absolutize_links
from publisher.render.podcast_ns import (
    AlternateEnclosure,
    Chapters,
    PodcastIndexEntryExtension,
    PodcastIndexExtension,
    Trailer,
)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
GENERATOR = "publisher"
# Feed readers only need recent articles; the podcast feed keeps every episode.
ARTICLE_FEED_LIMIT = 20
DESCRIPTION_LIMIT = 4000  # bytes, Apple and Spotify
# Characters XML 1.0 forbids; the loaders refuse them, this is a last line of defence.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RRULE_DAYS = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
              "friday": "FR", "saturday": "SA", "sunday": "SU"}  # fmt: skip
AUDIO_TITLES = {"audio/mpeg": "MP3", "audio/x-m4a": "AAC"}


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _cdata_html(html: str) -> str:
    return _xml_text(html).replace("]]>", "]]&gt;")


def limit_bytes(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes at a word boundary.

    >>> limit_bytes("één twee drie", 10)
    'één…'
    """
    if len(text.encode()) <= limit:
        return text
    cut = text.encode()[: limit - 3].decode(errors="ignore")
    return cut.rsplit(" ", 1)[0] + "…"


def podcast_feed(view: SiteView, show_guid: str, artwork: Link | None) -> bytes:
    """Render ``feed.xml`` for the released episodes, newest first (oldest first if serial)."""
    config = view.config
    fg = _podcast_channel(config, show_guid, artwork)
    newest = view.episodes[0].date if view.episodes else EPOCH
    fg.lastBuildDate(newest)
    fg.podcastindex.trailers = [
        _trailer(config, e) for e in view.episodes if e.episode_type == "trailer"
    ]
    episodes = (
        view.episodes if config.podcast.type == "episodic" else tuple(reversed(view.episodes))
    )
    for entry in episodes:
        _podcast_item(fg, config, entry)
    return bytes(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def _podcast_channel(config: Config, show_guid: str, artwork: Link | None) -> FeedGenerator:
    site, podcast = config.site, config.podcast
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension(
        "podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension, atom=False, rss=True
    )
    fg.title(_xml_text(podcast.title))
    # feedgen's RSS <link> is the last link given, so the page link comes after the self link.
    fg.link(href=config.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=site.base_url + "/", rel="alternate")
    fg.description(limit_bytes(_xml_text(podcast.description or podcast.title)))
    fg.language(site.language)
    fg.generator(GENERATOR)
    if podcast.copyright:
        fg.copyright(_xml_text(podcast.copyright))
    itunes = fg.podcast
    if podcast.author:
        itunes.itunes_author(_xml_text(podcast.author))
    if artwork is not None:
        itunes.itunes_image(artwork.abs_url)
        fg.image(url=artwork.abs_url, title=podcast.title, link=site.base_url + "/")
    if podcast.category:
        itunes.itunes_category(podcast.category, podcast.subcategory or None)
    if podcast.owner_name and podcast.owner_email:
        itunes.itunes_owner(name=_xml_text(podcast.owner_name), email=podcast.owner_email)
    itunes.itunes_type(podcast.type)
    if podcast.new_feed_url:
        itunes.itunes_new_feed_url(podcast.new_feed_url)
    ours = fg.podcastindex
    ours.explicit = podcast.explicit
    ours.block = podcast.block
    ours.complete = podcast.complete
    ours.locked = podcast.locked
    ours.locked_owner = podcast.owner_email
    ours.funding = [(f["url"], _xml_text(f["text"])) for f in podcast.funding]
    ours.persons = list(podcast.persons)
    ours.license, ours.license_url = podcast.license, podcast.license_url
    ours.guid = show_guid
    ours.hubs = list(config.notify.websub)
    ours.medium = "podcast"
    if not podcast.complete:
        day = podcast.release_weekday
        ours.update_rrule = f"FREQ=WEEKLY;BYDAY={RRULE_DAYS[day]}"
        ours.update_label = f"Weekly on {day.capitalize()}"
    return fg


def _trailer(config: Config, entry: Entry) -> Trailer:
    audio = entry.audio
    assert audio is not None
    url = prefixed(audio.link.abs_url, config.podcast.analytics_prefixes)
    return Trailer(entry.title, url, rfc2822(entry.date), audio.size, audio.mime_type, entry.season)


def _podcast_item(fg: FeedGenerator, config: Config, entry: Entry) -> None:
    audio = entry.audio
    assert audio is not None
    prefixes = config.podcast.analytics_prefixes
    fe = fg.add_entry(order="append")
    fe.title(_xml_text(entry.title))
    fe.link(href=entry.link.abs_url)
    fe.guid(entry.guid, permalink=False)
    fe.pubDate(entry.date)
    fe.enclosure(prefixed(audio.link.abs_url, prefixes), str(audio.size), audio.mime_type)
    fe.description(limit_bytes(_xml_text(entry.summary or entry.title)))
    fe.content(_cdata_html(absolutize_links(entry.html, entry.link.abs_url)), type="CDATA")
    itunes = fe.podcast
    itunes.itunes_title(_xml_text(entry.title))
    itunes.itunes_duration(str(audio.seconds))
    itunes.itunes_episode_type(entry.episode_type)
    if entry.summary:
        itunes.itunes_summary(limit_bytes(_xml_text(entry.summary)))
    if entry.number:
        itunes.itunes_episode(entry.number)
    if entry.season:
        itunes.itunes_season(entry.season)
    _podcast_item_extras(fe.podcastindex, config, entry)


def _podcast_item_extras(ours: PodcastIndexEntryExtension, config: Config, entry: Entry) -> None:
    extras = entry.extras
    ours.explicit = entry.explicit
    ours.block = extras.block
    ours.image = extras.cover.abs_url if extras.cover else ""
    if extras.transcript:
        ours.transcript = (extras.transcript.abs_url, extras.transcript_type, config.site.language)
    if extras.chapters_link:
        starts = [(_psc_time(c.start), _xml_text(c.title)) for c in extras.chapters if c.toc]
        ours.chapters = Chapters(extras.chapters_link.abs_url, starts)
    ours.soundbites = [(s.start, s.duration, _xml_text(s.title)) for s in extras.soundbites]
    ours.persons = item_persons(config.podcast.persons, extras.persons)
    ours.season, ours.season_name = entry.season, extras.season_name
    ours.episode, ours.episode_label = entry.number, extras.number_label
    ours.alternates = [
        AlternateEnclosure(
            prefixed(alt.link.abs_url, config.podcast.analytics_prefixes),
            alt.mime_type,
            alt.size,
            alt.bitrate,
            AUDIO_TITLES.get(alt.mime_type, ""),
        )
        for alt in extras.alternates
    ]


def item_persons(show: Sequence[Person], episode: Sequence[Person]) -> list[Person]:
    """The persons of an item: the show's too when it has its own, since apps let an item's
    ``podcast:person`` list replace the channel's (the host would vanish beside a guest).

    >>> host, guest = Person("Ann", "host"), Person("Bo", "guest")
    >>> [p.name for p in item_persons([host], [guest, Person("ann", "Host")])]
    ['Bo', 'ann']
    >>> item_persons([host], [])
    []
    """
    if not episode:
        return []
    own = {_person_key(p) for p in episode}
    return [p for p in show if _person_key(p) not in own] + list(episode)


def _person_key(person: Person) -> tuple[str, str]:
    return person.name.casefold(), (person.role or "host").casefold()


def _psc_time(seconds: float) -> str:
    """Podlove normal play time, ``hh:mm:ss.mmm``.

    >>> _psc_time(3723.5)
    '01:02:03.500'
    """
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def articles_feed(view: SiteView) -> bytes:
    """Render ``articles/feed.xml`` (Atom) for the latest released articles, newest first."""
    config = view.config
    site = config.site
    fg = FeedGenerator()
    home = make_link(config, "articles/")
    fg.id(home.abs_url)
    fg.title(_xml_text(f"{site.title}: articles"))
    fg.subtitle(_xml_text(site.description or site.title))
    fg.link(href=home.abs_url, rel="alternate", type="text/html")
    fg.link(href=make_link(config, urls.ARTICLES_FEED).abs_url, rel="self")
    fg.language(site.language)
    fg.generator(GENERATOR)
    if site.author:
        fg.author(name=_xml_text(site.author))
    recent = view.articles[:ARTICLE_FEED_LIMIT]
    fg.updated(max((e.last_modified for e in recent), default=EPOCH))
    for entry in recent:
        fe = fg.add_entry(order="append")
        fe.id(entry.link.abs_url)
        fe.title(_xml_text(entry.title))
        fe.link(href=entry.link.abs_url, rel="alternate", type="text/html")
        fe.published(entry.date)
        fe.updated(entry.last_modified)
        fe.summary(_xml_text(entry.summary or entry.title))
        fe.content(_xml_text(absolutize_links(entry.html, entry.link.abs_url)), type="html")
        for name, _ in entry.tags:
            fe.category(term=_xml_text(name))
    return bytes(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True))
