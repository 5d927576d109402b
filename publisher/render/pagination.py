"""Split long archives into pages that stay the same when newer entries are added.

Numbered pages count from the oldest entry: ``page/1/`` holds the oldest ``size`` entries,
``page/2/`` the next ``size``, and so on. The archive's first page (``articles/``, page 0)
holds the rest, the newest: from ``size`` up to ``2 * size - 1`` entries (all of them when
there are fewer than ``2 * size``). So a new entry changes only the first page, and once every
``size`` entries a new numbered page appears, which changes the "newer" link of the page
before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from publisher import urls

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of an archive; ``previous`` is the newer page and ``next`` the older one."""

    number: int
    """0 for the first page (the newest entries), else 1 for the oldest numbered page up."""
    items: Sequence[T]
    path: str
    previous: str | None
    next: str | None


def numbered_pages(count: int, size: int) -> int:
    """How many numbered pages an archive of ``count`` entries has.

    >>> [numbered_pages(n, 5) for n in (0, 4, 5, 9, 10, 14, 15)]
    [0, 0, 0, 0, 1, 1, 2]
    """
    return max(0, count // size - 1)


def paginate(items: Sequence[T], size: int, folder: str) -> list[Page[T]]:
    """The pages of ``items`` (newest first), first page first; an empty archive has one page.

    >>> [(p.path, list(p.items), p.previous, p.next) for p in paginate([5, 4, 3, 2, 1], 2, "a/")]
    [('a/', [5, 4, 3], None, 'a/page/1/'), ('a/page/1/', [2, 1], 'a/', None)]
    """
    count = len(items)
    highest = numbered_pages(count, size)
    first = count - highest * size
    older = urls.archive_page(folder, highest) if highest else None
    pages = [Page(0, items[:first], urls.archive_page(folder, 0), None, older)]
    for number in range(highest, 0, -1):
        end = count - (number - 1) * size
        pages.append(
            Page(
                number,
                items[end - size : end],
                urls.archive_page(folder, number),
                urls.archive_page(folder, number + 1 if number < highest else 0),
                urls.archive_page(folder, number - 1) if number > 1 else None,
            )
        )
    return pages
