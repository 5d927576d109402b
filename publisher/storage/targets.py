"""From a target URL to the target: one table from URL scheme to backend.

A new backend is one module with its ``Target`` class and one row in ``BACKENDS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from urllib.parse import SplitResult, urlsplit

from publisher.config.settings import PublishSettings
from publisher.errors import StorageError
from publisher.storage.base import Target
from publisher.storage.local import LocalTarget

Backend = Callable[[SplitResult, str, PublishSettings, Path], Target]
"""Makes the target of a parsed URL (and the URL as written), with the publish settings and
the folder relative paths start from."""


def _s3(parts: SplitResult, url: str, settings: PublishSettings, base: Path) -> Target:
    from publisher.storage.s3 import S3Target  # boto3 loads only for s3:// targets

    return S3Target(parts.netloc, parts.path.strip("/"), settings)


def _file_url(parts: SplitResult, url: str, settings: PublishSettings, base: Path) -> Target:
    return LocalTarget(Path(parts.path))


def _folder(parts: SplitResult, url: str, settings: PublishSettings, base: Path) -> Target:
    return LocalTarget(base / url)


BACKENDS: Mapping[str, Backend] = MappingProxyType(
    {"s3": _s3, "file": _file_url, "": _folder}  # "": a folder path, no scheme
)


def open_target(url: str, settings: PublishSettings, base: Path) -> Target:
    """The target for ``url``: ``s3://bucket/prefix``, ``file:///path`` or a folder path."""
    parts = urlsplit(url)
    scheme = parts.scheme if len(parts.scheme) > 1 else ""  # C:\\site is a folder, not a scheme
    backend = BACKENDS.get(scheme)
    if backend is None:
        schemes = ", ".join(f"{name}://" for name in BACKENDS if name)
        raise StorageError(
            f"unsupported publish target {url!r}: use a folder or one of {schemes}",
            key="publish.target",
        )
    return backend(parts, url, settings, base)
