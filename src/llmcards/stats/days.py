"""Study days: which local day a moment belongs to, in Python and in SQL.

A study day starts at `rollover_hour` local time (`llmcards.clock.day_start`). The local
zone is a fixed offset (`clock.local_zone()`), so the study date of a moment is the
local date of `moment + offset - rollover_hour`: one shift, the same for every row,
which SQLite can apply while it groups a million review rows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from llmcards import clock


def day_shift(now: datetime, rollover_hour: int) -> timedelta:
    """What to add to a UTC moment so that its UTC date is its study date."""
    offset = now.astimezone(clock.local_zone()).utcoffset() or timedelta(0)
    return offset - timedelta(hours=rollover_hour)


def study_date(moment: datetime, shift: timedelta) -> date:
    return (clock.ensure_utc(moment) + shift).date()


def sql_study_date(column: Any, shift: timedelta) -> Any:
    """`column` (a UTC datetime stored by SQLAlchemy on SQLite) as 'YYYY-MM-DD' study date."""
    from sqlalchemy import func

    return func.date(column, f"{int(shift.total_seconds()):+d} seconds")


def date_range(first: date, days: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(days)]


EPOCH = date(1970, 1, 1)


def sql_study_day_number(column: Any, shift: timedelta) -> Any:
    """`column`'s study date as whole days since 1970-01-01: integer maths, cheaper
    than a date string when a hundred thousand rows need only day differences.
    (Integer division truncates toward zero: right for every moment after 1970.)"""
    from sqlalchemy import Integer, cast, func

    seconds = cast(func.strftime("%s", column), Integer) + int(shift.total_seconds())
    return seconds // 86400
