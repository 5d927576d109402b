"""A ``podcast:person``: someone who made the show or an episode."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Person:
    """One entry of ``[[podcast.persons]]`` or of an episode's ``persons:``.

    ``role`` and ``group`` come from the Podcasting 2.0 taxonomy; empty means the defaults
    (host, cast).
    """

    name: str
    role: str = ""
    group: str = ""
    href: str = ""
    img: str = ""

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> Person:
        """A person from a checked entry; values become text and an empty value ``""``.

        >>> Person.from_entry({"name": "Ann", "role": "host", "img": None})
        Person(name='Ann', role='host', group='', href='', img='')
        """
        return cls(**{key: "" if value is None else str(value) for key, value in entry.items()})


PERSON_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Person))
