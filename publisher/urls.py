"""Every output path of the site, in one place: pages, feeds, archives and episode files.

Paths are relative to the output folder and use ``/``; a folder path ends in ``/`` and its page
is ``index.html`` inside it. ``render.entries.make_link`` turns a path into its URLs.
"""

from __future__ import annotations

INDEX = "index.html"
HOME = ""
FEED = "feed.xml"
ARTICLES_FEED = "articles/feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
SEARCH = "search/"
SEARCH_INDEX = "search/index.json"
TAGS = "tags/"
ARTICLES = "articles/"
EPISODES = "episodes/"
ARTWORK_STEM = "artwork"
IMAGES = "static/images/"
"""Resized copies of the artwork and covers, and share images, named by content hash."""
FEEDS_LAST = (SITEMAP, ARTICLES_FEED, FEED)
"""Published last, in this order, so a feed never names what is not uploaded yet."""


def page(folder: str) -> str:
    """The page file of a folder path.

    >>> page(""), page("episodes/a/")
    ('index.html', 'episodes/a/index.html')
    """
    return folder + INDEX


def folder_of(page_path: str) -> str:
    """The folder a page file stands for (the inverse of ``page``).

    >>> folder_of("index.html"), folder_of("tags/x/index.html"), folder_of("404.html")
    ('', 'tags/x/', '404.html')
    """
    return page_path[: -len(INDEX)] if page_path.endswith(INDEX) else page_path


def article(slug: str) -> str:
    """The folder of an article's page."""
    return f"{ARTICLES}{slug}/"


def episode(slug: str) -> str:
    """The folder of an episode's page and of its published files."""
    return f"{EPISODES}{slug}/"


def item(kind: str, slug: str) -> str:
    """The folder of an ``"article"`` or ``"episode"``.

    >>> item("article", "a"), item("episode", "b")
    ('articles/a/', 'episodes/b/')
    """
    return article(slug) if kind == "article" else episode(slug)


def episode_file(slug: str, name: str) -> str:
    """A file published beside an episode's page: its audio, transcript, chapters, cover."""
    return episode(slug) + name


def image(stem: str, content_hash: str, extension: str) -> str:
    """A made image (a resized copy or a share image), named by its content hash.

    >>> image("artwork-320", "0a1b2c3d4e", "webp")
    'static/images/artwork-320.0a1b2c3d4e.webp'
    """
    return f"{IMAGES}{stem}.{content_hash}.{extension}"


def tag(slug: str) -> str:
    return f"{TAGS}{slug}/"


def archive_page(folder: str, number: int) -> str:
    """Output folder of page ``number`` of the archive in ``folder``.

    Page 0 is the archive's first page, with the newest entries; numbered pages count from the
    oldest, so a page keeps its path and its entries when newer ones are added.

    >>> archive_page("articles/", 0), archive_page("articles/", 1)
    ('articles/', 'articles/page/1/')
    """
    return folder if number == 0 else f"{folder}page/{number}/"


def slug_of_episode_file(path: str) -> str:
    """The episode folder name in a path under ``episodes/``, or ``""``.

    >>> slug_of_episode_file("episodes/a/a.mp3"), slug_of_episode_file("feed.xml")
    ('a', '')
    """
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] + "/" == EPISODES else ""
