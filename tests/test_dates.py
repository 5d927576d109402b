from __future__ import annotations

import datetime as dt

import pytest

from publisher.dates import load_timezone, next_release, parse_now, resolve_date, rfc2822

LONDON = load_timezone("Europe/London")
SIX = dt.time(6, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # British Summer Time starts on 29 March 2026 and ends on 25 October 2026.
        ("2026-03-28", "Sat, 28 Mar 2026 06:00:00 +0000"),
        ("2026-03-29", "Sun, 29 Mar 2026 06:00:00 +0100"),
        ("2026-10-24", "Sat, 24 Oct 2026 06:00:00 +0100"),
        ("2026-10-25", "Sun, 25 Oct 2026 06:00:00 +0000"),
        (dt.date(2026, 7, 5), "Sun, 05 Jul 2026 06:00:00 +0100"),
        (dt.datetime(2026, 7, 5, 18, 30), "Sun, 05 Jul 2026 18:30:00 +0100"),  # noqa: DTZ001
        ("2026-07-05 18:30", "Sun, 05 Jul 2026 18:30:00 +0100"),
        ("2026-07-05T18:30:00-04:00", "Sun, 05 Jul 2026 18:30:00 -0400"),
    ],
)
def test_front_matter_dates_resolve_in_the_site_zone(value: object, expected: str) -> None:
    assert rfc2822(resolve_date(value, LONDON, SIX)) == expected


@pytest.mark.parametrize("value", ["next sunday", "2026-13-01", 42, ["2026-01-01"]])
def test_bad_dates_are_refused_with_advice(value: object) -> None:
    with pytest.raises(ValueError, match="not a date; write YYYY-MM-DD"):
        resolve_date(value, LONDON, SIX)


def test_release_time_applies_to_plain_dates() -> None:
    assert resolve_date("2026-01-04", LONDON, dt.time(19, 15)).hour == 19


def test_next_release_skips_today_once_the_release_time_has_passed() -> None:
    sunday_noon = dt.datetime(2026, 11, 29, 12, 0, tzinfo=LONDON)
    assert next_release(sunday_noon, "sunday", SIX, LONDON).date() == dt.date(2026, 12, 6)
    sunday_dawn = dt.datetime(2026, 11, 29, 5, 0, tzinfo=LONDON)
    assert next_release(sunday_dawn, "sunday", SIX, LONDON).date() == dt.date(2026, 11, 29)


def test_now_accepts_dates_and_offsets() -> None:
    assert parse_now("2026-01-04") == dt.datetime(2026, 1, 4)  # noqa: DTZ001
    assert parse_now("2026-01-04T09:00+01:00").utcoffset() == dt.timedelta(hours=1)
    with pytest.raises(ValueError):
        parse_now("yesterday")


def test_unknown_timezone_names_the_value() -> None:
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Olympus'"):
        load_timezone("Mars/Olympus")
