"""The site at one moment, and the key of a build's whole output: what a build needs to know
before it renders anything (so a build with nothing to do loads no renderer)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from publisher import __version__
from publisher.cache import digest
from publisher.config.settings import Config
from publisher.content.model import Site
from publisher.dates import localize_now
from publisher.errors import Problem, ProblemsFound

VIEW_RE = re.compile(r"\bview\b")


@dataclass(frozen=True)
class Moment:
    """The site as listeners see it at ``now``, with the theme it is rendered with."""

    site: Site
    """Only what is released at ``now`` (or everything, for a drafts preview)."""
    now: dt.datetime
    templates: str
    """A hash of every template and static file of the theme and the site's overrides."""
    templates_use_view: bool


def site_at(site: Site, now: dt.datetime, include_unreleased: bool = False) -> Moment:
    """The released view of ``site`` at ``now``; an episode due without audio stops here."""
    now = localize_now(now, site.config.site.tz)
    due = due_without_audio(site, now)
    if due:
        raise ProblemsFound(due)
    templates, uses_view = templates_fingerprint(theme_folders(site.config))
    return Moment(site.visible(now, include_unreleased), now, templates, uses_view)


def output_key(moment: Moment, content_key: str, out: Path) -> str:
    """Everything the output depends on: sources, templates, the visible items, the folder."""
    now, visible = moment.now, moment.site
    shown = [(i.slug, i.is_released(now)) for i in (*visible.articles, *visible.episodes)]
    return digest(__version__, content_key, moment.templates, shown, str(out.resolve()))


def due_without_audio(site: Site, now: dt.datetime) -> list[Problem]:
    """An error for each episode whose release has come but whose audio has not."""
    return [
        Problem(
            f"this episode is due ({e.date:%A %d %B %Y %H:%M}) but has no audio: add its "
            ".mp3, or move its date, or mark it 'draft: true'",
            e.source.parent,
        )
        for e in site.episodes
        if e.is_due_without_audio(localize_now(now, site.config.site.tz))
    ]


def theme_dir() -> Path:
    """The default theme shipped inside the package."""
    return Path(str(files("publisher.theme")))


def theme_folders(config: Config) -> list[Path]:
    """Where templates and static files come from: the site's ``templates/`` over the theme."""
    return [theme_dir(), config.root / "templates"]


def templates_fingerprint(folders: list[Path]) -> tuple[str, bool]:
    """A hash of every template and static file, and whether any template uses ``view``."""
    parts = []
    uses_view = False
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                data = path.read_bytes()
                parts.append((str(path.relative_to(folder)), hashlib.sha256(data).hexdigest()))
                if path.suffix in (".html", ".xml", ".txt") and VIEW_RE.search(
                    data.decode(errors="ignore")
                ):
                    uses_view = True
    return digest(parts), uses_view
