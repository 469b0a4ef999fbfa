"""Study days across a daylight-saving change, for a user in Berlin (CET/CEST).

The zone is given as a POSIX TZ rule, which the C library reads without tz data files,
so the test runs the same on any machine. In 2026 Berlin springs forward on 29 March
(02:00 CET → 03:00 CEST, 01:00 UTC) and falls back on 25 October (03:00 CEST →
02:00 CET, 01:00 UTC). With the rollover at 04:00 local time, the study day of 28 March
is 23 hours long and that of 24 October 25 hours; each still starts at 04:00 on the wall
clock, in Python (`clock.StudyCalendar`) and in SQLite alike.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, literal, select

from llmcards import clock
from llmcards.config import Settings
from llmcards.scheduling.fsrs_bridge import study_days_between
from llmcards.scheduling.review import rate_card
from llmcards.scheduling.types import GOOD
from llmcards.stats.days import sql_study_date, sql_study_day_number
from llmcards.stats.streak import study_streak
from tests.scheduling.helpers import basic, make_db

BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"


@pytest.fixture(autouse=True)
def berlin() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = BERLIN
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_days_start_at_the_rollover_on_the_wall_clock_on_both_sides_of_a_change() -> None:
    days = clock.calendar(4)
    assert days.start_of(date(2026, 3, 28)) == utc("2026-03-28 03:00")  # 04:00 CET
    assert days.start_of(date(2026, 3, 29)) == utc("2026-03-29 02:00")  # 04:00 CEST
    assert days.start_of(date(2026, 10, 24)) == utc("2026-10-24 02:00")  # 04:00 CEST
    assert days.start_of(date(2026, 10, 25)) == utc("2026-10-25 03:00")  # 04:00 CET
    # 03:59 CEST on 29 March is still the 28th's study day; 04:00 CEST starts the 29th.
    assert clock.day_start(utc("2026-03-29 01:59"), 4) == utc("2026-03-28 03:00")
    assert clock.day_start(utc("2026-03-29 02:00"), 4) == utc("2026-03-29 02:00")
    assert clock.next_day_start(utc("2026-03-28 12:00"), 4) == utc("2026-03-29 02:00")
    assert clock.next_day_start(utc("2026-10-24 12:00"), 4) == utc("2026-10-25 03:00")
    # A rollover hour before the change (01:00) moves with the clock as well.
    assert clock.calendar(1).start_of(date(2026, 3, 30)) == utc("2026-03-29 23:00")


@pytest.mark.parametrize("rollover", [0, 1, 2, 3, 4, 23])
def test_sqlite_and_python_give_every_moment_the_same_study_day(rollover: int) -> None:
    days = clock.calendar(rollover)
    engine = create_engine("sqlite://")
    moments = [
        start + timedelta(minutes=minutes)
        for start in (utc("2026-03-27 12:00"), utc("2026-10-23 12:00"))
        for minutes in range(0, 72 * 60, 10)
    ]
    with engine.connect() as conn:
        for moment in moments:
            stored = literal(moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"))
            key, number = conn.execute(
                select(sql_study_date(stored, days), sql_study_day_number(stored, days))
            ).one()
            expected = days.date_of(moment)
            assert date.fromisoformat(key) == expected, moment
            assert number == days.day_number(moment)
            # The day a moment belongs to starts at or before it and ends after it.
            assert days.start_of(expected) <= moment < days.start_of(expected + timedelta(1))


def test_fsrs_counts_study_days_not_24_hour_periods_across_the_change() -> None:
    evening = utc("2026-03-28 21:00")  # 22:00 CET
    assert study_days_between(evening, utc("2026-03-29 01:30"), 4) == 0  # 03:30 CEST
    assert study_days_between(evening, utc("2026-03-29 02:30"), 4) == 1  # 04:30 CEST


def test_the_streak_counts_study_days_across_the_change(tmp_path: Path) -> None:
    start = utc("2026-03-26 11:00")
    db = make_db(tmp_path, {"a.md": [basic("LLM", "LSTM", 1)]}, start)
    settings = Settings(fuzz=False)
    # 03:30 CET on the 28th belongs to the 27th's study day; the 28th has no review.
    for moment in ("2026-03-26 11:00", "2026-03-28 02:30", "2026-03-29 08:00", "2026-03-30 08:00"):
        rate_card(db, 1, GOOD, now=utc(moment), settings=settings)
    with db.read() as conn:
        assert study_streak(conn, utc("2026-03-30 09:00"), 4) == 2  # the 29th and the 30th
        assert study_streak(conn, utc("2026-03-28 12:00"), 4) == 2  # the 26th and the 27th
    db.close()
