"""Split long archives into numbered pages: ``articles/``, ``articles/page/2/``, ..."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from publisher import urls

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    number: int
    total: int
    items: Sequence[T]
    path: str
    previous: str | None
    next: str | None


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
            urls.archive_page(folder, number),
            urls.archive_page(folder, number - 1) if number > 1 else None,
            urls.archive_page(folder, number + 1) if number < total else None,
        )
        for number in range(1, total + 1)
    ]
