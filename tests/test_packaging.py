"""A plain ``pip install .`` carries the default theme inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, SiteFactory


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    [built] = dist.glob("publisher-*.whl")
    return built


def test_wheel_contains_the_theme(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ("base.html", "index.html", "episode.html", "article.html", "sitemap.xml",
                     "robots.txt", "static/style.css"):  # fmt: skip
        assert f"publisher/theme/{template}" in names
    assert not any(name.startswith(("tests/", "episodes/", "articles/")) for name in names)


def test_installed_copy_builds_a_site_without_templates(
    wheel: Path,
    tmp_path: Path,
    make_site: Callable[..., SiteFactory],
) -> None:
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    site = make_site()
    site.episode("ep", "title: Packaged\ndate: 2026-01-04")
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import publisher, sys; assert publisher.__file__.startswith(sys.argv[1]);"
        "from publisher.cli import main; main(sys.argv[2:])"
    )
    args = ["--site", str(site.root), "build", "--now", "2026-01-10"]
    result = subprocess.run(
        [sys.executable, "-c", code, str(target), *args],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Get the free weekly podcast" in (site.root / "_site" / "index.html").read_text()


def test_make_targets_run_what_their_help_says() -> None:
    dry = subprocess.run(
        ["make", "-n", "typecheck", "check", "lint", "test"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "warning" not in dry.stderr, dry.stderr  # e.g. a target defined twice
    commands = dry.stdout.splitlines()
    assert any(line.endswith("/mypy") for line in commands)
    assert any(" check --out " in line and "publisher" in line for line in commands)
    assert any("ruff check" in line for line in commands)
    assert any(line.endswith("-m pytest") for line in commands)
