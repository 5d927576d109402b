"""Every rule ``check`` and ``publish`` run over a site and its rendered tree, in one table.

A rule takes the loaded site (every item, released or not), the tree the site renders to at one
moment and the build cache, and returns problems; it never raises. A new rule is one function
in the module of its subject and one row in ``RULES``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from publisher.cache import BuildCache
from publisher.checks.feed import check_feed
from publisher.checks.identity import check_identity, check_released_audio
from publisher.checks.links import check_links
from publisher.checks.placeholders import check_placeholders
from publisher.checks.podcast import check_audio, check_episodes, check_show
from publisher.content.model import Site
from publisher.errors import Problem
from publisher.output.tree import OutputTree

Rule = Callable[[Site, OutputTree, BuildCache], list[Problem]]

RULES: tuple[Rule, ...] = (
    check_show,  # what directories require of the show: artwork, category, owner
    check_episodes,  # numbers, titles, release weekday, covers
    check_audio,  # sample rate, bitrate, VBR header, channels
    check_links,  # every link and image points at something the site publishes
    check_feed,  # the podcast feed: well formed, every enclosure present at its length
    check_identity,  # what apps have seen stays: GUIDs, released audio, live episodes
    check_released_audio,  # released files this build could not keep byte for byte
    check_placeholders,  # the text `publisher new` wrote, in an item being released
)
AT_RELEASE: tuple[Rule, ...] = (check_placeholders,)
"""Rules about an item being released: until its moment, the rehearsal says the same as a
warning of what is not ready yet, not as an error."""


def run_rules(
    site: Site, tree: OutputTree, cache: BuildCache | None = None, rules: Sequence[Rule] = RULES
) -> list[Problem]:
    """The problems ``rules`` find in ``site`` and the ``tree`` it rendered to."""
    cache = cache or BuildCache()
    problems: list[Problem] = []
    for rule in rules:
        problems += rule(site, tree, cache)
    return problems
