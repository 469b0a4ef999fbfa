"""What time it is for llmcards.

`LLMCARDS_NOW` (an ISO-8601 datetime) replaces the wall clock for every command, so
tests and simulations can travel in time. All datetimes handed around are tz-aware UTC;
the local offset (of `LLMCARDS_NOW` when set) only matters for where a day starts.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, tzinfo

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


def local_zone() -> tzinfo:
    """The zone days are counted in: `LLMCARDS_NOW`'s offset when set, else the system's."""
    value = os.environ.get(ENV_NOW)
    if value:
        zone = _parse_now(value).tzinfo
        assert zone is not None
        return zone
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def ensure_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def day_start(moment: datetime, rollover_hour: int = 4) -> datetime:
    """Start (UTC) of the study day holding `moment`, days starting at `rollover_hour` local."""
    local = moment.astimezone(local_zone())
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(UTC)


def next_day_start(moment: datetime, rollover_hour: int = 4) -> datetime:
    return day_start(moment, rollover_hour) + timedelta(days=1)
