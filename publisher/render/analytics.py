"""Measurement prefixes (OP3, Podtrac, ...) chained in front of enclosure URLs in the feed only."""

from __future__ import annotations


def _without_scheme(url: str) -> str:
    return url.split("://", 1)[-1]


def prefixed(url: str, prefixes: tuple[str, ...]) -> str:
    """Chain ``prefixes`` in front of ``url``; each later part loses its scheme.

    >>> prefixed("https://example.org/e/a.mp3", ("https://op3.dev/e/", "https://dts.podtrac.com/redirect.mp3/"))
    'https://op3.dev/e/dts.podtrac.com/redirect.mp3/example.org/e/a.mp3'
    >>> prefixed("https://example.org/e/a.mp3", ())
    'https://example.org/e/a.mp3'
    """
    if not prefixes:
        return url
    chained = _without_scheme(url)
    for prefix in reversed(prefixes[1:]):
        chained = _without_scheme(prefix.rstrip("/")) + "/" + chained
    return prefixes[0].rstrip("/") + "/" + chained


def unprefixed(url: str, base: str, prefixes: tuple[str, ...]) -> str | None:
    """The output path an enclosure URL points at, or ``None`` when it is not under ``base``.

    >>> unprefixed("https://op3.dev/e/example.org/e/a.mp3", "https://example.org", ("https://op3.dev/e/",))
    'e/a.mp3'
    """
    start = prefixed(base.rstrip("/") + "/", prefixes)
    return url[len(start) :] if url.startswith(start) else None
