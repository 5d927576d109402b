"""Typed reading of front-matter values; each wrong value becomes a problem at its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from publisher.dates import resolve_date
from publisher.errors import Problem
from publisher.frontmatter import FrontMatter
from publisher.slugs import is_slug, slugify


class FieldReader:
    """Reads front-matter keys of one file, collecting problems instead of stopping."""

    def __init__(
        self, matter: FrontMatter, path: Path, tz: dt.tzinfo, release_time: dt.time
    ) -> None:
        self.matter = matter
        self.path = path
        self.tz = tz
        self.release_time = release_time
        self.problems: list[Problem] = []

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(f"{key}: {message}", self.path, self.matter.line_of(key)))

    def warn_unknown(self, known: set[str]) -> None:
        for key in sorted(set(self.matter.data) - known, key=str):
            self.problems.append(
                Problem(
                    f"unknown front matter key {key!r} is ignored (check its spelling)",
                    self.path,
                    self.matter.line_of(str(key)),
                    severity="warning",
                )
            )

    def _get(self, key: str, required: bool) -> Any:
        value = self.matter.data.get(key)
        if value is None and required:
            self.problems.append(
                Problem(f"{key} is required; add a line '{key}: ...'", self.path, 1)
            )
        return value

    def text(self, key: str, required: bool = False) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if isinstance(value, bool | list | dict):
            self.fail(key, "must be text")
            return ""
        text = str(value).strip()
        if required and not text:
            self.fail(key, "must not be empty")
        return text

    def date(self, key: str, required: bool = False) -> dt.datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        try:
            return resolve_date(value, self.tz, self.release_time)
        except ValueError as err:
            self.fail(key, str(err))
            return None

    def flag(self, key: str) -> bool | None:
        value = self._get(key, False)
        if value is None or isinstance(value, bool):
            return value
        self.fail(key, "must be true or false")
        return None

    def count(self, key: str) -> int | None:
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(key, "must be a whole number of 1 or more")
            return None
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value and value not in choices:
            self.fail(key, f"must be one of: {', '.join(choices)}")
            return choices[0]
        return value or choices[0]

    def slug(self, key: str, default: str = "") -> str:
        value = self.text(key) or default
        if value and not is_slug(value):
            self.fail(
                key,
                f"{value!r} is not a slug: use lower-case letters, digits and hyphens "
                f"such as {slugify(value) or 'my-title'!r}",
            )
            return ""
        return value

    def tags(self, key: str = "tags") -> tuple[str, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [part for part in value.split(",")]
        if not isinstance(value, list) or not all(isinstance(t, str | int) for t in value):
            self.fail(key, "must be a list such as [back pain, exercise]")
            return ()
        tags = [str(tag).strip() for tag in value if str(tag).strip()]
        for tag in tags:
            if not slugify(tag):
                self.fail(key, f"tag {tag!r} needs at least one letter or digit")
                return ()
        return tuple(dict.fromkeys(tags))

    def records(self, key: str, required_fields: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be a list of entries such as '- name: ...'")
            return ()
        for entry in value:
            missing = [name for name in required_fields if not entry.get(name)]
            if missing:
                self.fail(key, f"every entry needs {', '.join(missing)}")
                return ()
        return tuple(value)
