"""Static files: theme files overridden by the site's, published under content-hashed names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from publisher.output.tree import OutputTree

HASH_LENGTH = 10


@dataclass
class AssetMap:
    """Logical asset names (``style.css``) mapped to their hashed output paths."""

    paths: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, content: bytes, tree: OutputTree) -> str:
        """Put ``content`` into ``tree`` under ``static/`` with its hash in the name."""
        pure = PurePosixPath(name)
        digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
        output = "static/" + (pure.parent / f"{pure.stem}.{digest}{pure.suffix}").as_posix()
        tree.add(output, content)
        self.paths[name] = output
        return output

    def path(self, name: str) -> str:
        if name not in self.paths:
            raise KeyError(
                f"no static file named {name!r} in the theme or the site's templates/static/"
            )
        return self.paths[name]


def static_sources(theme_static: Path, site_static: Path) -> dict[str, Path]:
    """Every static file by its name under ``static/``; the site's copy wins over the theme's."""
    found: dict[str, Path] = {}
    for folder in (theme_static, site_static):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found[path.relative_to(folder).as_posix()] = path
    return dict(sorted(found.items()))


def collect_assets(theme_static: Path, site_static: Path, tree: OutputTree) -> AssetMap:
    """Hash and add every static file to ``tree``."""
    assets = AssetMap()
    for name, path in static_sources(theme_static, site_static).items():
        assets.add(name, path.read_bytes(), tree)
    return assets
