"""What time it is for llmcards.

`LLMCARDS_NOW` (an ISO-8601 datetime) replaces the wall clock for every command, so
tests and simulations can travel in time. All datetimes handed around are tz-aware UTC;
the local zone only matters for where a study day starts (`StudyCalendar`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from llmcards.errors import UserError

ENV_NOW = "LLMCARDS_NOW"
EARLIEST_YEAR, LATEST_YEAR = 1971, 9000


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UserError(
            f"{ENV_NOW}={value!r} is not an ISO-8601 datetime; "
            "use e.g. 2026-11-22T09:30:00+08:00 or unset it"
        ) from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        # Due dates up to a century ahead, and day arithmetic around them, must stay
        # inside what datetime (year 9999) and the stored dates can hold.
        raise UserError(
            f"{ENV_NOW}={value!r} is outside the years {EARLIEST_YEAR}–{LATEST_YEAR}; "
            "use a date in them or unset it"
        )
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive value means local wall-clock time
    return moment


def now() -> datetime:
    """The current moment as tz-aware UTC."""
    value = os.environ.get(ENV_NOW)
    if value:
        return _parse_now(value).astimezone(UTC)
    return datetime.now(UTC)


def local_zone() -> tzinfo | None:
    """The zone days are counted in; None means the system's zone, DST rules included
    (what `astimezone(None)` applies, and SQLite's 'localtime').

    `LLMCARDS_NOW` with an offset other than the system's at that moment pins that fixed
    offset: a simulated traveller, not a change of the machine's zone."""
    value = os.environ.get(ENV_NOW)
    if not value:
        return None
    moment = _parse_now(value)
    if moment.utcoffset() == moment.astimezone().utcoffset():
        return None
    return moment.tzinfo


def ensure_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


EPOCH = date(1970, 1, 1)
_JULIAN_EPOCH = 2440587.5  # julianday('1970-01-01')


@dataclass(frozen=True)
class StudyCalendar:
    """The study-day rule, the one place it is written, for Python and for SQL.

    A study day starts at `rollover_hour` on the local wall clock: the study date of a
    moment is the local date of the moment's wall-clock time minus `rollover_hour` hours.
    Counted on the wall clock, a day across a daylight-saving change is 23 or 25 hours
    long and still starts at the rollover hour. `zone` is None for the system's zone
    (SQLite's 'localtime' reads the same rules), or a fixed offset (`local_zone`).
    """

    rollover_hour: int = 4
    zone: tzinfo | None = None

    def date_of(self, moment: datetime) -> date:
        wall = ensure_utc(moment).astimezone(self.zone).replace(tzinfo=None)
        return (wall - timedelta(hours=self.rollover_hour)).date()

    def start_of(self, day: date) -> datetime:
        """The UTC moment study day `day` begins: the first whose `date_of` is `day`."""
        wall = datetime.combine(day, time(self.rollover_hour), tzinfo=self.zone)
        # A naive wall time is the system's local time to astimezone (mktime: DST known).
        # Twice on the clock when it falls back (fold 0 is the first), or never when it
        # springs forward: then the day starts as the clock jumps past the rollover.
        candidates = (wall.replace(fold=fold).astimezone(UTC) for fold in (0, 1))
        return min((c for c in candidates if self.date_of(c) == day), default=wall.astimezone(UTC))

    def day_start(self, moment: datetime) -> datetime:
        return self.start_of(self.date_of(moment))

    def next_day_start(self, moment: datetime) -> datetime:
        return self.start_of(self.date_of(moment) + timedelta(days=1))

    def day_number(self, moment: datetime) -> int:
        """The study date as whole days since 1970-01-01."""
        return (self.date_of(moment) - EPOCH).days

    def sql_modifiers(self) -> tuple[str, ...]:
        """SQLite date() modifiers taking a stored UTC time to its study date's wall time."""
        back = f"-{self.rollover_hour * 3600} seconds"
        if self.zone is None:
            return ("localtime", back)
        offset = self.zone.utcoffset(None)  # fixed: the same for every moment
        seconds = int((offset or timedelta(0)).total_seconds()) - self.rollover_hour * 3600
        return (f"{seconds:+d} seconds",)

    def sql_date(self, column: str) -> str:
        """SQL text: `column` (UTC, as stored) as its 'YYYY-MM-DD' study date."""
        modifiers = ", ".join(f"'{m}'" for m in self.sql_modifiers())
        return f"date({column}, {modifiers})"

    def sql_day_number(self, column: str) -> str:
        """SQL text: `column`'s study date as whole days since 1970-01-01."""
        return f"CAST(julianday({self.sql_date(column)}) - {_JULIAN_EPOCH} AS INTEGER)"


def calendar(rollover_hour: int = 4) -> StudyCalendar:
    """The study days of this run: the user's rollover hour in `local_zone()`."""
    return StudyCalendar(rollover_hour, local_zone())


def day_start(moment: datetime, rollover_hour: int = 4) -> datetime:
    """Start (UTC) of the study day holding `moment`."""
    return calendar(rollover_hour).day_start(moment)


def next_day_start(moment: datetime, rollover_hour: int = 4) -> datetime:
    return calendar(rollover_hour).next_day_start(moment)
