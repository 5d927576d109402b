"""Dates from front matter and the command line, in the site's timezone."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from email.utils import format_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# The shape of a date or date-time, so a value of the right shape with impossible parts
# (30 February, month 13, 25:00, offset +25:00) gets a message that says which part.
DATE_SHAPE_RE = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2})(?:[.,]\d+)?)?"
    r"\s*(?P<offset>[Zz]|[+-](?P<off_h>\d{2}):?(?P<off_m>\d{2})?)?)?$"
)


def load_timezone(name: str) -> dt.tzinfo:
    """Return the IANA zone ``name``; raise ``ValueError`` for an unknown one.

    >>> load_timezone("Europe/London").key
    'Europe/London'
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(
            f"unknown timezone {name!r} (use an IANA name such as 'Europe/London')"
        ) from err


def parse_clock(text: str) -> dt.time:
    """Parse a release time of day such as ``"06:00"``.

    >>> parse_clock("06:30")
    datetime.time(6, 30)
    """
    try:
        return dt.time.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f"{text!r} is not a time of day like '06:00'") from err


def resolve_date(
    value: object, tz: dt.tzinfo, release_time: dt.time = dt.time(6, 0)
) -> dt.datetime:
    """Turn a front-matter date into an aware datetime.

    A plain date means the release time on that day in ``tz``; a naive datetime is in ``tz``.

    >>> london = load_timezone("Europe/London")
    >>> resolve_date("2025-07-06", london).isoformat()
    '2025-07-06T06:00:00+01:00'
    >>> resolve_date("2025-01-05T08:00:00Z", london).isoformat()
    '2025-01-05T08:00:00+00:00'
    >>> resolve_date("9999-12-31T23:59-12:00", london)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 9999-12-31 is too far away to be a release date; write a date between the ...
    """
    if isinstance(value, str):
        value = _parse_iso(value)
    if isinstance(value, dt.datetime):
        resolved = value if value.tzinfo is not None else value.replace(tzinfo=tz)
    elif isinstance(value, dt.date):
        resolved = dt.datetime.combine(value, release_time, tzinfo=tz)
    else:
        raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD or YYYY-MM-DD HH:MM")
    try:
        resolved.astimezone(dt.UTC)  # every comparison and feed date goes through UTC
    except OverflowError as err:
        raise ValueError(
            f"{resolved.date().isoformat()} is too far away to be a release date; write a date "
            "between the years 1 and 9999"
        ) from err
    return resolved


def _parse_iso(text: str) -> dt.date | dt.datetime:
    text = text.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError as err:
        raise ValueError(explain_bad_date(text)) from err


def explain_bad_date(text: str) -> str:
    """Say what is wrong with a date that Python cannot read, naming the impossible part.

    >>> explain_bad_date("2026-02-30")
    "'2026-02-30' is not a real date: February 2026 has 28 days; write YYYY-MM-DD"
    >>> explain_bad_date("2026-13-06")
    "'2026-13-06' is not a real date: there is no month 13; write YYYY-MM-DD"
    >>> explain_bad_date("2026-12-06T25:00")
    "'2026-12-06T25:00' is not a real time of day; write HH:MM from 00:00 to 23:59"
    >>> explain_bad_date("next sunday")
    "'next sunday' is not a date; write YYYY-MM-DD or YYYY-MM-DD HH:MM"
    """
    generic = f"{text!r} is not a date; write YYYY-MM-DD or YYYY-MM-DD HH:MM"
    match = DATE_SHAPE_RE.match(text)
    if match is None:
        return generic
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not 1 <= month <= 12:
        return f"{text!r} is not a real date: there is no month {month}; write YYYY-MM-DD"
    days = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= days:
        return (
            f"{text!r} is not a real date: {MONTHS[month - 1]} {year} has {days} days; "
            "write YYYY-MM-DD"
        )
    if match["hour"] is not None and (
        int(match["hour"]) > 23 or int(match["minute"]) > 59 or int(match["second"] or 0) > 59
    ):
        return f"{text!r} is not a real time of day; write HH:MM from 00:00 to 23:59"
    if match["off_h"] is not None and (int(match["off_h"]) > 23 or int(match["off_m"] or 0) > 59):
        return (
            f"{text!r} has an impossible UTC offset {match['offset']} (offsets lie between "
            "-23:59 and +23:59); write one such as +01:00, or leave it out to use the "
            "site's timezone"
        )
    return generic


def parse_now(text: str) -> dt.datetime:
    """Parse the ``--now`` option; a naive value is later read in the site's timezone.

    >>> parse_now("2026-01-04T09:00")
    datetime.datetime(2026, 1, 4, 9, 0)
    """
    value = _parse_iso(text)
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(0, 0))


def localize_now(now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Give a naive ``now`` the site's timezone; leave an aware one as it is."""
    return now if now.tzinfo is not None else now.replace(tzinfo=tz)


def rfc2822(value: dt.datetime) -> str:
    """Format an aware datetime for RSS ``pubDate``.

    >>> rfc2822(resolve_date("2025-01-05", load_timezone("UTC"), dt.time(8, 0)))
    'Sun, 05 Jan 2025 08:00:00 +0000'
    """
    return format_datetime(value)


def iso_date(value: dt.datetime) -> str:
    """Format the calendar date in the value's own timezone (for sitemaps and pages).

    >>> iso_date(dt.datetime(2025, 1, 5, 23, 30, tzinfo=dt.timezone.utc))
    '2025-01-05'
    """
    return value.date().isoformat()


def next_release(
    after: dt.datetime, weekday: str, release_time: dt.time, tz: dt.tzinfo
) -> dt.datetime:
    """Return the first release instant on ``weekday`` strictly after ``after``.

    >>> utc = load_timezone("UTC")
    >>> start = dt.datetime(2026, 11, 27, 12, 0, tzinfo=utc)
    >>> next_release(start, "sunday", dt.time(6, 0), utc).isoformat()
    '2026-11-29T06:00:00+00:00'
    """
    local = after.astimezone(tz)
    target = WEEKDAYS.index(weekday)
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        candidate = dt.datetime.combine(day, release_time, tzinfo=tz)
        if day.weekday() == target and candidate > local:
            return candidate
    raise AssertionError("unreachable: a weekday recurs within eight days")


def clock_label(seconds: float) -> str:
    """A time or duration as players show it: whole seconds (rounded down), ``m:ss`` or
    ``h:mm:ss``.

    >>> clock_label(65), clock_label(3725.9), clock_label(5.64)
    ('1:05', '1:02:05', '0:05')
    """
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def iso_duration(seconds: float) -> str:
    """A time or duration in ISO 8601, for ``<time datetime>`` and structured data.

    >>> iso_duration(90.5), iso_duration(5)
    ('PT90.5S', 'PT5S')
    """
    return f"PT{seconds:g}S"
