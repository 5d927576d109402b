"""Read ``site.toml`` into frozen, validated settings."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher.dates import WEEKDAYS, load_timezone, parse_clock
from publisher.errors import ConfigError, Problem, ProblemsFound
from publisher.headers import CACHE_KINDS

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
class Config:
    """Everything ``site.toml`` says, plus where the site lives."""

    root: Path
    site: SiteSettings
    podcast: PodcastSettings
    publish: PublishSettings = field(default_factory=PublishSettings)

    @property
    def feed_url(self) -> str:
        return self.site.base_url + "/feed.xml"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME


Check = Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a text string in quotes")
    if value != value.strip():
        raise ValueError("must not start or end with spaces")
    return value


def _required_text(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("must not be empty")
    return text


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false (without quotes)")
    return value


def _base_url(value: Any) -> str:
    url = _required_text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an absolute http(s) URL such as 'https://example.org'")
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r} must not have a query or fragment")
    return url.rstrip("/")


def _language(value: Any) -> str:
    code = _required_text(value).lower()
    if not LANGUAGE_RE.match(code):
        raise ValueError(f"{value!r} is not a language code such as 'en' or 'en-gb'")
    return code


def _timezone(value: Any) -> str:
    name = _required_text(value)
    load_timezone(name)
    return name


def _clock(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    return parse_clock(_required_text(value))


def _email(value: Any) -> str:
    text = _text(value)
    if text and not EMAIL_RE.match(text):
        raise ValueError(f"{text!r} is not an email address")
    return text


def _one_of(*choices: str) -> Check:
    def check(value: Any) -> str:
        text = _required_text(value).lower()
        if text not in choices:
            raise ValueError(f"{value!r} must be one of: {', '.join(choices)}")
        return text

    return check


def _guid(value: Any) -> str:
    text = _text(value)
    if text:
        try:
            uuid.UUID(text)
        except ValueError as err:
            raise ValueError(f"{text!r} is not a UUID") from err
    return text


def _relative_path(value: Any) -> Path:
    path = Path(_required_text(value))
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"{value!r} must be a path inside the site directory")
    return path


def _int_between(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return check


def _endpoint(value: Any) -> str:
    url = _text(value)
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(
            f"{url!r} is not an http(s) URL such as 'https://<account>.r2.cloudflarestorage.com'"
        )
    return url


def _cache_control(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"must be a table with keys among: {', '.join(CACHE_KINDS)}")
    unknown = sorted(set(value) - set(CACHE_KINDS))
    if unknown:
        raise ValueError(f"unknown kind {unknown[0]!r}; use: {', '.join(CACHE_KINDS)}")
    return {kind: _required_text(text) for kind, text in sorted(value.items())}


SCHEMA: dict[str, dict[str, tuple[Check, bool]]] = {
    "site": {
        "title": (_required_text, True),
        "base_url": (_base_url, True),
        "description": (_text, False),
        "language": (_language, False),
        "timezone": (_timezone, False),
        "author": (_text, False),
        "release_time": (_clock, False),
    },
    "podcast": {
        "title": (_required_text, False),
        "description": (_text, False),
        "author": (_text, False),
        "artwork": (_relative_path, False),
        "category": (_required_text, False),
        "explicit": (_bool, False),
        "owner_name": (_text, False),
        "owner_email": (_email, False),
        "type": (_one_of("episodic", "serial"), False),
        "guid": (_guid, False),
        "release_weekday": (_one_of(*WEEKDAYS), False),
        "locked": (_bool, False),
        "copyright": (_text, False),
    },
    "publish": {
        "target": (_text, False),
        "endpoint_url": (_endpoint, False),
        "region": (_text, False),
        "profile": (_text, False),
        "concurrency": (_int_between(1, 64), False),
        "max_deletes": (_int_between(0, 1_000_000), False),
        "multipart_threshold_mb": (_int_between(5, 5120), False),
        "cache_control": (_cache_control, False),
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
        root=root, site=site, podcast=podcast, publish=PublishSettings(**values["publish"])
    )
