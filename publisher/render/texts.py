"""Markdown for every item, from the cache when the text is unchanged, on every core otherwise."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from publisher.cache import BuildCache
from publisher.content.model import Item, Site
from publisher.errors import Problem, ProblemsFound
from publisher.progress import Progress, no_progress
from publisher.render.markup import TOO_DEEP, RenderedText, render_documents
from publisher.render.workers import share_work

# Below this many documents, starting a helper process costs more than it saves.
PARALLEL_THRESHOLD = 64
# Documents per task: small enough that the last task does not keep one core waiting.
CHUNK_SIZE = 16


def render_texts(
    site: Site, cache: BuildCache, progress: Progress = no_progress, workers: int | None = None
) -> dict[tuple[str, str], RenderedText]:
    """Rendered Markdown of every article and episode of ``site``, by (kind, slug).

    ``progress`` hears how many of the texts not in the cache are converted so far;
    ``workers`` caps the processes converting them (``None``: one per core).
    """
    sources: dict[tuple[str, str], Item] = {("article", a.slug): a for a in site.articles}
    sources.update({("episode", e.slug): e for e in site.episodes})
    bodies = {item: source.body for item, source in sources.items()}
    keys = {item: hashlib.sha256(body.encode()).hexdigest() for item, body in bodies.items()}
    texts: dict[tuple[str, str], RenderedText] = {}
    missing: dict[str, str] = {}
    for item, key in keys.items():
        known = cache.text(key)
        if known is not None:
            texts[item] = known
        else:
            missing[key] = bodies[item]
    failed = set()
    for key, rendered in zip(
        missing, _render_all(list(missing.values()), progress, workers), strict=True
    ):
        if rendered is None:
            failed.add(key)
        else:
            cache.store_text(key, replace(rendered, source_sha=key))
    if failed:
        raise ProblemsFound(
            [Problem(TOO_DEEP, sources[item].source) for item, key in keys.items() if key in failed]
        )
    for item, key in keys.items():
        texts.setdefault(item, cache.texts[key])
    return texts


def _render_all(
    bodies: list[str], progress: Progress = no_progress, workers: int | None = None
) -> list[RenderedText | None]:
    """Render ``bodies`` in order, on every core (see ``workers.py``)."""
    return share_work(render_documents, bodies, CHUNK_SIZE, PARALLEL_THRESHOLD, workers, progress)
