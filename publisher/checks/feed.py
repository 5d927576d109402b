"""Feed rules every published tree must meet, over files in memory or on disk."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from lxml import etree

from publisher import urls
from publisher.cache import BuildCache
from publisher.config.settings import Config
from publisher.content.mediatypes import AUDIO_TYPES
from publisher.content.model import Site
from publisher.errors import Problem
from publisher.output.tree import OutputTree
from publisher.render.analytics import unprefixed
from publisher.render.podcast_ns import ITUNES_NS


class FileSource(Protocol):
    """Read access to a set of output files, in memory or on disk."""

    def has(self, path: str) -> bool: ...
    def size(self, path: str) -> int: ...
    def read(self, path: str) -> bytes: ...


class TreeSource:
    def __init__(self, tree: OutputTree) -> None:
        self.tree = tree

    def has(self, path: str) -> bool:
        return path in self.tree

    def size(self, path: str) -> int:
        return self.tree.size(path)

    def read(self, path: str) -> bytes:
        return self.tree.read(path)


class DirSource:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, path: str) -> Path:
        return self.root / path

    def has(self, path: str) -> bool:
        return ".." not in path.split("/") and self._path(path).is_file()

    def size(self, path: str) -> int:
        return self._path(path).stat().st_size

    def read(self, path: str) -> bytes:
        return self._path(path).read_bytes()


def check_output(
    files: FileSource, config: Config, label: str, expect_feed: bool = True
) -> list[Problem]:
    """Feed rules every published tree must meet; ``expect_feed``: the site has a podcast feed
    (a site with no released episode has none)."""
    feed_path = f"{label}/feed.xml"
    if not files.has(urls.FEED):
        if not expect_feed:
            return []
        return [Problem("feed.xml is missing; run publisher build", feed_path)]
    try:
        root = etree.fromstring(files.read(urls.FEED))
    except etree.XMLSyntaxError as err:
        return [Problem(f"feed is not well-formed XML: {err.msg}", feed_path, err.lineno)]
    if root.tag != "rss" or root.get("version") != "2.0":
        return [Problem("feed is not RSS 2.0", feed_path)]
    problems: list[Problem] = []
    items = root.findall("./channel/item")
    for item in items:
        problems += _check_item(item, files, config, feed_path)
    guids = Counter(item.findtext("guid") for item in items)
    for guid, count in sorted(guids.items(), key=lambda pair: str(pair[0])):
        if count > 1:
            problems.append(Problem(f"GUID {guid} is used by {count} episodes", feed_path))
    return problems


def _check_item(
    item: etree._Element, files: FileSource, config: Config, feed: str
) -> list[Problem]:
    title = item.findtext("title") or "(untitled)"
    line = item.sourceline
    where = f"episode {title!r}"
    if not item.findtext("guid"):
        return [Problem(f"{where} has no guid", feed, line)]
    enclosure = item.find("enclosure")
    if enclosure is None:
        return [Problem(f"{where} has no enclosure", feed, line)]
    url = enclosure.get("url", "")
    relative = unprefixed(url, config.site.base_url, config.podcast.analytics_prefixes)
    if relative is None:
        base = config.site.base_url + "/"
        return [Problem(f"{where}: enclosure URL {url} is not under {base}", feed, line)]
    path = unquote(relative)
    suffix = Path(path).suffix.lower()
    problems = []
    if enclosure.get("type") != AUDIO_TYPES.get(suffix):
        problems.append(Problem(f"{where}: enclosure type does not match {suffix}", feed, line))
    if not files.has(path):
        problems.append(Problem(f"{where}: enclosure {path} is not in the output", feed, line))
    elif str(files.size(path)) != enclosure.get("length"):
        problems.append(
            Problem(
                f"{where}: enclosure length {enclosure.get('length')} but {path} has "
                f"{files.size(path)} bytes; rebuild the site",
                feed,
                line,
            )
        )
    duration = item.findtext(f"{{{ITUNES_NS}}}duration") or ""
    if not duration.isdigit() or int(duration) < 1:
        problems.append(
            Problem(f"{where}: itunes:duration {duration!r} is not whole seconds", feed, line)
        )
    return problems


def check_feed(site: Site, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """The rendered podcast feed meets the feed rules (when there is one)."""
    return check_output(TreeSource(tree), site.config, "(build)", urls.FEED in tree)
