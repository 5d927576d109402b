"""The build cache's FORMAT changes whenever a dataclass it pickles changes shape.

An old pickle of a dataclass that has since gained, lost or retyped a field loads without an
error and then breaks (or silently lacks the field) far from the cache. So the shapes of every
dataclass that reaches the pickle are fingerprinted in ``MODEL_SHAPE``, which is part of
``FORMAT``: a new shape needs a new ``MODEL_SHAPE``, and that drops every old cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from publisher.cache import FORMAT, MODEL_SHAPE, BuildCache
from publisher.checks.memo import Checked
from publisher.content.model import Article, Episode
from publisher.errors import Problem
from publisher.render.markup import RenderedText
from tests.conftest import SiteFactory, build_site
from tests.test_feed_standards import full_site  # noqa: F401  (a fixture)

# What BuildCache holds: loaded items with their problems, and rendered Markdown; and the
# check results kept beside it (publisher.checks.memo).
PICKLED: tuple[type, ...] = (Article, Episode, Problem, RenderedText, Checked)


def type_name(hint: Any) -> str:
    """``hint`` spelled the same way on every Python version, e.g. ``pathlib.Path | None``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(arg) for arg in args)
    if origin is not None:
        return f"{type_name(origin)}[{', '.join(type_name(arg) for arg in args)}]"
    if hint is Ellipsis:
        return "..."
    if hint is type(None):
        return "None"
    if isinstance(hint, type):
        return f"{hint.__module__}.{hint.__qualname__}"
    return repr(hint)


def inner_types(hint: Any) -> Iterator[Any]:
    """``hint`` and every type inside it, e.g. ``Chapter`` in ``tuple[Chapter, ...]``."""
    yield hint
    for arg in typing.get_args(hint):
        yield from inner_types(arg)


def shapes(*roots: type) -> dict[str, str]:
    """Each dataclass reachable from ``roots`` through field types, with its fields' types."""
    found: dict[str, str] = {}
    todo = list(roots)
    while todo:
        kind = todo.pop()
        name = type_name(kind)
        if name in found:
            continue
        hints = typing.get_type_hints(kind)
        found[name] = ", ".join(
            f"{f.name}: {type_name(hints[f.name])}" for f in dataclasses.fields(kind)
        )
        for item in dataclasses.fields(kind):
            todo.extend(
                t
                for t in inner_types(hints[item.name])
                if dataclasses.is_dataclass(t) and isinstance(t, type)
            )
    return dict(sorted(found.items()))


def fingerprint(*roots: type) -> str:
    text = "\n".join(f"{name}({fields})" for name, fields in shapes(*roots).items())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stale_shape(recorded: str, *roots: type) -> str | None:
    """What to do when the shape of ``roots`` is no longer ``recorded``, or ``None``."""
    now = fingerprint(*roots)
    if now == recorded:
        return None
    return (
        "a dataclass the build cache pickles changed shape, so caches of earlier builds would "
        f"load wrong: set MODEL_SHAPE = {now!r} in publisher/cache.py (it is part of FORMAT)"
    )


def test_the_cache_format_names_the_shape_of_what_it_pickles() -> None:
    problem = stale_shape(MODEL_SHAPE, *PICKLED)
    assert problem is None, problem
    assert FORMAT.endswith(f" {MODEL_SHAPE}")


def test_the_shapes_reach_nested_dataclasses() -> None:
    names = set(shapes(*PICKLED))
    for nested in ("Person", "Chapter", "Cue", "AudioInfo", "Attachment", "Soundbite"):
        assert any(name.endswith("." + nested) for name in names), nested


def toy(*leaf_fields: Any) -> type:
    """A ``Tree`` holding ``Leaf`` values with ``leaf_fields``, made anew each time."""
    leaf = dataclasses.make_dataclass("Leaf", leaf_fields, frozen=True)
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = [
        ("leaves", tuple[leaf, ...]),  # type: ignore[valid-type]
        ("label", str | None, None),
    ]
    return dataclasses.make_dataclass("Tree", fields, frozen=True)


def test_a_nested_field_changes_the_fingerprint() -> None:
    before = fingerprint(toy(("value", int)))
    assert fingerprint(toy(("value", int))) == before
    assert fingerprint(toy(("value", int), ("colour", str, ""))) != before
    assert fingerprint(toy(("value", float))) != before
    assert fingerprint(toy(("amount", int))) != before


def test_the_check_can_fail() -> None:
    recorded = fingerprint(toy(("value", int)))
    assert stale_shape(recorded, toy(("value", int))) is None
    problem = stale_shape(recorded, toy(("value", int), ("colour", str, "")))
    assert problem is not None and "set MODEL_SHAPE = '" in problem
    assert recorded not in problem


def pickled_values(value: Any) -> Iterator[Any]:
    """``value`` and everything inside it, as pickle would walk it."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from pickled_values(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from pickled_values(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from pickled_values(getattr(value, item.name))


def test_every_dataclass_in_a_real_cache_is_fingerprinted(
    full_site: SiteFactory,  # noqa: F811
    tmp_path: Path,
) -> None:
    build_site(full_site.root, tmp_path / "out")
    cache = BuildCache.open(full_site.root)
    stored = [cache.items, cache.texts, cache.links, cache.pages, cache.outputs]
    kinds = {type_name(type(v)) for v in pickled_values(stored) if dataclasses.is_dataclass(v)}
    assert {"publisher.config.person.Person", "publisher.content.model.Episode"} <= kinds
    assert kinds <= set(shapes(*PICKLED)), "add the new pickled dataclass to PICKLED"
