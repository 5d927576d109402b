"""Typed reading of front-matter values; each wrong value becomes a problem at its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

from publisher.config.categories import person_problem
from publisher.config.person import PERSON_KEYS, Person
from publisher.config.settings import Config
from publisher.content.chapters import parse_timestamp
from publisher.content.frontmatter import FrontMatter, parse_front_matter, read_text
from publisher.content.model import Soundbite
from publisher.content.slugs import is_slug, slugify
from publisher.dates import resolve_date
from publisher.errors import Problem, Problems

T = TypeVar("T")


class FieldReader:
    """Reads front-matter keys of one file, collecting problems instead of stopping."""

    def __init__(
        self, matter: FrontMatter, path: Path, tz: dt.tzinfo, release_time: dt.time
    ) -> None:
        self.matter = matter
        self.path = path
        self.tz = tz
        self.release_time = release_time
        self.problems = Problems()

    @classmethod
    def open(cls, config: Config, path: Path) -> FieldReader:
        """Read ``path``'s front matter for typed access in the site's timezone."""
        matter = parse_front_matter(read_text(path), path)
        return cls(matter, path, config.site.tz, config.site.release_time)

    def item_fields(self) -> dict[str, Any]:
        """The front matter that articles and episodes share, as model keyword arguments."""
        return {
            "title": self.text("title", required=True),
            "date": self.date("date", required=True),
            "source": self.path,
            "body": self.matter.body,
            "body_line": self.matter.body_line,
            "summary": self.text("summary"),
            "draft": bool(self.flag("draft")),
            "tags": self.tags(),
            "key_lines": tuple(sorted(self.matter.key_lines.items())),
        }

    def unless_errors(self, item: T) -> tuple[T | None, list[Problem]]:
        """The item, or ``None`` when any problem found so far is an error."""
        return (None if self.problems.has_errors else item), self.problems

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

    def persons(self, key: str = "persons") -> tuple[Person, ...]:
        entries = self.records(key, ("name",))
        for entry in entries:
            unknown = sorted(set(entry) - set(PERSON_KEYS))
            if unknown:
                self.fail(
                    key,
                    f"{entry['name']}: unknown key {unknown[0]!r}; use: {', '.join(PERSON_KEYS)}",
                )
                return ()
            problem = person_problem(str(entry.get("role", "")), str(entry.get("group", "")))
            if problem:
                self.fail(key, f"{entry['name']}: {problem}")
                return ()
        return tuple(Person.from_entry(entry) for entry in entries)

    def soundbites(self, audio_seconds: float, key: str = "soundbites") -> tuple[Soundbite, ...]:
        found = []
        for index, entry in enumerate(self.records(key, ("start", "duration")), start=1):
            try:
                start = parse_timestamp(entry["start"])
                length = parse_timestamp(entry["duration"])
            except ValueError as err:
                self.fail(key, f"soundbite {index}: {err}")
                return ()
            if length <= 0 or start + length > audio_seconds:
                self.fail(
                    key, f"soundbite {index} must lie inside the audio ({audio_seconds:.0f} s)"
                )
                return ()
            found.append(Soundbite(start, length, str(entry.get("title", ""))))
        return tuple(found)

    def records(self, key: str, required_fields: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be a list of entries such as '- name: ...'")
            return ()
        for entry in value:
            missing = [name for name in required_fields if entry.get(name) in (None, "")]
            if missing:
                self.fail(key, f"every entry needs {', '.join(missing)}")
                return ()
        return tuple(value)
