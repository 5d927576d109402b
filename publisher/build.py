"""One build: load the site, render it in memory, then write only what changed.

The build stops early when the key of its whole output (sources, templates, what is visible,
the folder) matches the last build's and the folder is intact.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from publisher.cache import BuildCache
from publisher.content.loaders import load_project
from publisher.output.writer import BuiltFiles, FileInfo, output_intact, write_tree
from publisher.progress import Progress, no_progress
from publisher.render.moment import output_key, site_at

log = logging.getLogger(__name__)


def build(
    root: Path,
    out: Path,
    now: dt.datetime,
    include_unreleased: bool = False,
    progress: Progress = no_progress,
    workers: int | None = None,
) -> BuiltFiles:
    """Load, render and write the site into ``out``; return the manifest of ``out``.

    Work from earlier builds is reused through ``.publisher-cache/`` in the site. ``workers``
    caps the processes rendering (``None``: one per core; 1: this process alone).
    """
    cache = BuildCache.open(root)
    project = load_project(root, cache)
    for warning in project.warnings:
        log.warning("%s", warning)
    moment = site_at(project.site, now, include_unreleased)
    key = output_key(moment, project.site.content_key, out)
    if key == cache.last_key and output_intact(out, cache):
        log.info("nothing changed since the last build")
        return {path: FileInfo(*info) for path, info in cache.last_built.items()}
    # Only a build with something to render loads the renderers (Jinja, Markdown, Pillow...).
    from publisher.render.released import provisional_warnings
    from publisher.render.site import render_moment

    tree = render_moment(moment, cache, out, progress, workers)
    for warning in provisional_warnings(tree):
        log.warning("%s", warning)
    built = write_tree(tree, out, root, cache)
    cache.last_key = key
    cache.last_built = {path: (info.size, info.sha256) for path, info in built.items()}
    cache.save()
    return built
