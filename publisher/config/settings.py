"""Read ``site.toml`` into frozen, validated settings."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher.config import values as values
from publisher.config.person import Person
from publisher.dates import WEEKDAYS, load_timezone
from publisher.errors import ConfigError, Problem, ProblemsFound

CONFIG_NAME = "site.toml"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


@dataclass(frozen=True)
class SiteSettings:
    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""
    release_time: dt.time = dt.time(6, 0)
    page_size: int = 20
    twitter: str = ""

    @property
    def tz(self) -> dt.tzinfo:
        return load_timezone(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of ``base_url`` with a trailing slash, e.g. ``/`` or ``/show/``."""
        return urlsplit(self.base_url).path.rstrip("/") + "/"


@dataclass(frozen=True)
class PodcastSettings:
    title: str
    description: str
    author: str
    artwork: Path | None = None
    category: str = ""
    subcategory: str = ""
    explicit: bool = False
    owner_name: str = ""
    owner_email: str = ""
    type: str = "episodic"
    guid: str = ""
    release_weekday: str = "sunday"
    locked: bool = True
    copyright: str = ""
    block: bool = False
    complete: bool = False
    new_feed_url: str = ""
    license: str = ""
    license_url: str = ""
    funding: tuple[dict[str, str], ...] = ()
    persons: tuple[Person, ...] = ()
    analytics_prefixes: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PublishSettings:
    """Where and how ``publish`` uploads. Credentials never live here: use the AWS variables."""

    target: str = ""
    endpoint_url: str = ""
    region: str = ""
    profile: str = ""
    concurrency: int = 4
    max_deletes: int = 256
    multipart_threshold_mb: int = 8
    cache_control: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NotifySettings:
    """Who to tell after a publish that changed the feed."""

    websub: tuple[str, ...] = ()
    ping: tuple[str, ...] = ()
    cloudfront_distribution: str = ""


@dataclass(frozen=True)
class Config:
    """Everything ``site.toml`` says, plus where the site lives."""

    root: Path
    site: SiteSettings
    podcast: PodcastSettings
    publish: PublishSettings = field(default_factory=PublishSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)

    @property
    def feed_url(self) -> str:
        return self.site.base_url + "/feed.xml"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME


SCHEMA: dict[str, dict[str, tuple[values.Check, bool]]] = {
    "site": {
        "title": (values.required_text, True),
        "base_url": (values.base_url, True),
        "description": (values.text, False),
        "language": (values.language, False),
        "timezone": (values.timezone, False),
        "author": (values.text, False),
        "release_time": (values.clock, False),
        "page_size": (values.int_between(5, 500), False),
        "twitter": (values.text, False),
    },
    "podcast": {
        "title": (values.required_text, False),
        "description": (values.text, False),
        "author": (values.text, False),
        "artwork": (values.relative_path, False),
        "category": (values.category, False),
        "explicit": (values.flag, False),
        "owner_name": (values.text, False),
        "owner_email": (values.email, False),
        "type": (values.one_of("episodic", "serial"), False),
        "guid": (values.guid, False),
        "release_weekday": (values.one_of(*WEEKDAYS), False),
        "locked": (values.flag, False),
        "copyright": (values.text, False),
        "block": (values.flag, False),
        "complete": (values.flag, False),
        "new_feed_url": (values.https_url, False),
        "license": (values.required_text, False),
        "license_url": (values.https_url, False),
        "funding": (values.records(("url", "text"), ()), False),
        "persons": (values.persons, False),
        "analytics_prefixes": (values.url_list, False),
        "links": (values.subscribe_links, False),
    },
    "publish": {
        "target": (values.text, False),
        "endpoint_url": (values.endpoint, False),
        "region": (values.text, False),
        "profile": (values.text, False),
        "concurrency": (values.int_between(1, 64), False),
        "max_deletes": (values.int_between(0, 1_000_000), False),
        "multipart_threshold_mb": (values.int_between(5, 5120), False),
        "cache_control": (values.cache_control, False),
    },
    "notify": {
        "websub": (values.http_url_list, False),
        "ping": (values.url_templates, False),
        "cloudfront_distribution": (values.text, False),
    },
}


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    """Read and validate ``root/site.toml``; return the config and any warnings.

    Every wrong key is collected and raised together as :class:`ProblemsFound`.
    """
    path = root / CONFIG_NAME
    raw = _read_toml(path)
    problems: list[Problem] = []
    values = {section: _validate_section(raw, section, path, problems) for section in SCHEMA}
    for name in sorted(set(raw) - set(SCHEMA)):
        problems.append(Problem(f"unknown section [{name}] is ignored", path, severity="warning"))
    _check_artwork(root, values["podcast"], path, problems)
    if any(p.is_error for p in problems):
        raise ProblemsFound(problems)
    return _assemble(root, values), problems


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise ConfigError(
            "no site.toml here; run publisher in a site directory or pass --site DIR", path
        ) from err
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError("not UTF-8 text; save the file as UTF-8", path) from err
    except tomllib.TOMLDecodeError as err:
        line = _toml_error_line(str(err))
        raise ConfigError(f"not valid TOML: {_strip_position(str(err))}", path, line) from err


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


def _strip_position(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)$", "", message)


def _validate_section(
    raw: dict[str, Any], section: str, path: Path, problems: list[Problem]
) -> dict[str, Any]:
    table = raw.get(section, {})
    if not isinstance(table, dict):
        problems.append(Problem(f"[{section}] must be a table", path, key=section))
        return {}
    values: dict[str, Any] = {}
    for name, (check, required) in SCHEMA[section].items():
        key = f"{section}.{name}"
        if name not in table:
            if required:
                problems.append(Problem("is required but missing", path, key=key))
            continue
        try:
            values[name] = check(table[name])
        except ValueError as err:
            problems.append(Problem(str(err), path, key=key))
    for name in sorted(set(table) - set(SCHEMA[section])):
        problems.append(
            Problem("unknown key is ignored", path, key=f"{section}.{name}", severity="warning")
        )
    return values


def _check_artwork(
    root: Path, podcast: dict[str, Any], path: Path, problems: list[Problem]
) -> None:
    artwork = podcast.get("artwork")
    if artwork is None:
        return
    if artwork.suffix.lower() not in (".jpg", ".png"):
        problems.append(Problem("artwork must be a .jpg or .png file", path, key="podcast.artwork"))
    elif not (root / artwork).is_file():
        problems.append(
            Problem(f"artwork file {artwork} does not exist", path, key="podcast.artwork")
        )


def _assemble(root: Path, values: dict[str, dict[str, Any]]) -> Config:
    site = SiteSettings(**values["site"])
    podcast_values = dict(values["podcast"])
    category = podcast_values.pop("category", "")
    main, _, sub = (part.strip() for part in category.partition("/"))
    podcast_values.setdefault("title", site.title)
    podcast_values.setdefault("description", site.description)
    podcast_values.setdefault("author", site.author)
    podcast = PodcastSettings(category=main, subcategory=sub, **podcast_values)
    return Config(
        root=root,
        site=site,
        podcast=podcast,
        publish=PublishSettings(**values["publish"]),
        notify=NotifySettings(**values["notify"]),
    )
