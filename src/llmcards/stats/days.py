"""Study days inside SQLAlchemy queries: `clock.StudyCalendar`'s SQL as expressions.

The rule itself (rollover hour, local zone, daylight saving) lives in
`llmcards.clock.StudyCalendar`; this module only hands its SQLite modifiers to
SQLAlchemy, so a million review rows are grouped by study day inside SQLite.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from llmcards.clock import EPOCH, StudyCalendar

__all__ = ["EPOCH", "date_range", "sql_study_date", "sql_study_day_number"]


def sql_study_date(column: Any, calendar: StudyCalendar) -> Any:
    """`column` (a UTC datetime stored by SQLAlchemy on SQLite) as 'YYYY-MM-DD' study date."""
    from sqlalchemy import func

    return func.date(column, *calendar.sql_modifiers())


def sql_study_day_number(column: Any, calendar: StudyCalendar) -> Any:
    """`column`'s study date as whole days since 1970-01-01."""
    from sqlalchemy import Integer, cast, func

    return cast(func.julianday(sql_study_date(column, calendar)) - 2440587.5, Integer)


def date_range(first: date, days: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(days)]
