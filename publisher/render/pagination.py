"""Split long archives into numbered pages: ``articles/``, ``articles/page/2/``, ..."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    number: int
    total: int
    items: Sequence[T]
    path: str
    previous: str | None
    next: str | None


def page_path(folder: str, number: int) -> str:
    """Output folder of page ``number`` of the archive in ``folder``.

    >>> page_path("articles/", 1), page_path("articles/", 3)
    ('articles/', 'articles/page/3/')
    """
    return folder if number == 1 else f"{folder}page/{number}/"


def paginate(items: Sequence[T], size: int, folder: str) -> list[Page[T]]:
    """Pages of ``size`` items; an empty archive still has its first page.

    >>> [(p.path, list(p.items), p.previous, p.next) for p in paginate([1, 2, 3], 2, "a/")]
    [('a/', [1, 2], None, 'a/page/2/'), ('a/page/2/', [3], 'a/', None)]
    """
    total = max(1, -(-len(items) // size))
    return [
        Page(
            number,
            total,
            items[(number - 1) * size : number * size],
            page_path(folder, number),
            page_path(folder, number - 1) if number > 1 else None,
            page_path(folder, number + 1) if number < total else None,
        )
        for number in range(1, total + 1)
    ]
