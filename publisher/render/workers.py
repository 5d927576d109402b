"""CPU-bound work of one build shared between this process and helper processes.

The work is a list cut into chunks. Helpers take chunks from the front of the list while this
process takes them from the back, so no core waits for a helper to start up or for the last
chunk, and the results come back in the order of the list whoever made them.

Two kinds of helpers: :func:`share_work` sends picklable work (a module-level function and
its items) to spawned helpers, which is safe anywhere, also in the preview server's threads.
:func:`share_inherited` is for work that cannot travel (a Jinja environment, the whole site
view): forked helpers inherit it, and it runs only while this process has a single thread
(forking beside other threads can deadlock); otherwise this process does it alone.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.sharedctypes import SynchronizedArray
from typing import TypeVar

from publisher.progress import Progress, no_progress

T = TypeVar("T")
R = TypeVar("R")

Work = Callable[[list[T]], list[R]]
"""Turns a chunk of items into as many results, in the same order."""


def helper_count(items: int, threshold: int, workers: int | None = None) -> int:
    """Helpers worth starting for ``items``: one per core beside this process's (at most
    ``workers`` processes in all, when given), each with at least ``threshold`` items."""
    cores = len(os.sched_getaffinity(0)) if workers is None else workers
    return max(0, min(cores - 1, items // threshold))


def _chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def share_work(
    work: Work[T, R],
    items: Sequence[T],
    chunk_size: int,
    threshold: int,
    workers: int | None = None,
    progress: Progress = no_progress,
) -> list[R]:
    """``work`` over ``items`` with spawned helpers; ``work`` and the items must pickle.

    ``progress`` hears how many items are done.
    """
    helpers = helper_count(len(items), threshold, workers)
    chunks = deque(enumerate(_chunks(items, chunk_size)))
    done: dict[int, list[R]] = {}
    if helpers < 1:
        for index, chunk in chunks:
            done[index] = work(chunk)
            progress(sum(map(len, done.values())), len(items))
        return [result for index in sorted(done) for result in done[index]]
    given: dict[int, Future[list[R]]] = {}
    sizes = {index: len(chunk) for index, chunk in chunks}
    # "spawn" is safe in the threaded preview server, where forking could deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=helpers, mp_context=context) as pool:
        while chunks:
            # Two chunks per helper keep it busy while this process works on one.
            while chunks and sum(not f.done() for f in given.values()) < 2 * helpers:
                index, chunk = chunks.popleft()
                given[index] = pool.submit(work, chunk)
            if chunks:
                index, chunk = chunks.pop()
                done[index] = work(chunk)
            finished = sum(map(len, done.values()))
            finished += sum(sizes[index] for index, f in given.items() if f.done())
            progress(finished, len(items))
        done.update((index, future.result()) for index, future in given.items())
    progress(len(items), len(items))
    return [result for index in sorted(done) for result in done[index]]


def share_inherited(
    work: Work[T, R],
    items: Sequence[T],
    chunk_size: int,
    threshold: int,
    workers: int | None = None,
) -> list[R]:
    """``work`` over ``items`` with forked helpers, which inherit ``work`` instead of
    receiving it; only the results travel. A chunk a helper could not finish (an error, a
    helper gone) is done again here, so its error is raised here."""
    helpers = helper_count(len(items), threshold, workers)
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if helpers < 1 or not forkable or threading.active_count() > 1:
        return work(list(items))
    chunks = _chunks(items, chunk_size)
    context = multiprocessing.get_context("fork")
    # The next chunk from the front, and the one after the next chunk from the back.
    bounds = context.Array("i", [0, len(chunks)])
    results: multiprocessing.Queue[tuple[int, list[R] | None]] = context.Queue()
    args = (work, chunks, bounds, results)
    started = [context.Process(target=_take_from_front, args=args) for _ in range(helpers)]
    done: dict[int, list[R]] = {}
    try:
        for process in started:
            process.start()
        while (index := _claim(bounds, front=False)) is not None:
            done[index] = work(chunks[index])
        _collect(done, len(chunks), results, started)
    finally:
        for process in started:
            if process.is_alive():
                process.terminate()
            process.join()
    for index, chunk in enumerate(chunks):
        if index not in done:
            done[index] = work(chunk)
    return [result for index in sorted(done) for result in done[index]]


def _claim(bounds: SynchronizedArray[int], front: bool) -> int | None:
    """The index of the next chunk from one end, or ``None`` when every chunk is taken."""
    with bounds.get_lock():
        first, end = bounds[0], bounds[1]
        if first >= end:
            return None
        if front:
            bounds[0] = first + 1
            return first
        bounds[1] = end - 1
        return end - 1


def _take_from_front(
    work: Work[T, R],
    chunks: list[list[T]],
    bounds: SynchronizedArray[int],
    results: multiprocessing.Queue[tuple[int, list[R] | None]],
) -> None:
    """A forked helper's loop: chunks from the front until none is left."""
    while (index := _claim(bounds, front=True)) is not None:
        try:
            made: list[R] | None = work(chunks[index])
        except Exception:  # done again by the build process, which reports it
            made = None
        results.put((index, made))


def _collect(
    done: dict[int, list[R]],
    total: int,
    results: multiprocessing.Queue[tuple[int, list[R] | None]],
    helpers: Sequence[multiprocessing.process.BaseProcess],
) -> None:
    """Take the helpers' results until every chunk is in or no helper is left to send one."""
    while len(done) < total:
        try:
            index, made = results.get(timeout=0.05)
        except queue.Empty:
            if any(process.is_alive() for process in helpers) or not results.empty():
                continue
            return
        if made is not None:
            done[index] = made
        elif index not in done:
            return  # a helper's chunk failed: done here, where its error is reported
