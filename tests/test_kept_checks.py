"""``check`` and ``publish`` reuse the last run's checks while nothing they depend on changed.

Counts, never times: renders are counted by wrapping ``render_site`` where each stage calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from publisher.checks import rehearsal
from publisher.checks import run as check_run
from publisher.cli import main
from publisher.publish import checked
from tests.conftest import HOLDER, NOW, SiteFactory

LATER = "2026-01-21"
"""After the release of the episode without audio below (2026-01-20)."""


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each render of the site, by the module that asked for it (publish, check, rehearsal)."""
    seen: list[str] = []
    for name, module in (("publish", checked), ("check", check_run), ("rehearsal", rehearsal)):
        monkeypatch.setattr(module, "render_site", _counting(module.render_site, name, seen))
    yield seen


def _counting(render: Callable[..., Any], name: str, seen: list[str]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        seen.append(name)
        return render(*args, **kwargs)

    return counted


@pytest.fixture
def site(small_site: SiteFactory) -> SiteFactory:
    """The small site with warnings now (an unknown key) and an episode due on 20 January
    that has no audio yet (a warning until then, an error after)."""
    small_site.article("2026-01-06-more", "title: More on walking\ndate: 2026-01-06\nmood: sunny")
    small_site.write(
        "episodes/waiting/episode.md", "---\ntitle: Waiting\ndate: 2026-01-20\nnumber: 5\n---\nX\n"
    )
    return small_site


def cli(
    capsys: pytest.CaptureFixture[str], site: SiteFactory, *args: str, now: str = "2026-01-10"
) -> tuple[int, str, str]:
    """Run the command line in process: exit status, standard output and standard error."""
    capsys.readouterr()
    command, *rest = args
    try:
        main(["--site", str(site.root), command, "--now", now, *rest])
        status = 0
    except SystemExit as done:
        status = int(done.code or 0)
    out, err = capsys.readouterr()
    return status, out, err.replace(" in 0.0 s.", "").split("Done:")[0]


def publish(
    capsys: pytest.CaptureFixture[str], site: SiteFactory, target: Path, now: str = "2026-01-10"
) -> tuple[int, str, str]:
    return cli(capsys, site, "publish", "--target", str(target), now=now)


def test_a_second_publish_renders_and_checks_nothing_and_says_the_same(
    site: SiteFactory, tmp_path: Path, renders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "www"
    assert publish(capsys, site, target)[0] == 0  # writes published.toml: checked again next
    renders.clear()
    first = publish(capsys, site, target)
    assert renders == ["publish", "rehearsal", "rehearsal"]  # now, 20 January, 1 February
    renders.clear()
    second = publish(capsys, site, target)
    assert renders == []
    assert second == first
    assert "mood" in first[2] and "no audio yet" in first[2]


def test_a_second_check_renders_and_checks_nothing_and_says_the_same(
    site: SiteFactory, renders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = cli(capsys, site, "check")
    assert renders == ["check", "rehearsal", "rehearsal"]
    renders.clear()
    second = cli(capsys, site, "check")
    assert renders == []
    assert second == first
    assert first[0] == 0 and "mood" in first[1] and "no audio yet" in first[1]


def test_a_check_with_errors_says_them_again_and_fails_again(
    site: SiteFactory, renders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = cli(capsys, site, "check", now=LATER)
    renders.clear()
    assert cli(capsys, site, "check", now=LATER) == first
    assert renders == []
    assert first[0] == 1 and "is due (" in first[1]


EDITS: dict[str, Callable[[SiteFactory], object]] = {
    "an article": lambda s: s.article("2026-01-06-more", "title: Edited\ndate: 2026-01-06"),
    "site.toml": lambda s: (s.root / "site.toml").write_text(
        (s.root / "site.toml").read_text().replace("Test Show", "Test Show, renamed")
    ),
    "a template": lambda s: s.write("templates/footer.html", "<footer>ours</footer>\n"),
    "published.toml": lambda s: (s.root / "published.toml").write_text(
        (s.root / "published.toml").read_text() + "\n"
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_any_edit_checks_again(
    edit: str,
    site: SiteFactory,
    tmp_path: Path,
    renders: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "www"
    for _ in range(2):
        assert publish(capsys, site, target)[0] == 0
        cli(capsys, site, "check")
    EDITS[edit](site)
    renders.clear()
    assert publish(capsys, site, target)[0] == 0
    assert renders[:1] == ["publish"]
    renders.clear()
    cli(capsys, site, "check")
    assert renders[:1] == ["check"]


def test_a_release_moment_passing_checks_again_and_stops_an_episode_without_audio(
    site: SiteFactory, tmp_path: Path, renders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "www"
    for _ in range(2):
        assert publish(capsys, site, target)[0] == 0
        assert cli(capsys, site, "check")[0] == 0
    renders.clear()
    assert publish(capsys, site, target, now="2026-01-19T23:59")[0] == 0  # not passed yet
    assert cli(capsys, site, "check", now="2026-01-19T23:59")[0] == 0
    assert renders == []
    status, _, err = publish(capsys, site, target, now=LATER)
    assert status == 1 and "is due (" in err
    status, out, _ = cli(capsys, site, "check", now=LATER)
    assert status == 1 and "is due (" in out
    assert renders.count("check") == 1


def test_another_target_or_unpublish_checks_again(
    site: SiteFactory, tmp_path: Path, renders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        assert publish(capsys, site, tmp_path / "www")[0] == 0
    renders.clear()
    assert publish(capsys, site, tmp_path / "elsewhere")[0] == 0
    assert renders[:1] == ["publish"]
    renders.clear()
    cli(capsys, site, "publish", "--target", str(tmp_path / "www"), "--unpublish", "first")
    assert renders[:1] == ["publish"]


def test_a_build_between_publishes_checks_again(
    site: SiteFactory, tmp_path: Path, renders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A build for another moment rewrites the built folder: it is not what was checked."""
    for _ in range(2):
        assert publish(capsys, site, tmp_path / "www")[0] == 0
    cli(capsys, site, "build", "--drafts")
    renders.clear()
    assert publish(capsys, site, tmp_path / "www")[0] == 0
    assert renders[:1] == ["publish"]


def test_prepare_publish_says_when_it_reused_the_checks(site: SiteFactory, tmp_path: Path) -> None:
    from publisher.publish.run import prepare_publish, run_publish

    target = str(tmp_path / "www")
    run_publish(prepare_publish(site.root, NOW, target), HOLDER)
    assert not prepare_publish(site.root, NOW, target).reused  # published.toml was written
    assert prepare_publish(site.root, NOW, target).reused
