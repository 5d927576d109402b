"""The podcast feed (RSS 2.0 + itunes + podcast) and the article feed (Atom).

Every date comes from the items; nothing reads the clock, so rebuilds are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import re

from feedgen.feed import FeedGenerator

from publisher.config import Config
from publisher.markup import absolutize_links
from publisher.podcast_ns import PodcastIndexEntryExtension, PodcastIndexExtension
from publisher.views import Entry, Link, SiteView, make_link

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
GENERATOR = "publisher"
# Feed readers only need recent articles; the podcast feed keeps every episode.
ARTICLE_FEED_LIMIT = 20
# Characters XML 1.0 forbids; the loaders refuse them, this is a last line of defence.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _cdata_html(html: str) -> str:
    return _xml_text(html).replace("]]>", "]]&gt;")


def podcast_feed(view: SiteView, show_guid: str, artwork: Link | None) -> bytes:
    """Render ``feed.xml`` for the released episodes, newest first."""
    config = view.config
    fg = _podcast_channel(config, show_guid, artwork)
    newest = view.episodes[0].date if view.episodes else EPOCH
    fg.lastBuildDate(newest)
    for entry in view.episodes:
        _podcast_item(fg, entry)
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
    fg.description(_xml_text(podcast.description or podcast.title))
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
    ours = fg.podcastindex
    ours.explicit = podcast.explicit
    ours.locked = podcast.locked
    ours.locked_owner = podcast.owner_email
    ours.guid = show_guid
    ours.medium = "podcast"
    return fg


def _podcast_item(fg: FeedGenerator, entry: Entry) -> None:
    audio = entry.audio
    assert audio is not None
    fe = fg.add_entry(order="append")
    fe.title(_xml_text(entry.title))
    fe.link(href=entry.link.abs_url)
    fe.guid(entry.guid, permalink=False)
    fe.pubDate(entry.date)
    fe.enclosure(audio.link.abs_url, str(audio.size), audio.mime_type)
    fe.description(_xml_text(entry.summary or entry.title))
    fe.content(_cdata_html(absolutize_links(entry.html, entry.link.abs_url)), type="CDATA")
    itunes = fe.podcast
    itunes.itunes_title(_xml_text(entry.title))
    itunes.itunes_duration(str(audio.seconds))
    itunes.itunes_episode_type(entry.episode_type)
    if entry.summary:
        itunes.itunes_summary(_xml_text(entry.summary))
    if entry.number:
        itunes.itunes_episode(entry.number)
    if entry.season:
        itunes.itunes_season(entry.season)
    ours = fe.podcastindex
    ours.explicit = entry.explicit
    ours.season = entry.season
    ours.episode = entry.number


def articles_feed(view: SiteView) -> bytes:
    """Render ``articles/feed.xml`` (Atom) for the released articles, newest first."""
    config = view.config
    site = config.site
    fg = FeedGenerator()
    home = make_link(config, "articles/")
    fg.id(home.abs_url)
    fg.title(_xml_text(f"{site.title}: articles"))
    fg.subtitle(_xml_text(site.description or site.title))
    fg.link(href=home.abs_url, rel="alternate", type="text/html")
    fg.link(href=make_link(config, "articles/feed.xml").abs_url, rel="self")
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
