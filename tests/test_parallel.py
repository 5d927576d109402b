"""Work shared between processes: the same bytes whatever the number of workers."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest

from publisher.build import build
from publisher.dates import load_timezone
from publisher.render.images import SHARES_THRESHOLD
from publisher.render.pages import PAGES_THRESHOLD
from publisher.render.texts import PARALLEL_THRESHOLD
from publisher.render.workers import helper_count, share_inherited, share_work
from tests.conftest import tree_bytes
from tools.synthetic_site import generate

NOW = dt.datetime(2030, 1, 1, tzinfo=load_timezone("Europe/London"))
ARTICLES, EPISODES = 150, 70  # above every threshold, so two workers use a helper


def _double(chunk: list[int]) -> list[int]:
    return [2 * n for n in chunk]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("synthetic") / "site", ARTICLES, EPISODES, words=200)


def _clean_build(source: Path, folder: Path, workers: int) -> dict[str, bytes]:
    site = shutil.copytree(source, folder)
    out = build(site, site / "_site", NOW, workers=workers)
    assert len(out) > ARTICLES + 2 * EPISODES
    return tree_bytes(site / "_site")


def test_every_stage_uses_a_helper_with_two_workers() -> None:
    assert helper_count(ARTICLES + EPISODES, PARALLEL_THRESHOLD, workers=2) == 1
    assert helper_count(ARTICLES + EPISODES, PAGES_THRESHOLD, workers=2) == 1
    assert helper_count(EPISODES, SHARES_THRESHOLD, workers=2) == 1
    assert helper_count(ARTICLES + EPISODES, PAGES_THRESHOLD, workers=1) == 0


def test_one_two_and_three_workers_build_the_same_bytes(synthetic: Path, tmp_path: Path) -> None:
    alone = _clean_build(synthetic, tmp_path / "one", workers=1)
    assert _clean_build(synthetic, tmp_path / "two", workers=2) == alone
    assert _clean_build(synthetic, tmp_path / "three", workers=3) == alone


@pytest.mark.parametrize("share", [share_work, share_inherited])
def test_shared_work_keeps_the_order(share: object) -> None:
    items = list(range(1000))
    assert callable(share)
    assert share(_double, items, 7, 10, 3) == [2 * n for n in items]


def test_inherited_work_stays_here_beside_other_threads() -> None:
    calls: list[int] = []

    def work(chunk: list[int]) -> list[int]:
        calls.append(len(chunk))
        return chunk

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert share_inherited(work, list(range(500)), 10, 10, 2) == list(range(500))
    finally:
        stop.set()
        other.join()
    assert calls == [500]  # one call in this process: no helper was forked


def test_a_failing_chunk_fails_here_with_its_own_error() -> None:
    def work(chunk: list[int]) -> list[int]:
        if 450 in chunk:
            raise ValueError("item 450")
        return chunk

    with pytest.raises(ValueError, match="item 450"):
        share_inherited(work, list(range(500)), 10, 10, 2)
