"""Anki's day numbers, counted the way Anki counts them: by rollover, not by 24 h.

A review card's `due` in Anki is the number of days since the collection was created
(`col.crt`). With `schedVer` 2 and a `creationOffset`, Anki counts a day as passed when
the local clock crosses the rollover hour, so a card due "tomorrow" stays due tomorrow
whatever the hour of export. We put `crt` on a rollover boundary in llmcards' zone and
number days with llmcards' own `clock.StudyCalendar`, which makes both counts agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from llmcards import clock

# Day boundaries fall on whole quarter hours in every zone (and every rollover hour), so
# two moments in the same 15-minute bucket are always in the same study day.
_BUCKET = 900


@dataclass
class AnkiDays:
    """Day numbers relative to a collection created at the study day holding `anchor`."""

    anchor: datetime
    rollover_hour: int = 4
    crt: datetime = field(init=False)  # UTC start of day 0
    _days: clock.StudyCalendar = field(init=False)
    _day0: date = field(init=False)
    _cache: dict[int, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._days = clock.calendar(self.rollover_hour)
        self._day0 = self._days.date_of(self.anchor)
        self.crt = self._days.start_of(self._day0)

    @property
    def crt_seconds(self) -> int:
        return int(self.crt.timestamp())

    @property
    def creation_minutes_west(self) -> int:
        """Anki's `creationOffset`: minutes *west* of UTC at creation (UTC+8 is -480)."""
        offset = self.crt.astimezone(clock.local_zone()).utcoffset() or timedelta(0)
        return -int(offset.total_seconds() // 60)

    def day_of_seconds(self, seconds: float) -> int:
        """The day number holding this unix time (0 = the collection's first day)."""
        bucket = int(seconds // _BUCKET)
        day = self._cache.get(bucket)
        if day is None:
            moment = datetime.fromtimestamp(bucket * _BUCKET, UTC)
            day = (self._days.date_of(moment) - self._day0).days
            self._cache[bucket] = day
        return day

    def day_of(self, moment: datetime) -> int:
        return self.day_of_seconds(moment.timestamp())

    def start_of_day(self, day: int) -> datetime:
        """The UTC moment day number `day` begins."""
        return self._days.start_of(self._day0 + timedelta(days=day))


def source_day_start(day: int, crt: int, conf: Mapping[str, object]) -> datetime:
    """When day number `day` of another Anki collection began (UTC), as Anki counts it.

    schedVer 2 with `creationOffset`: days roll over at `rollover` local time, counted
    from the calendar date of `crt`; without `creationOffset`: 24 h periods from `crt`
    moved to the rollover hour; schedVer 1: 24 h periods from `crt` itself.
    """
    zone = clock.local_zone()
    if conf.get("schedVer", 1) == 1:
        return datetime.fromtimestamp(crt + day * 86400, UTC)
    rollover = conf.get("rollover")
    if not isinstance(rollover, int):
        rollover = 4  # Anki's default when a v2 collection does not say
    offset = conf.get("creationOffset")
    if isinstance(offset, int):
        created = datetime.fromtimestamp(crt, timezone(timedelta(minutes=-offset)))
        local = datetime.combine(created.date() + timedelta(days=day), datetime.min.time())
        return local.replace(hour=rollover % 24, tzinfo=zone).astimezone(UTC)
    created = datetime.fromtimestamp(crt, zone).replace(
        hour=rollover % 24, minute=0, second=0, microsecond=0
    )
    return (created + timedelta(days=day)).astimezone(UTC)
