"""Markdown for every item, from the cache when the text is unchanged, on both cores otherwise."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from publisher.cache import BuildCache
from publisher.markup import RenderedText, render_markdown
from publisher.model import Site

# Below this many documents, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64
CHUNK_SIZE = 32


def render_texts(site: Site, cache: BuildCache) -> dict[tuple[str, str], RenderedText]:
    """Rendered Markdown of every article and episode of ``site``, by (kind, slug)."""
    bodies = {("article", a.slug): a.body for a in site.articles}
    bodies.update({("episode", e.slug): e.body for e in site.episodes})
    keys = {item: hashlib.sha256(body.encode()).hexdigest() for item, body in bodies.items()}
    texts: dict[tuple[str, str], RenderedText] = {}
    missing: dict[str, str] = {}
    for item, key in keys.items():
        known = cache.text(key)
        if known is not None:
            texts[item] = known
        else:
            missing[key] = bodies[item]
    for key, rendered in zip(missing, _render_all(list(missing.values())), strict=True):
        cache.store_text(key, replace(rendered, source_sha=key))
    for item, key in keys.items():
        texts.setdefault(item, cache.texts[key])
    return texts


def _render_all(bodies: list[str]) -> list[RenderedText]:
    workers = min(2, os.cpu_count() or 1)
    if len(bodies) < PARALLEL_THRESHOLD or workers < 2:
        return [render_markdown(body) for body in bodies]
    # "spawn" is safe in the threaded preview server, where forking could deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(render_markdown, bodies, chunksize=CHUNK_SIZE))
