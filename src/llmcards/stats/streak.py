"""The study streak, one rule for the home screen and the stats screen.

A streak is the number of study days in a row with at least one review, ending today,
or ending yesterday while today has no review yet: a streak is not broken before the
day is over. Days are `clock.StudyCalendar`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, bindparam, func, select

from llmcards.clock import StudyCalendar, calendar
from llmcards.store.models import LOG as REVIEW_LOG

LOG = REVIEW_LOG.c
MAX_STREAK_DAYS = 3660  # ten years: enough for any display, and a bound on the walk back

_LATEST_BEFORE = select(func.max(LOG.reviewed_at)).where(LOG.reviewed_at < bindparam("end"))


def count_streak(today: date, studied: Callable[[date], bool]) -> int:
    """The streak ending `today`, asking `studied` about one day at a time, newest first."""
    cursor = today if studied(today) else today - timedelta(days=1)
    streak = 0
    while streak < MAX_STREAK_DAYS and studied(cursor):
        streak += 1
        cursor -= timedelta(days=1)
    return streak


def studied_on(conn: Connection, study_days: StudyCalendar, day: date) -> bool:
    """Whether any card was reviewed on study day `day`: one index seek."""
    moment = conn.execute(_LATEST_BEFORE, {"end": study_days.start_of(day + timedelta(days=1))})
    latest = moment.scalar()
    return latest is not None and study_days.date_of(latest) == day


def study_streak(conn: Connection, now: datetime, rollover_hour: int) -> int:
    """The streak over all decks at `now`."""
    study_days = calendar(rollover_hour)
    return count_streak(study_days.date_of(now), lambda day: studied_on(conn, study_days, day))
