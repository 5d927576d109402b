"""The text ``publisher new`` writes must not reach a release."""

from __future__ import annotations

from collections.abc import Iterable

from publisher import urls
from publisher.cache import BuildCache
from publisher.content.ledger import Ledger
from publisher.content.model import Episode, Item, Site
from publisher.content.scaffold import ARTICLE_PLACEHOLDER, SHOW_NOTES_PLACEHOLDER
from publisher.errors import Problem
from publisher.output.tree import OutputTree


def placeholder_problems(
    items: Iterable[Item], ledger: Ledger, severity: str = "error"
) -> list[Problem]:
    """The text ``publisher new`` writes, still there: a release must not show it.

    The empty ``summary: ""`` counts only for episodes not yet published, so shows that went
    live with one are not stopped.
    """
    problems = []
    for item in items:
        if item.body.strip() in (SHOW_NOTES_PLACEHOLDER, ARTICLE_PLACEHOLDER):
            problems.append(
                Problem(
                    f"still says {item.body.strip()!r}, the text 'publisher new' put there; "
                    "write it before the release",
                    item.source,
                    item.body_line,
                    severity=severity,
                )
            )
        summary_line = item.line_of("summary")
        if (
            isinstance(item, Episode)
            and not item.summary
            and summary_line is not None
            and item.slug not in ledger.episodes
        ):
            problems.append(
                Problem(
                    "summary is empty; write one or two sentences for podcast apps",
                    item.source,
                    summary_line,
                    severity=severity,
                )
            )
    return problems


def released_items(site: Site, tree: OutputTree) -> list[Item]:
    """The articles and episodes that have a page in ``tree``."""
    return [
        item
        for kind, items in (("article", site.articles), ("episode", site.episodes))
        for item in items
        if urls.page(urls.item(kind, item.slug)) in tree
    ]


def check_placeholders(site: Site, tree: OutputTree, cache: BuildCache) -> list[Problem]:
    """No item released in ``tree`` still shows what ``publisher new`` wrote."""
    return placeholder_problems(released_items(site, tree), site.ledger)
