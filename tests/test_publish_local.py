"""Publishing to a local folder follows the same rules as a bucket."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.cli import main
from publisher.errors import StorageError
from publisher.publish.run import prepare_publish, run_publish
from tests.conftest import HOLDER, NOW, SiteFactory, tree_bytes


def test_first_publish_copies_the_site_and_the_second_changes_nothing(
    small_site: SiteFactory, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    first = prepare_publish(small_site.root, NOW, str(target))
    assert len(first.plan.uploads) == len(tree_bytes(small_site.root / "_site"))
    run_publish(first, HOLDER)
    assert tree_bytes(target) == tree_bytes(small_site.root / "_site")
    stamps = {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()}
    second = prepare_publish(small_site.root, NOW, str(target))
    assert second.plan.uploads == () and second.plan.unchanged == len(stamps) - 1
    run_publish(second, HOLDER)
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()} == stamps


def test_dry_run_and_prune(small_site: SiteFactory, tmp_path: Path) -> None:
    target = tmp_path / "www"
    run_publish(prepare_publish(small_site.root, NOW, str(target)), HOLDER)
    (target / "stale").mkdir()
    (target / "stale" / "index.html").write_text("old")
    argv = [
        "--site",
        str(small_site.root),
        "publish",
        "--target",
        str(target),
        "--now",
        "2026-01-10",
    ]
    with pytest.raises(SystemExit) as done:
        main([*argv, "--prune", "--dry-run"])
    assert done.value.code in (0, None)
    assert (target / "stale" / "index.html").exists()
    main_exit = _run(argv + ["--prune"])
    assert main_exit == 0
    assert not (target / "stale").exists()
    assert tree_bytes(target) == tree_bytes(small_site.root / "_site")


def _run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def test_a_folder_that_is_not_ours_is_refused(small_site: SiteFactory, tmp_path: Path) -> None:
    target = tmp_path / "documents"
    target.mkdir()
    (target / "thesis.txt").write_text("years of work")
    with pytest.raises(StorageError, match="not empty and was not made by publisher"):
        prepare_publish(small_site.root, NOW, str(target), prune=True)
    assert (target / "thesis.txt").read_text() == "years of work"


def test_default_target_is_the_publish_folder(small_site: SiteFactory) -> None:
    run_publish(prepare_publish(small_site.root, NOW), HOLDER)
    assert (small_site.root / "_publish" / "feed.xml").is_file()


def test_file_url_target(small_site: SiteFactory, tmp_path: Path) -> None:
    run_publish(prepare_publish(small_site.root, NOW, f"file://{tmp_path / 'www'}"), HOLDER)
    assert (tmp_path / "www" / "index.html").is_file()


def test_unknown_scheme_is_refused(small_site: SiteFactory) -> None:
    with pytest.raises(StorageError, match="unsupported publish target 'ftp://host/x'"):
        prepare_publish(small_site.root, NOW, "ftp://host/x")
