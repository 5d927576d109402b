"""Each site.toml key is declared once; the README's reference table is made from that."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from publisher.config import values
from publisher.config.options import (
    declared,
    option,
    read_table,
    reference_table,
    required,
    same_as,
    with_fallbacks,
)
from publisher.config.settings import TABLES, Config, PodcastSettings, PublishSettings
from publisher.errors import Problems
from tools.config_reference import END, README, START, with_reference


def test_readme_table_is_the_generated_one() -> None:
    text = README.read_text()
    assert with_reference(text) == text, "README.md's site.toml table is stale: run make reference"


def test_a_stale_table_is_replaced_and_missing_markers_are_named() -> None:
    stale = f"intro\n{START}\n| key | meaning |\n{END}\nafter\n"
    fresh = with_reference(stale)
    assert fresh.startswith(f"intro\n{START}\n\n| key | default | meaning |\n")
    assert fresh.endswith(f"\n{END}\nafter\n") and "| key | meaning |" not in fresh
    with pytest.raises(SystemExit, match="README.md needs the lines"):
        with_reference("no markers\n")


def test_every_table_and_key_is_declared_with_help() -> None:
    settings = {f.name for f in fields(Config)} - {"root"}
    assert {table for table, _ in TABLES} == settings
    for _, kind in TABLES:
        keys = {name for name, _, _ in declared(kind)}
        derived = {f.name for f in fields(kind)} - keys
        assert derived == ({"subcategory"} if kind is PodcastSettings else set())
        assert all(option.help for _, option, _ in declared(kind))


def test_rows_show_key_shape_default_and_help() -> None:
    rows = reference_table(TABLES).splitlines()
    assert "| `[site] title` | required | the site's name |" in rows
    assert "| `[podcast] title` | `[site] title` | the show's name |" in rows
    assert (
        "| `[publish] concurrency` | `32` | files uploaded at once (a large file counts as one) |"
        in rows
    )
    assert (
        '| `[site] release_time` | `"06:00"` | e.g. `"06:00"`; the time of day for dates without a time |'
        in rows
    )
    assert (
        "| `[podcast] locked` | `true` | `true`: other platforms may not import the feed |" in rows
    )
    assert any(row.startswith("| `[[podcast.persons]]` |  | `name`") for row in rows)
    assert any(row.startswith("| `[publish.cache_control]` |  |") for row in rows)


@dataclass(frozen=True)
class Toy:
    """A settings table declared the same way, to see a new key reach the table."""

    name: str = required(values.required_text, "the toy's name")
    nick: str = same_as(values.text, "toy.name", "what friends say")
    size: int = option(values.int_between(1, 9), 3, "how big")
    tags: dict[str, str] = option(values.cache_control, {}, "per kind | all", shape="table")


def test_a_new_key_shows_up_with_its_default() -> None:
    assert reference_table((("toy", Toy),)).splitlines()[2:] == [
        "| `[toy] name` | required | the toy's name |",
        "| `[toy] nick` | `[toy] name` | what friends say |",
        "| `[toy] size` | `3` | how big |",
        "| `[toy.tags]` |  | per kind \\| all |",
    ]
    assert Toy("a", "b").tags == {} and Toy("a", "b").tags is not Toy("a", "b").tags


def test_the_declarations_check_the_values() -> None:
    problems = Problems()
    raw = {"toy": {"size": 10, "colour": "red", "tags": {"html": "no-store"}}}
    found = read_table(raw, "toy", Toy, Path("site.toml"), problems)
    assert found == {"tags": {"html": "no-store"}}
    assert [str(p) for p in problems] == [
        "site.toml: key toy.name: error: is required but missing",
        "site.toml: key toy.size: error: must be a whole number from 1 to 9",
        "site.toml: key toy.colour: warning: unknown key is ignored",
    ]
    assert with_fallbacks(Toy, {"name": "x"}, {"toy": Toy("Ann", "")}) == {
        "name": "x",
        "nick": "Ann",
    }
    assert PublishSettings().concurrency == 32 and PublishSettings().cache_control == {}
