"""Hostile and careless input: secrets stay secret, embargoed items stay home, odd names work."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from PIL import Image, PngImagePlugin

from tests.conftest import (
    SECRET,
    S3Env,
    SiteFactory,
    build_site,
    run_cli,
    s3_publish_args,
    tree_bytes,
)
from tests.s3server import Fault

MARKERS = [
    b"EMBARGO-TRANSCRIPT",
    b"EMBARGO-CHAPTER",
    b"EMBARGO-COVER",
    b"FUTUREMARKER",
    b"DRAFTMARKER",
]


def _embargoed_extras(site: SiteFactory) -> None:
    site.write(
        "episodes/future/transcript.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:00.500\nEMBARGO-TRANSCRIPT\n",
    )
    site.write(
        "episodes/future/chapters.json",
        '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "EMBARGO-CHAPTER"}]}',
    )
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "EMBARGO-COVER")
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 1400), (1, 2, 3)).save(buffer, "PNG", pnginfo=info)
    (site.root / "episodes/future/cover.png").write_bytes(buffer.getvalue())


def test_embargoed_files_are_neither_built_nor_uploaded(small_site: SiteFactory, s3: S3Env) -> None:
    _embargoed_extras(small_site)
    result = run_cli(*s3_publish_args(small_site, s3.bucket))
    assert result.returncode == 0, result.stderr
    for path, content in tree_bytes(small_site.root / "_site").items():
        assert not any(marker in content for marker in MARKERS), path
    pages = s3.client.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket)
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    assert keys and not any("future" in key or "hidden" in key for key in keys)
    for key in keys:
        body = s3.client.get_object(Bucket=s3.bucket, Key=key)["Body"].read()
        assert not any(marker in body for marker in MARKERS), key


def test_no_secret_in_any_output_even_when_verbose(small_site: SiteFactory, s3: S3Env) -> None:
    s3.proxy.faults.append(
        Fault(lambda m, p: m == "PUT" and p.endswith("first.mp3"), 403, times=100)
    )
    result = run_cli("-v", *s3_publish_args(small_site, s3.bucket))
    assert result.returncode == 1
    everything = result.stdout + result.stderr
    assert "first.mp3" in everything  # the failure is explained...
    assert SECRET not in everything  # ...without the secret,
    assert "testing-key-id" not in everything  # the key id,
    assert "Signature=" not in everything.replace("Signature=[redacted]", "")  # or a signature
    assert "Traceback" not in everything


def test_odd_audio_file_names_work(make_site: Callable[..., SiteFactory], tmp_path: Path) -> None:
    site = make_site()
    name = "Ep 1 (final) #2 ünï?.mp3"
    site.episode("odd", "title: Odd\ndate: 2026-01-04", name=name)
    out = build_site(site.root, tmp_path / "out")
    assert (out / "episodes" / "odd" / name).is_file()
    feed = (out / "feed.xml").read_text()
    assert (
        'url="https://example.org/episodes/odd/Ep%201%20%28final%29%20%232%20%C3%BCn%C3%AF%3F.mp3"'
        in feed
    )
    result = run_cli("--site", str(site.root), "check", "--out", str(out), "--now", "2026-01-10")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_site_output_carries_no_private_files(small_site: SiteFactory, tmp_path: Path) -> None:
    for name in (".git/config", ".DS_Store", "episodes/first/.episode.md.swp", "episodes/first/episode.md~",
                 "episodes/first/notes.txt", "episodes/first/raw-take.wav", "articles/draft.txt", "templates/.env"):  # fmt: skip
        path = small_site.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("PRIVATE-FILE")
    out = build_site(small_site.root, tmp_path / "out")
    files = tree_bytes(out)
    assert not any(b"PRIVATE-FILE" in content for content in files.values())
    assert not any(
        part in path
        for path in files
        for part in ("site.toml", ".git", "notes.txt", ".wav", "publisher-cache")
    )
