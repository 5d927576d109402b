"""Slugs: the lower-case, hyphenated names used in URLs and folder names."""

from __future__ import annotations

import re
import unicodedata

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """Make a URL slug from a title or tag.

    >>> slugify("Why 'It's Just a Muscle' Misleads")
    'why-its-just-a-muscle-misleads'
    >>> slugify("Rückenschmerz & Heilung")
    'ruckenschmerz-heilung'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def is_slug(text: str) -> bool:
    """True when ``text`` is already a clean slug.

    >>> is_slug("lower-back-pain"), is_slug("../etc"), is_slug("Caps")
    (True, False, False)
    """
    return bool(SLUG_RE.match(text))
