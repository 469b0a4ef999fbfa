"""How many cards fall due on each of the coming days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, and_, func, select

from llmcards.clock import StudyCalendar
from llmcards.stats.days import date_range, sql_study_date
from llmcards.store.models import CARD, NEW


def due_forecast(
    conn: Connection,
    *,
    now: datetime,
    study_days: StudyCalendar,
    days: int = 30,
    deck_ids: Sequence[int] | None = None,
) -> list[tuple[date, int]]:
    """(study date, cards due) for `days` days from today; overdue cards count today.

    Suspended, retired and never-seen cards are not due; `deck_ids` narrows to some decks.
    """
    today = study_days.date_of(now)
    horizon_end = study_days.start_of(today + timedelta(days=days))
    day = sql_study_date(CARD.c.due, study_days)
    condition = and_(
        CARD.c.retired.is_(False),
        CARD.c.suspended.is_(False),
        CARD.c.state != NEW,
        CARD.c.due.is_not(None),
        CARD.c.due < horizon_end,
    )
    if deck_ids is not None:
        condition = and_(condition, CARD.c.deck_id.in_(list(deck_ids)))
    rows = conn.execute(select(day, func.count()).where(condition).group_by(day)).all()
    counts = dict.fromkeys(date_range(today, days), 0)
    for key, count in rows:
        counts[max(date.fromisoformat(key), today)] += count
    return list(counts.items())
