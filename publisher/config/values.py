"""Checks for single ``site.toml`` values: each returns the clean value or raises ``ValueError``."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher.config.categories import category_problem, person_problem
from publisher.config.person import PERSON_KEYS, Person
from publisher.dates import load_timezone, parse_clock

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")

Check = Callable[[Any], Any]

# Audio is never replaced under the same name once released (Apple's player breaks on it), and
# static assets carry a content hash in their names: both can be cached for a year.
DEFAULT_CACHE_CONTROL = {
    "audio": "public, max-age=31536000, immutable",
    "assets": "public, max-age=31536000, immutable",
    "media": "public, max-age=3600",
    "html": "public, max-age=300",
    "feeds": "public, max-age=300",
    "other": "public, max-age=3600",
}
CACHE_KINDS = tuple(DEFAULT_CACHE_CONTROL)


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a text string in quotes")
    if value != value.strip():
        raise ValueError("must not start or end with spaces")
    return value


def required_text(value: Any) -> str:
    string = text(value)
    if not string:
        raise ValueError("must not be empty")
    return string


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false (without quotes)")
    return value


def base_url(value: Any) -> str:
    url = required_text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an absolute http(s) URL such as 'https://example.org'")
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r} must not have a query or fragment")
    return url.rstrip("/")


def language(value: Any) -> str:
    code = required_text(value).lower()
    if not LANGUAGE_RE.match(code):
        raise ValueError(f"{value!r} is not a language code such as 'en' or 'en-gb'")
    return code


def timezone(value: Any) -> str:
    name = required_text(value)
    load_timezone(name)
    return name


def clock(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    return parse_clock(required_text(value))


def email(value: Any) -> str:
    string = text(value)
    if string and not EMAIL_RE.match(string):
        raise ValueError(f"{string!r} is not an email address")
    return string


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str:
        text = required_text(value).lower()
        if text not in choices:
            raise ValueError(f"{value!r} must be one of: {', '.join(choices)}")
        return text

    return check


def guid(value: Any) -> str:
    string = text(value)
    if string:
        try:
            uuid.UUID(string)
        except ValueError as err:
            raise ValueError(f"{string!r} is not a UUID") from err
    return string


def relative_path(value: Any) -> Path:
    path = Path(required_text(value))
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"{value!r} must be a path inside the site directory")
    return path


def int_between(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return check


def endpoint(value: Any) -> str:
    url = text(value)
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(
            f"{url!r} is not an http(s) URL such as 'https://<account>.r2.cloudflarestorage.com'"
        )
    return url


def cache_control(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"must be a table with keys among: {', '.join(CACHE_KINDS)}")
    unknown = sorted(set(value) - set(CACHE_KINDS))
    if unknown:
        raise ValueError(f"unknown kind {unknown[0]!r}; use: {', '.join(CACHE_KINDS)}")
    return {kind: required_text(text) for kind, text in sorted(value.items())}


def https_url(value: Any) -> str:
    url = text(value)
    parts = urlsplit(url)
    if url and (parts.scheme != "https" or not parts.netloc):
        raise ValueError(f"{url!r} is not an https:// URL")
    return url


def category(value: Any) -> str:
    """``"Main"`` or ``"Main / Sub"`` from Apple's list."""
    main, _, sub = (part.strip() for part in required_text(value).partition("/"))
    problem = category_problem(main, sub)
    if problem:
        raise ValueError(problem)
    return f"{main} / {sub}" if sub else main


def url_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError('must be a list such as ["https://op3.dev/e/"]')
    return tuple(https_url(item) for item in value)


def records(required: tuple[str, ...], optional: tuple[str, ...]) -> Check:
    """An array of tables (``[[podcast.persons]]``) with known keys."""

    def check(value: Any) -> tuple[dict[str, str], ...]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ValueError("must be a list of tables, e.g. [[podcast.persons]] blocks")
        for index, entry in enumerate(value, start=1):
            missing = [name for name in required if entry.get(name) in (None, "")]
            unknown = sorted(set(entry) - set(required) - set(optional))
            if missing or unknown:
                what = f"needs {', '.join(missing)}" if missing else f"unknown key {unknown[0]!r}"
                raise ValueError(f"entry {index} {what}")
            for item in entry.values():
                text(item)
        return tuple({str(k): str(v) for k, v in entry.items()} for entry in value)

    return check


def persons(value: Any) -> tuple[Person, ...]:
    entries: tuple[dict[str, str], ...] = records(("name",), PERSON_KEYS[1:])(value)
    for entry in entries:
        problem = person_problem(entry.get("role", ""), entry.get("group", ""))
        if problem:
            raise ValueError(f"{entry['name']}: {problem}")
    return tuple(Person.from_entry(entry) for entry in entries)


SUBSCRIBE_LABELS = {
    "apple": "Apple Podcasts",
    "spotify": "Spotify",
    "overcast": "Overcast",
    "pocket_casts": "Pocket Casts",
    "youtube": "YouTube",
    "antennapod": "AntennaPod",
    "podcast_addict": "Podcast Addict",
    "castbox": "Castbox",
    "amazon": "Amazon Music",
}


def subscribe_links(value: Any) -> tuple[tuple[str, str], ...]:
    """``[podcast.links]``: directory name to the show's https page, in a fixed order."""
    if not isinstance(value, dict):
        raise ValueError(f"must be a table with keys among: {', '.join(SUBSCRIBE_LABELS)}")
    unknown = sorted(set(value) - set(SUBSCRIBE_LABELS))
    if unknown:
        raise ValueError(f"unknown directory {unknown[0]!r}; use: {', '.join(SUBSCRIBE_LABELS)}")
    return tuple(
        (SUBSCRIBE_LABELS[key], https_url(value[key])) for key in SUBSCRIBE_LABELS if key in value
    )


def url_templates(value: Any) -> tuple[str, ...]:
    """Ping URLs with ``{feed}`` where the feed's address goes."""
    if not isinstance(value, list):
        raise ValueError('must be a list such as ["https://ping.example/?url={feed}"]')
    for item in value:
        if "{feed}" not in str(item):
            raise ValueError(f"{item!r} must contain {{feed}} where the feed address goes")
    return tuple(
        http_url(str(item).replace("{feed}", "FEED")).replace("FEED", "{feed}") for item in value
    )


def http_url(value: Any) -> str:
    url = text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return url


def http_url_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError('must be a list such as ["https://pubsubhubbub.appspot.com/"]')
    return tuple(http_url(item) for item in value)
