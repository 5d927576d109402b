"""One build: read and model everything, render in memory, then write."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from publisher.assets import AssetMap, collect_assets
from publisher.config import Config, load_config
from publisher.dates import localize_now
from publisher.episode_files import add_episode_files
from publisher.errors import ContentError, Problem, ProblemsFound
from publisher.feeds import articles_feed, podcast_feed
from publisher.ledger import read_ledger
from publisher.loaders import load_site
from publisher.markup import RenderedText, render_markdown
from publisher.model import Site
from publisher.output import OutputTree
from publisher.render import PageRenderer, make_environment, theme_dir
from publisher.search import search_index
from publisher.views import Link, build_site_view, make_link
from publisher.writer import Manifest, write_tree

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Project:
    """A loaded site directory and the warnings found while loading it."""

    config: Config
    site: Site
    warnings: list[Problem] = field(default_factory=list)


def load_project(root: Path) -> Project:
    """Read ``site.toml`` and all content; raise ``ProblemsFound`` listing every error."""
    config, config_warnings = load_config(root)
    try:
        ledger = read_ledger(root)
    except ContentError as err:
        raise ProblemsFound([err.problem]) from err
    site, content_problems = load_site(config, ledger)
    return Project(config, site, [*config_warnings, *content_problems])


def render_site(site: Site, now: dt.datetime, include_unreleased: bool = False) -> OutputTree:
    """Every output file of the site as listeners see it at ``now``, in memory."""
    config = site.config
    now = localize_now(now, config.site.tz)
    visible = site.visible(now, include_unreleased)
    tree = OutputTree()
    assets = collect_assets(theme_dir() / "static", config.root / "templates" / "static", tree)
    artwork = _add_artwork(config, tree)
    texts = _render_texts(visible)
    add_episode_files(visible, texts, tree)
    view = build_site_view(visible, texts, now, tree.size)
    renderer = PageRenderer(make_environment(config.root / "templates"), view, assets, artwork)
    for path, text in renderer.pages():
        tree.add(path, text)
    tree.add("feed.xml", podcast_feed(view, site.show_guid, artwork))
    tree.add("articles/feed.xml", articles_feed(view))
    tree.add("search/index.json", search_index(view))
    return tree


def build(root: Path, out: Path, now: dt.datetime, include_unreleased: bool = False) -> Manifest:
    """Load, render and write the site into ``out``; return the manifest of ``out``."""
    project = load_project(root)
    for warning in project.warnings:
        log.warning("%s", warning)
    tree = render_site(project.site, now, include_unreleased)
    return write_tree(tree, out, root)


def _render_texts(site: Site) -> dict[tuple[str, str], RenderedText]:
    texts = {("article", a.slug): render_markdown(a.body) for a in site.articles}
    texts.update({("episode", e.slug): render_markdown(e.body) for e in site.episodes})
    return texts


def _add_artwork(config: Config, tree: OutputTree) -> Link | None:
    artwork = config.podcast.artwork
    if artwork is None:
        return None
    name = "artwork" + artwork.suffix.lower()
    content = (config.root / artwork).read_bytes()
    return make_link(config, AssetMap().add(name, content, tree))
