"""Impossible dates in front matter are located errors in ``check`` and ``build``, not crashes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.cli import main
from tests.conftest import SiteFactory

OFFSET_ADVICE = (
    "(offsets lie between -23:59 and +23:59); write one such as +01:00, or leave it out to use "
    "the site's timezone"
)
IMPOSSIBLE = {
    "2026-02-30": "'2026-02-30' is not a real date: February 2026 has 28 days; write YYYY-MM-DD",
    "2026-13-06": "'2026-13-06' is not a real date: there is no month 13; write YYYY-MM-DD",
    "2026-12-32": "'2026-12-32' is not a real date: December 2026 has 31 days; write YYYY-MM-DD",
    "2026-12-06T06:00:00+25:00": (
        f"'2026-12-06T06:00:00+25:00' has an impossible UTC offset +25:00 {OFFSET_ADVICE}"
    ),
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """``publisher ARGS`` in this process: the exit status and every line it printed."""
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    printed = capsys.readouterr()
    code = caught.value.code
    assert isinstance(code, int)
    return code, (printed.out + printed.err).splitlines()


def assert_located_error(
    site: SiteFactory, capsys: pytest.CaptureFixture[str], expected: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    for command in (["check"], ["build", "--out", str(out)]):
        code, lines = run(capsys, "--site", str(site.root), *command, "--now", "2026-01-10")
        assert code == 1, lines
        assert expected in lines, lines
        assert not any("Traceback" in line for line in lines)
    assert not out.exists()


@pytest.mark.parametrize("value", sorted(IMPOSSIBLE))
def test_an_impossible_article_date_is_a_located_error(
    value: str,
    make_site: Callable[..., SiteFactory],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    site = make_site()
    path = site.article("2026-01-04-a", f"title: A\ndate: {value}")
    assert_located_error(site, capsys, f"{path}:3: error: date: {IMPOSSIBLE[value]}", tmp_path)


@pytest.mark.parametrize("value", sorted(IMPOSSIBLE))
def test_an_impossible_updated_date_is_a_located_error(
    value: str,
    make_site: Callable[..., SiteFactory],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    site = make_site()
    path = site.article("2026-01-04-a", f"title: A\ndate: 2026-01-04\nupdated: {value}")
    assert_located_error(site, capsys, f"{path}:4: error: updated: {IMPOSSIBLE[value]}", tmp_path)


@pytest.mark.parametrize("value", sorted(IMPOSSIBLE))
def test_an_impossible_episode_date_is_a_located_error(
    value: str,
    make_site: Callable[..., SiteFactory],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    site = make_site()
    path = site.episode("ep", f"title: T\ndate: {value}\nnumber: 1")
    assert_located_error(site, capsys, f"{path}:3: error: date: {IMPOSSIBLE[value]}", tmp_path)


def test_impossible_dates_are_collected_with_the_other_problems(
    make_site: Callable[..., SiteFactory], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    article = site.article("2026-01-04-a", "date: 2026-02-30")
    episode = site.episode("ep", "title: T\nnumber: 0\ndate: 2026-13-06")
    code, lines = run(capsys, "--site", str(site.root), "check", "--now", "2026-01-10")
    assert code == 1
    assert lines[:4] == [
        f"{article}:1: error: title is required; add a line 'title: ...'",
        f"{article}:2: error: date: {IMPOSSIBLE['2026-02-30']}",
        f"{episode}:4: error: date: {IMPOSSIBLE['2026-13-06']}",
        f"{episode}:3: error: number: must be a whole number of 1 or more",
    ]


@pytest.mark.parametrize("command", ["build", "check", "status"])
def test_an_impossible_now_is_a_usage_error(
    command: str, small_site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run(capsys, "--site", str(small_site.root), command, "--now", "2026-02-30")
    assert code == 2
    assert (
        "Error: Invalid value for '--now': '2026-02-30' is not a real date: February 2026 has "
        "28 days; write YYYY-MM-DD"
    ) in lines
    assert not any("Traceback" in line for line in lines)
