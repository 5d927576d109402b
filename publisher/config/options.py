"""Declaring a ``site.toml`` key once, as a settings dataclass field, and reading it from that.

Each key is one field of a frozen settings dataclass (its name and type), whose default is
:func:`option`, :func:`required` or :func:`same_as`: the check, the default or the key it
falls back on, and the help text. Validation, defaults, unknown-key warnings and the README's
reference table all come from these declarations.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from publisher.errors import Problem, Problems

T = TypeVar("T")
Shape = Literal["value", "table", "tables"]
METADATA_KEY = "site.toml"


@dataclass(frozen=True)
class Option:
    """How one ``site.toml`` key is checked and documented."""

    check: Callable[[Any], Any]
    help: str
    required: bool = False
    fallback: str = ""
    """``"table.key"`` whose value a missing key takes, e.g. ``"site.title"``."""
    shape: Shape = "value"
    """How the key is written: ``key = ...``, a ``[table.key]`` or ``[[table.key]]`` blocks."""


def option(check: Callable[[Any], T], default: T, help: str, *, shape: Shape = "value") -> T:
    """A key that may be left out, ``default`` then applies."""
    meta = {METADATA_KEY: Option(check, help, shape=shape)}
    if isinstance(default, dict | list | set):
        return cast(T, field(default_factory=functools.partial(copy.copy, default), metadata=meta))
    return field(default=default, metadata=meta)


def same_as(check: Callable[[Any], T], other: str, help: str) -> T:
    """A key that takes the value of the key ``other`` (``"table.key"``) when left out."""
    return cast(T, field(metadata={METADATA_KEY: Option(check, help, fallback=other)}))


def required(check: Callable[[Any], T], help: str) -> T:
    """A key that must be set."""
    return cast(T, field(metadata={METADATA_KEY: Option(check, help, required=True)}))


def declared(settings: type) -> Iterator[tuple[str, Option, Any]]:
    """Each key declared in the dataclass ``settings``: its name, option and default."""
    for item in fields(settings):
        if METADATA_KEY in item.metadata:
            default = item.default
            if item.default_factory is not MISSING:
                default = item.default_factory()
            yield item.name, item.metadata[METADATA_KEY], default


def read_table(
    raw: dict[str, Any], table: str, settings: type, path: Path, problems: Problems
) -> dict[str, Any]:
    """The checked values ``raw[table]`` sets; each wrong, missing or unknown key a problem."""
    values = raw.get(table, {})
    if not isinstance(values, dict):
        problems.error(f"[{table}] must be a table", path, key=table)
        return {}
    found: dict[str, Any] = {}
    names = set()
    for name, declaration, _ in declared(settings):
        names.add(name)
        key = f"{table}.{name}"
        if name not in values:
            if declaration.required:
                problems.error("is required but missing", path, key=key)
            continue
        try:
            found[name] = declaration.check(values[name])
        except ValueError as err:
            problems.error(str(err), path, key=key)
    for name in sorted(set(values) - names):
        problems.append(
            Problem("unknown key is ignored", path, key=f"{table}.{name}", severity="warning")
        )
    return found


def with_fallbacks(settings: type, values: dict[str, Any], built: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each missing key that has a fallback set from the ``built`` settings."""
    filled = dict(values)
    for name, declaration, _ in declared(settings):
        if declaration.fallback and name not in filled:
            table, _, key = declaration.fallback.partition(".")
            filled[name] = getattr(built[table], key)
    return filled


def reference_table(tables: tuple[tuple[str, type], ...]) -> str:
    """The Markdown table of every key of ``tables`` ((name, settings dataclass) pairs)."""
    lines = ["| key | default | meaning |", "| --- | --- | --- |"]
    for table, settings in tables:
        for name, declaration, default in declared(settings):
            key = {
                "value": f"[{table}] {name}",
                "table": f"[{table}.{name}]",
                "tables": f"[[{table}.{name}]]",
            }[declaration.shape]
            meaning = declaration.help.replace("|", "\\|")  # a bar would end the cell
            lines.append(f"| `{key}` | {_default_text(declaration, default)} | {meaning} |")
    return "\n".join(lines) + "\n"


def _default_text(declaration: Option, default: Any) -> str:
    """How the README shows a default: a TOML value, or blank when the key is off by default."""
    if declaration.required:
        return "required"
    if declaration.fallback:
        table, _, key = declaration.fallback.partition(".")
        return f"`[{table}] {key}`"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, int):
        return f"`{default}`"
    if isinstance(default, dt.time):
        return f'`"{default:%H:%M}"`'
    if isinstance(default, str) and default:
        return f'`"{default}"`'
    return ""
