"""How times and counts read on screen. Pure functions, no Textual."""

from __future__ import annotations

from datetime import datetime, timedelta

from llmcards import clock


def when_due(moment: datetime, now: datetime, rollover_hour: int = 4) -> str:
    """A due moment as a person would say it: "in 25 min", "tomorrow", "Tue 24 Nov"."""
    if moment <= now:
        return "now"
    ahead = moment - now
    today_end = clock.next_day_start(now, rollover_hour)
    if moment < today_end:
        minutes = max(1, round(ahead.total_seconds() / 60))
        return f"in {minutes} min" if minutes < 60 else f"in {round(minutes / 60)} h"
    if moment < today_end + timedelta(days=1):
        return "tomorrow"
    local = moment.astimezone(clock.local_zone())
    if moment < today_end + timedelta(days=6):
        return local.strftime("%a")
    if local.year == now.astimezone(clock.local_zone()).year:
        return local.strftime("%a %-d %b")
    return local.strftime("%-d %b %Y")


def long_date(now: datetime, rollover_hour: int = 4) -> str:
    """The study day `now` belongs to (at 01:00 it is still yesterday's, as in the stats)."""
    return clock.calendar(rollover_hour).date_of(now).strftime("%a %-d %b")


def duration(seconds: float) -> str:
    """Session length: "45 s", "14 min", "1 h 05 min"."""
    if seconds < 60:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def short_url(url: str, width: int = 60) -> str:
    """A link as people read it: no scheme, no "www.", cut with … when too long."""
    text = url.split("://", 1)[-1]
    text = text.removeprefix("www.")
    return text if len(text) <= width else text[: width - 1] + "…"
