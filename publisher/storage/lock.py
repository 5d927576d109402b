"""Who holds a publish lock, and whether that holder provably stopped."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
from dataclasses import dataclass

WORKFLOW_PREFIX = "workflow "


OWNER_RE = re.compile(
    r"^(?P<host>.+) pid (?P<pid>\d+) since (?P<day>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}) UTC$"
)


@dataclass(frozen=True)
class LockHolder:
    """Who holds a (remote) publish lock: written into the lock, shown to whoever finds it.

    >>> holder = LockHolder("studio", 4242, "2026-11-29T06:10Z")
    >>> holder.describe()
    'studio pid 4242 since 2026-11-29 06:10 UTC'
    >>> LockHolder.from_bytes(holder.to_bytes()) == holder
    True
    >>> LockHolder.from_bytes(b'{"owner": "studio pid 4242 since 2026-11-29 06:10 UTC"}') == holder
    True
    >>> LockHolder.from_bytes(b"not json") is None
    True
    """

    host: str
    pid: int
    since: str  # ISO 8601 UTC to the minute, e.g. "2026-11-29T06:10Z"
    attempt: int = 1
    """For a workflow run, which attempt of it (a re-run keeps the run's number)."""

    @classmethod
    def here(cls, now: dt.datetime) -> LockHolder:
        """This process on this host, holding since ``now`` (an aware time).

        >>> paris = dt.timezone(dt.timedelta(hours=1))
        >>> LockHolder.here(dt.datetime(2026, 11, 29, 7, 10, tzinfo=paris)).since
        '2026-11-29T06:10Z'
        """
        return cls(socket.gethostname(), os.getpid(), f"{now.astimezone(dt.UTC):%Y-%m-%dT%H:%M}Z")

    def to_bytes(self) -> bytes:
        """JSON with the fields and, for older readers, the human ``owner`` text."""
        note = {"host": self.host, "pid": self.pid, "since": self.since, "owner": self.describe()}
        if self.attempt != 1:
            note["attempt"] = self.attempt
        return json.dumps(note).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> LockHolder | None:
        """The holder a lock names; ``None`` when it cannot be read.

        Reads both this format and the older ``{"owner": "HOST pid N since YYYY-MM-DD HH:MM UTC"}``.
        """
        try:
            note = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(note, dict):
            return None
        host, pid, since = note.get("host"), note.get("pid"), note.get("since")
        if (
            isinstance(host, str)
            and host
            and type(pid) is int
            and pid > 0
            and isinstance(since, str)
            and _utc_minute(since) is not None
        ):
            attempt = note.get("attempt", 1)
            return cls(host, pid, since, attempt if type(attempt) is int and attempt > 0 else 1)
        owner = note.get("owner")
        match = OWNER_RE.match(owner) if isinstance(owner, str) else None
        if match is None or int(match["pid"]) < 1:
            return None
        since = f"{match['day']}T{match['time']}Z"
        if _utc_minute(since) is None:
            return None
        return cls(match["host"], int(match["pid"]), since)

    @classmethod
    def workflow_run(cls, workflow: str, run_id: int, attempt: int, now: dt.datetime) -> LockHolder:
        """A run of a CI workflow whose runs never overlap (GitHub's ``concurrency`` group):
        its runners change hosts, so the workflow, not the host, names where it runs."""
        since = f"{now.astimezone(dt.UTC):%Y-%m-%dT%H:%M}Z"
        return cls(f"{WORKFLOW_PREFIX}{workflow}", run_id, since, attempt)

    def is_gone(self, here: LockHolder) -> bool:
        """True only when this holder provably no longer runs, as seen by ``here``.

        On one host, a process that does not exist is gone. For one serialised workflow, an
        earlier run is gone once a later one runs. Anything else cannot be proven.
        """
        if self.host != here.host or self.pid < 1:
            return False
        if self.host.startswith(WORKFLOW_PREFIX):
            return (self.pid, self.attempt) != (here.pid, here.attempt)
        if self.pid == here.pid:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # it exists, under another user
            return False
        return False

    def describe(self) -> str:
        """``HOST pid N since YYYY-MM-DD HH:MM UTC``, for messages."""
        moment = _utc_minute(self.since)
        since = f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else self.since
        if self.host.startswith(WORKFLOW_PREFIX):
            again = f" attempt {self.attempt}" if self.attempt != 1 else ""
            return f"{self.host} run {self.pid}{again} since {since}"
        return f"{self.host} pid {self.pid} since {since}"


def _utc_minute(text: str) -> dt.datetime | None:
    """``text`` as an aware UTC time, or ``None`` when it is not ISO 8601.

    >>> _utc_minute("2026-11-29T06:10Z")
    datetime.datetime(2026, 11, 29, 6, 10, tzinfo=datetime.timezone.utc)
    """
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    return value.astimezone(dt.UTC)
