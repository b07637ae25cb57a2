"""Dates that mean something: a call opens and closes by itself at its dates."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from appel.models import Call

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
OPENS = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=PARIS)
CLOSES = datetime.datetime(2027, 3, 31, 18, 0, tzinfo=PARIS)
TICK = datetime.timedelta(microseconds=1)


def phase(status, now, opens=OPENS, closes=CLOSES):
    return Call.phase_of(status, opens, closes, now)


@pytest.mark.parametrize(
    "now, expected",
    [
        (OPENS - TICK, "scheduled"),
        (OPENS, "open"),
        (OPENS + TICK, "open"),
        (CLOSES - TICK, "open"),
        (CLOSES, "closed"),
        (CLOSES + TICK, "closed"),
    ],
)
def test_an_open_call_follows_its_dates_at_the_boundaries(now, expected):
    assert phase("open", now) == expected


def test_time_zones_name_the_same_instant():
    # 09:00 in Paris in January is 08:00 UTC: one microsecond before, still scheduled.
    assert phase("open", datetime.datetime(2027, 1, 15, 7, 59, 59, 999999, tzinfo=UTC)) == (
        "scheduled"
    )
    assert phase("open", datetime.datetime(2027, 1, 15, 8, 0, tzinfo=UTC)) == "open"
    # 18:00 in Paris at the end of March (summer time) is 16:00 UTC.
    assert phase("open", datetime.datetime(2027, 3, 31, 15, 59, tzinfo=UTC)) == "open"
    assert phase("open", datetime.datetime(2027, 3, 31, 16, 0, tzinfo=UTC)) == "closed"


@pytest.mark.parametrize("status", ["draft", "closed", "archived"])
def test_dates_never_move_a_call_that_is_not_open(status):
    for now in (OPENS - TICK, OPENS + TICK, CLOSES + TICK):
        assert phase(status, now) == status


def test_a_call_without_dates_is_what_its_status_says():
    assert phase("open", OPENS, opens=None, closes=None) == "open"
    assert phase("open", CLOSES + TICK, opens=OPENS, closes=None) == "open"
