"""Shared fixtures: a scratch-site factory, built sites, and the installed CLI."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from playwright.sync_api import Browser, sync_playwright

from publisher.build import build
from publisher.dates import load_timezone, parse_now
from publisher.storage.lock import LockHolder
from tests.installed import install_publisher
from tests.s3server import ProxyState, start_moto, start_proxy

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
AUDIO = DATA / "audio"
NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=load_timezone("Europe/London"))
HOLDER = LockHolder("test-host", 1, "2026-01-10T12:00Z")
"""Who holds the publish lock in tests that call ``run_publish`` directly."""

SITE_TOML = """\
[site]
title = "Test Show"
base_url = "https://example.org"
description = "A show for tests."
language = "en-gb"
timezone = "Europe/London"
author = "Tess Tester"

[podcast]
artwork = "artwork.png"
category = "Health & Fitness / Medicine"
explicit = false
owner_name = "Tess Tester"
owner_email = "tess@example.org"
"""


class SiteFactory:
    """Writes a small site into a temporary folder, one dedented file at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.write("site.toml", SITE_TOML)
        shutil.copyfile(DATA / "artwork.png", root / "artwork.png")

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def audio(self, slug: str, fixture: str = "tone.mp3", name: str | None = None) -> Path:
        target = self.root / "episodes" / slug / (name or f"{slug}{Path(fixture).suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(AUDIO / fixture, target)
        return target

    def episode(self, slug: str, front: str, body: str = "Show notes.\n", **audio: str) -> Path:
        self.audio(slug, **audio)
        return self.write(
            f"episodes/{slug}/episode.md", f"---\n{textwrap.dedent(front).strip()}\n---\n{body}"
        )

    def article(self, name: str, front: str, body: str = "Article text.\n") -> Path:
        return self.write(
            f"articles/{name}.md", f"---\n{textwrap.dedent(front).strip()}\n---\n{body}"
        )


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., SiteFactory]:
    """Factory for scratch sites under ``tmp_path``."""

    def factory(name: str = "site") -> SiteFactory:
        return SiteFactory(tmp_path / name)

    return factory


@pytest.fixture
def small_site(make_site: Callable[..., SiteFactory]) -> SiteFactory:
    """Two released episodes (MP3 and M4A), one scheduled, one draft, with articles."""
    site = make_site()
    site.episode("first", "title: First steps\ndate: 2026-01-04\nnumber: 1\narticle: first-steps")
    site.episode(
        "second", "title: Second wind\ndate: 2026-01-08 18:30\nnumber: 2", fixture="tone.m4a"
    )
    site.episode("future", "title: FUTUREMARKER episode\ndate: 2026-02-01\nnumber: 3")
    site.episode("hidden", "title: DRAFTMARKER episode\ndate: 2026-01-01\ndraft: true")
    site.article(
        "2026-01-04-first-steps",
        "title: First steps, the article\ndate: 2026-01-04\ntags: [walking, basics]",
    )
    site.article("2026-01-06-more", "title: More on walking\ndate: 2026-01-06\ntags: [walking]")
    site.article(
        "2026-02-01-later",
        "title: FUTUREMARKER article\ndate: 2026-02-01\ntags: [FUTURETAG]\nepisode: future",
    )
    return site


def build_site(root: Path, out: Path, now: dt.datetime = NOW, drafts: bool = False) -> Path:
    build(root, out, now, include_unreleased=drafts)
    return out


SAMPLE_SOURCES = ("site.toml", "artwork.jpg", "published.toml", "articles", "episodes", "templates")


def copy_sample_site(target: Path) -> Path:
    """The repository's sample site without local build or publish folders."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            shutil.copyfile(source, target / name)
    return target


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample_site(tmp_path_factory.mktemp("sample") / "site")


@pytest.fixture(scope="session")
def sample_build(sample_site: Path) -> Path:
    """The repository's own sample site, built once with a fixed clock."""
    return build_site(sample_site, sample_site / "_site", parse_now("2026-11-27T12:00"))


@pytest.fixture(scope="session")
def installed_publisher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``publisher`` console script of a fresh venv holding only publisher's wheel and its
    core dependencies (run it with ``tests.installed.run_installed``)."""
    return install_publisher(REPO, tmp_path_factory.mktemp("installed"))


def cli_command(*args: str) -> list[str]:
    """The installed console script with ``args``."""
    return [str(Path(sys.executable).parent / "publisher"), *args]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, as an editor would."""
    return subprocess.run(cli_command(*args), cwd=cwd, capture_output=True, text=True, timeout=120)


def s3_publish_args(site: SiteFactory, bucket: str, *extra: str) -> list[str]:
    """``publish`` of ``site`` to ``s3://bucket/show`` on the tests' usual day."""
    return [
        "--site",
        str(site.root),
        "publish",
        "--target",
        f"s3://{bucket}/show",
        "--now",
        "2026-01-10",
        *extra,
    ]


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path (our dot-files, marker and manifest, excluded)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


SECRET = "SECRET-MARKER-do-not-print-7f3a"


@dataclass
class S3Env:
    """A fresh bucket on the moto server, the proxy's request log, and a direct client."""

    bucket: str
    client: Any
    proxy: ProxyState
    endpoint: str


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    process, url = start_moto()
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def s3_proxy(s3_server: str) -> Iterator[tuple[ProxyState, str]]:
    server, state, url = start_proxy(s3_server)
    yield state, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def s3(
    s3_server: str,
    s3_proxy: tuple[ProxyState, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> S3Env:
    """Point boto3 at the proxy in front of moto, with test credentials and an empty bucket."""
    state, proxy_url = s3_proxy
    state.reset()
    for name, value in {
        "AWS_ENDPOINT_URL": proxy_url,
        "AWS_ACCESS_KEY_ID": "testing-key-id",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="testing-key-id",
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    bucket = f"test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return S3Env(bucket, client, state, s3_server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's) for every browser test."""
    from tests.browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
