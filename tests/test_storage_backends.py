"""A new storage backend is one class and one row in the table from URL scheme to backend."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import MappingProxyType
from urllib.parse import SplitResult

import pytest
from lxml import etree

from publisher.cli import main
from publisher.config.settings import PublishSettings
from publisher.storage import targets
from publisher.storage.base import FileState, Target
from publisher.storage.headers import Headers
from tests.conftest import copy_sample_site


class ToyTarget:
    """Keeps everything in a dict, as a new kind of store would keep it remotely."""

    stores: dict[str, dict[str, tuple[bytes, Headers]]] = {}

    def __init__(self, name: str) -> None:
        self.files = self.stores.setdefault(name, {})
        self.description = f"toy://{name}/"
        self.held: bytes | None = None

    def inventory(self, verify: bool = False) -> dict[str, FileState]:
        return {
            path: FileState(len(data), hashlib.sha256(data).hexdigest(), h.content_type)
            for path, (data, h) in self.files.items()
        }

    def inspect(self, paths: list[str]) -> dict[str, FileState]:
        return {path: self.inventory()[path] for path in paths}

    def read(self, path: str) -> bytes | None:
        return self.files[path][0] if path in self.files else None

    def read_head(self, path: str, length: int) -> bytes | None:
        data = self.read(path)
        return data[:length] if data is not None else None

    def upload(self, path: str, source: Path, headers: Headers, sha256: str) -> None:
        self.files[path] = (source.read_bytes(), headers)

    def delete(self, paths: list[str]) -> None:
        for path in paths:
            self.files.pop(path, None)

    def write_manifest(self, files: dict[str, FileState]) -> None:
        pass  # this store can vouch for every file itself

    def lock(self, holder: bytes) -> bytes | None:
        if self.held is not None:
            return self.held
        self.held = holder
        return None

    def unlock(self) -> None:
        self.held = None


def toy_backend(parts: SplitResult, url: str, settings: PublishSettings, base: Path) -> Target:
    return ToyTarget(parts.netloc)


def test_a_toy_backend_registered_in_one_row_receives_the_sample_site(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        targets, "BACKENDS", MappingProxyType({**targets.BACKENDS, "toy": toy_backend})
    )
    site = copy_sample_site(tmp_path / "site")
    argv = ["--site", str(site), "publish", "--target", "toy://shelf", "--now", "2026-11-27T12:00"]
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code in (0, None)
    stored = ToyTarget.stores["shelf"]
    feed = etree.fromstring(stored["feed.xml"][0])
    for enclosure in feed.iterfind("./channel/item/enclosure"):
        path = enclosure.get("url", "").removeprefix("https://backtobasics.example.org/")
        assert len(stored[path][0]) == int(enclosure.get("length", "0"))
    assert stored["feed.xml"][1].content_type == "application/rss+xml; charset=utf-8"
    assert len(stored) == len(list((site / "_site").rglob("*"))) - len(
        [p for p in (site / "_site").rglob("*") if p.is_dir() or p.name.startswith(".")]
    )


def test_an_unknown_scheme_names_the_ones_there_are(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"use a folder or one of s3://, file://"):
        targets.open_target("ftp://host/x", PublishSettings(), tmp_path)
