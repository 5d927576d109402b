"""Read ``site.toml`` into frozen, validated settings."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher import urls
from publisher.config import values as values
from publisher.config.options import option, read_table, required, same_as, with_fallbacks
from publisher.config.person import Person
from publisher.dates import WEEKDAYS, load_timezone
from publisher.errors import ConfigError, Problem, Problems

CONFIG_NAME = "site.toml"
AUTOMATIC_RELEASE = 'after the feed changed (see "Automatic release")'
SHOWN = "shown on the site and in the feeds"
S3_COMPATIBLE = "for S3-compatible stores (R2, B2, MinIO); never put keys here"


@dataclass(frozen=True)
class SiteSettings:
    """``[site]``: the website."""

    title: str = required(values.required_text, "the site's name")
    base_url: str = required(
        values.base_url,
        "the public address, e.g. `https://example.org` or `https://example.org/show`",
    )
    description: str = option(values.text, "", SHOWN)
    language: str = option(values.language, "en", "a language code, e.g. `en-gb`")
    timezone: str = option(
        values.timezone, "UTC", "e.g. `Europe/London`; dates without an offset are in this zone"
    )
    author: str = option(values.text, "", SHOWN)
    release_time: dt.time = option(
        values.clock, dt.time(6, 0), 'e.g. `"06:00"`; the time of day for dates without a time'
    )
    page_size: int = option(
        values.int_between(5, 500),
        20,
        "entries per numbered archive page (the first holds up to twice as many)",
    )
    twitter: str = option(values.text, "", "the show's `@handle` for Twitter cards")

    @property
    def tz(self) -> dt.tzinfo:
        return load_timezone(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of ``base_url`` with a trailing slash, e.g. ``/`` or ``/show/``."""
        return urlsplit(self.base_url).path.rstrip("/") + "/"


@dataclass(frozen=True)
class PodcastSettings:
    """``[podcast]``: the show in the feed and the directories."""

    title: str = same_as(values.required_text, "site.title", "the show's name")
    description: str = same_as(values.text, "site.description", "what the show is about")
    author: str = same_as(values.text, "site.author", "who makes the show")
    artwork: Path | None = option(
        values.relative_path, None, "path to the show artwork (`.jpg` or `.png`) in the site folder"
    )
    category: str = option(
        values.category, "", 'Apple category, optionally `"Health & Fitness / Medicine"`'
    )
    subcategory: str = ""  # the part of ``category`` after the slash
    explicit: bool = option(values.flag, False, "`true` or `false`")
    owner_name: str = option(values.text, "", "how Apple and Spotify reach you")
    owner_email: str = option(values.email, "", "how Apple and Spotify reach you")
    type: str = option(
        values.one_of("episodic", "serial"), "episodic", "`episodic` (newest first) or `serial`"
    )
    guid: str = option(
        values.guid, "", "the show's permanent identity; set it once and never change it"
    )
    release_weekday: str = option(
        values.one_of(*WEEKDAYS), "sunday", "the day episodes come out, e.g. `sunday`"
    )
    locked: bool = option(values.flag, True, "`true`: other platforms may not import the feed")
    copyright: str = option(values.text, "", "shown in the feed and the page footer")
    block: bool = option(values.flag, False, "`true` hides the show from Apple")
    complete: bool = option(values.flag, False, "`true` marks the show finished")
    new_feed_url: str = option(
        values.https_url, "", "after moving the feed: the new address, put in the old feed"
    )
    license: str = option(values.required_text, "", "the show's license, e.g. `cc-by-4.0`")
    license_url: str = option(values.https_url, "", "the address of the license's text")
    funding: tuple[dict[str, str], ...] = option(
        values.records(("url", "text"), ()),
        (),
        "`url` and `text` of a support link",
        shape="tables",
    )
    persons: tuple[Person, ...] = option(
        values.persons,
        (),
        "`name`, `role`, `group`, `href`, `img` of the show's hosts",
        shape="tables",
    )
    analytics_prefixes: tuple[str, ...] = option(
        values.url_list,
        (),
        'e.g. `["https://op3.dev/e/"]`: measurement prefixes for enclosure URLs in the feed only',
    )
    links: tuple[tuple[str, str], ...] = option(
        values.subscribe_links,
        (),
        "directory links for the subscribe block, e.g. "
        '`apple = "https://podcasts.apple.com/..."`; keys: '
        + ", ".join(f"`{name}`" for name in values.SUBSCRIBE_LABELS),
        shape="table",
    )


