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


@pytest.mark.parametrize("value", ["next sunday", "2026-1-1x", 42, ["2026-01-01"]])
def test_bad_dates_are_refused_with_advice(value: object) -> None:
    with pytest.raises(ValueError, match="not a date; write YYYY-MM-DD"):
        resolve_date(value, LONDON, SIX)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2026-02-30",
            "'2026-02-30' is not a real date: February 2026 has 28 days; write YYYY-MM-DD",
        ),
        (
            "2028-02-30",
            "'2028-02-30' is not a real date: February 2028 has 29 days; write YYYY-MM-DD",
        ),
        (
            "2026-12-32",
            "'2026-12-32' is not a real date: December 2026 has 31 days; write YYYY-MM-DD",
        ),
        ("2026-04-00", "'2026-04-00' is not a real date: April 2026 has 30 days; write YYYY-MM-DD"),
        ("2026-13-06", "'2026-13-06' is not a real date: there is no month 13; write YYYY-MM-DD"),
        ("2026-00-06", "'2026-00-06' is not a real date: there is no month 0; write YYYY-MM-DD"),
        (
            "2026-02-30 06:00",
            "'2026-02-30 06:00' is not a real date: February 2026 has 28 days; write YYYY-MM-DD",
        ),
        (
            "2026-12-06 24:00",
            "'2026-12-06 24:00' is not a real time of day; write HH:MM from 00:00 to 23:59",
        ),
        (
            "2026-12-06T06:60",
            "'2026-12-06T06:60' is not a real time of day; write HH:MM from 00:00 to 23:59",
        ),
        (
            "2026-12-06T06:00:00+25:00",
            "'2026-12-06T06:00:00+25:00' has an impossible UTC offset +25:00 (offsets lie between "
            "-23:59 and +23:59); write one such as +01:00, or leave it out to use the site's "
            "timezone",
        ),
        (
            "2026-12-06 06:00 -24:00",
            "'2026-12-06 06:00 -24:00' has an impossible UTC offset -24:00 (offsets lie between "
            "-23:59 and +23:59); write one such as +01:00, or leave it out to use the site's "
            "timezone",
        ),
    ],
)
def test_impossible_dates_say_which_part_is_wrong(value: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        resolve_date(value, LONDON, SIX)
    assert str(caught.value) == message


def test_a_real_leap_day_and_the_largest_offset_are_accepted() -> None:
    assert resolve_date("2028-02-29", LONDON, SIX).day == 29
    late = resolve_date("2026-12-06T06:00:00+23:59", LONDON, SIX)
    assert late.utcoffset() == dt.timedelta(hours=23, minutes=59)


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
