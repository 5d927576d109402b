"""Markdown for every item, from the cache when the text is unchanged, on every core otherwise."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace

from publisher.cache import BuildCache
from publisher.content.model import Item, Site
from publisher.errors import Problem, ProblemsFound
from publisher.progress import Progress, no_progress
from publisher.render.markup import TOO_DEEP, RenderedText, render_documents

# Below this many documents, starting a helper process costs more than it saves.
PARALLEL_THRESHOLD = 64
# Documents per task: small enough that the last task does not keep one core waiting.
CHUNK_SIZE = 16


def render_texts(
    site: Site, cache: BuildCache, progress: Progress = no_progress
) -> dict[tuple[str, str], RenderedText]:
    """Rendered Markdown of every article and episode of ``site``, by (kind, slug).

    ``progress`` hears how many of the texts not in the cache are converted so far.
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
    for key, rendered in zip(missing, _render_all(list(missing.values()), progress), strict=True):
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


def _render_all(bodies: list[str], progress: Progress = no_progress) -> list[RenderedText | None]:
    """Render ``bodies`` in order, sharing the work between this process and helper processes.

    Helpers take chunks from the front of the list while this process takes them from the
    back, so no core waits for the helpers to start up or for the last chunk.
    """
    # One helper per spare core, each with enough work to pay for its start.
    helpers = min(len(os.sched_getaffinity(0)) - 1, len(bodies) // PARALLEL_THRESHOLD)
    chunks = deque(
        (start, bodies[start : start + CHUNK_SIZE]) for start in range(0, len(bodies), CHUNK_SIZE)
    )
    done: dict[int, list[RenderedText | None]] = {}
    if helpers < 1:
        for start, chunk in chunks:
            done[start] = render_documents(chunk)
            progress(start + len(chunk), len(bodies))
        return [text for start in sorted(done) for text in done[start]]
    given: dict[int, Future[list[RenderedText | None]]] = {}
    # "spawn" is safe in the threaded preview server, where forking could deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=helpers, mp_context=context) as pool:
        while chunks:
            # Two chunks per helper keep it busy while this process renders one.
            while chunks and sum(not f.done() for f in given.values()) < 2 * helpers:
                start, chunk = chunks.popleft()
                given[start] = pool.submit(render_documents, chunk)
            if chunks:
                start, chunk = chunks.pop()
                done[start] = render_documents(chunk)
            converted = sum(map(len, done.values()))
            converted += sum(min(CHUNK_SIZE, len(bodies) - s) for s, f in given.items() if f.done())
            progress(converted, len(bodies))
        done.update((start, future.result()) for start, future in given.items())
    progress(len(bodies), len(bodies))
    return [text for start in sorted(done) for text in done[start]]
