"""Links and images on every page must point at files the site publishes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import lxml.html

from publisher import urls
from publisher.cache import BuildCache, digest
from publisher.config.settings import Config
from publisher.content.model import Item, Site
from publisher.errors import Problem
from publisher.output.tree import Deferred, OutputTree

LINK_ATTRIBUTES = {"a": "href", "img": "src", "audio": "src", "link": "href", "script": "src"}
"""The elements whose attribute must lead somewhere the site publishes."""


def check_links(site: Site, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """Links and images on every page must point at files the site publishes.

    A link written in an article or show notes is reported at its Markdown line; one that
    comes from a template, at the page and line of the built HTML.
    """
    config = site.config
    sources = _page_sources(site)
    problems = []
    for page in tree:
        if not page.endswith(".html"):
            continue
        for tag, target, line, path in _resolved_links(tree, page, config, cache):
            if path is None or _exists(tree, path):
                continue
            what = "image" if tag == "img" else "link"
            message = f"{what} to {target} points at nothing the site publishes"
            item = sources.get(page)
            source_line = _markdown_line(item, target) if item else None
            if item is not None and source_line is not None:
                problems.append(Problem(message, item.source, source_line))
            else:
                where = item.source if item else page
                problems.append(Problem(f"{message} ({page}, line {line})", where))
    return problems


def _markdown_line(item: Item, target: str) -> int | None:
    """The line of ``item``'s source file that writes the link ``target``."""
    for offset, text in enumerate(item.body.split("\n")):
        if target in text:
            return item.body_line + offset
    return None


def _resolved_links(
    tree: OutputTree, page: str, config: Config, cache: BuildCache
) -> list[tuple[str, str, int, str | None]]:
    """The page's links with the output paths they point at, parsed once per page version."""
    content = tree.files[page]
    sha = content.known[1] if isinstance(content, Deferred) and content.known else None
    sha = sha or hashlib.sha256(tree.read(page)).hexdigest()
    key = digest(sha, page, config.site.base_url)
    known = cache.links.get(page)
    if known is not None and known[0] == key:
        return list(known[1])
    found: list[tuple[str, str, int, str | None]] = [
        (tag, target, line, _output_path(target, page, config))
        for tag, target, line in _page_links(tree.read(page))
    ]
    cache.links[page] = (key, found)
    return found


def _page_links(html: bytes) -> Iterator[tuple[str, str, int]]:
    """(element, target, line) of every link and embedded file of a page."""
    document = lxml.html.document_fromstring(html)
    for element in document.iter(*LINK_ATTRIBUTES):
        target = element.get(LINK_ATTRIBUTES[str(element.tag)])
        if target:
            yield str(element.tag), target, element.sourceline or 1


def _page_sources(site: Site) -> dict[str, Item]:
    pages: dict[str, Item] = {urls.page(urls.article(a.slug)): a for a in site.articles}
    pages.update({urls.page(urls.episode(e.slug)): e for e in site.episodes})
    return pages


def _output_path(target: str, page: str, config: Config) -> str | None:
    """The output path a link on ``page`` points at, or ``None`` for links off the site."""
    parts = urlsplit(target)
    if parts.scheme in ("mailto", "tel", "data", "javascript"):
        return None
    base = urlsplit(config.site.base_url)
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
    if not parts.path:
        return None
    if parts.path.startswith("/"):
        if not parts.path.startswith(config.site.base_path):
            return None
        relative = parts.path[len(config.site.base_path) :]
    else:
        relative = str(PurePosixPath(page).parent / parts.path)
    resolved = PurePosixPath("/" + unquote(relative))
    return str(PurePosixPath(*[p for p in _normalize(resolved.parts)]))


def _normalize(parts: tuple[str, ...]) -> list[str]:
    stack: list[str] = []
    for part in parts[1:]:
        if part == "..":
            if stack:
                stack.pop()
        elif part not in (".", ""):
            stack.append(part)
    return stack


def _exists(tree: OutputTree, path: str) -> bool:
    if path in ("", "."):
        return urls.page(urls.HOME) in tree
    return path in tree or urls.page(path.rstrip("/") + "/") in tree
