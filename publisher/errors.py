"""Errors and problems that name the file, line or key an editor has to fix."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

FULL = (errno.ENOSPC, errno.EDQUOT)
REFUSED = (errno.EROFS, errno.EACCES, errno.EPERM)


def format_location(
    path: Path | str | None, line: int | None = None, key: str | None = None
) -> str:
    """Render ``path:line`` or ``path: key k`` as the prefix of a message.

    >>> format_location("site.toml", key="podcast.owner_email")
    'site.toml: key podcast.owner_email'
    >>> format_location("episodes/a/episode.md", 3)
    'episodes/a/episode.md:3'
    """
    text = str(path) if path is not None else ""
    if line is not None:
        text += f":{line}"
    if key is not None:
        text += f": key {key}" if text else f"key {key}"
    return text


def site_path(path: Path, root: Path) -> str:
    """``path`` as an editor sees it inside the site folder, for use inside a message.

    >>> site_path(Path("/s/episodes/a/episode.md"), Path("/s"))
    'episodes/a/episode.md'
    """
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def cannot_write(err: OSError, elsewhere: str) -> str:
    """Why writing failed, then what to do; ``elsewhere`` is the advice when the place refuses.

    >>> cannot_write(OSError(errno.ENOSPC, "No space left on device"), "choose another folder")
    'no space left on device; free some space and build again'
    >>> cannot_write(OSError(errno.EROFS, "Read-only file system"), "choose another --out folder")
    'read-only file system; choose another --out folder'
    """
    reason = err.strerror or str(err) or type(err).__name__
    reason = reason[:1].lower() + reason[1:]
    if err.errno in FULL:
        return f"{reason}; free some space and build again"
    if err.errno in REFUSED:
        return f"{reason}; {elsewhere}"
    return f"{reason}; check the disk and build again"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, configuration or output."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    key: str | None = None
    severity: str = "error"
    moment: str | None = None
    """The scheduled release at which the problem appears, when it is not there now."""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = format_location(self.path, self.line, self.key)
        prefix = f"{where}: " if where else ""
        when = f"on {self.moment}: " if self.moment else ""
        return f"{when}{prefix}{self.severity}: {self.message}"


class PublisherError(Exception):
    """A problem the user can fix; the CLI prints it and exits with status 1."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.problem = Problem(message, path, line, key)

    def __str__(self) -> str:
        return str(self.problem)


class ConfigError(PublisherError):
    """``site.toml`` is missing, malformed or has a wrong value."""


class ContentError(PublisherError):
    """An article or episode file is malformed."""


class AudioError(ContentError):
    """An audio file is missing, empty or unreadable."""


class StorageError(PublisherError):
    """The publish target refused or failed an operation."""


class ProblemsFound(PublisherError):
    """Validation collected one or more errors; each is reported on its own line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{len(errors)} problem(s) found")

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class Problems(list[Problem]):
    """The problems found so far while reading a site: every one is collected, then the
    reading fails once (``raise_errors``). Rules, which only look, return plain lists."""

    def error(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.append(Problem(message, path, line, key))

    def warn(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.append(Problem(message, path, line, key, severity="warning"))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self)

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Run a step that stops on what it cannot read (a ``PublisherError``): note why and
        go on with the next step.

        >>> problems = Problems()
        >>> with problems.collecting():
        ...     raise ContentError("cannot read this", "a.md", 3)
        >>> [str(p) for p in problems]
        ['a.md:3: error: cannot read this']
        """
        try:
            yield
        except ProblemsFound as err:
            self.extend(err.problems)
        except PublisherError as err:
            self.append(err.problem)

    def raise_errors(self) -> None:
        """Stop with every problem when any of them is an error."""
        if self.has_errors:
            raise ProblemsFound(list(self))