@dataclass(frozen=True)
class PublishSettings:
    """``[publish]``: where and how ``publish`` uploads. Credentials never live here."""

    target: str = option(
        values.text, "", "`s3://bucket/prefix`, a folder, or `file:///path`; empty: `_publish/`"
    )
    endpoint_url: str = option(values.endpoint, "", S3_COMPATIBLE)
    region: str = option(values.text, "", S3_COMPATIBLE)
    profile: str = option(values.text, "", S3_COMPATIBLE)
    concurrency: int = option(
        values.int_between(1, 256), 32, "files uploaded at once (a large file counts as one)"
    )
    multipart_concurrency: int = option(
        values.int_between(1, 64), 8, "parts of one large file uploaded at once"
    )
    max_deletes: int = option(
        values.int_between(0, 1_000_000),
        256,
        "the most files `--prune` may delete without `--force`",
    )
    multipart_threshold_mb: int = option(
        values.int_between(5, 5120), 8, "files larger than this many MB upload in parts"
    )
    cache_control: dict[str, str] = option(
        values.cache_control,
        {},
        "Cache-Control per kind: " + ", ".join(f"`{kind}`" for kind in values.CACHE_KINDS),
        shape="table",
    )


@dataclass(frozen=True)
class NotifySettings:
    """``[notify]``: who to tell after a publish that changed the feed."""

    websub: tuple[str, ...] = option(
        values.http_url_list, (), f"WebSub hubs to tell {AUTOMATIC_RELEASE}"
    )
    ping: tuple[str, ...] = option(
        values.url_templates, (), f"URLs with `{{feed}}` to call {AUTOMATIC_RELEASE}"
    )
    cloudfront_distribution: str = option(
        values.text, "", f"the CloudFront distribution to refresh {AUTOMATIC_RELEASE}"
    )


# Each table of site.toml and the dataclass that declares its keys, in reading order.
TABLES: tuple[tuple[str, type], ...] = (
    ("site", SiteSettings),
    ("podcast", PodcastSettings),
    ("publish", PublishSettings),
    ("notify", NotifySettings),
)


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
        return f"{self.site.base_url}/{urls.FEED}"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    """Read and validate ``root/site.toml``; return the config and any warnings.

    Every wrong key is collected and raised together as :class:`ProblemsFound`.
    """
    path = root / CONFIG_NAME
    raw = _read_toml(path)
    problems = Problems()
    values = {table: read_table(raw, table, kind, path, problems) for table, kind in TABLES}
    for name in sorted(set(raw) - set(values)):
        problems.warn(f"unknown section [{name}] is ignored", path)
    _check_artwork(root, values["podcast"], path, problems)
    problems.raise_errors()
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


def _check_artwork(root: Path, podcast: dict[str, Any], path: Path, problems: Problems) -> None:
    artwork = podcast.get("artwork")
    if artwork is None:
        return
    if artwork.suffix.lower() not in (".jpg", ".png"):
        problems.error("artwork must be a .jpg or .png file", path, key="podcast.artwork")
    elif not (root / artwork).is_file():
        problems.append(
            Problem(f"artwork file {artwork} does not exist", path, key="podcast.artwork")
        )


def _assemble(root: Path, values: dict[str, dict[str, Any]]) -> Config:
    """The settings of each table in order, so a key can fall back on one read before it."""
    built: dict[str, Any] = {}
    for table, kind in TABLES:
        found = with_fallbacks(kind, values[table], built)
        if kind is PodcastSettings:
            main, _, sub = (part.strip() for part in found.pop("category", "").partition("/"))
            found.update(category=main, subcategory=sub)
        built[table] = kind(**found)
    return Config(root=root, **built)
