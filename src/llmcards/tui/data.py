"""What the home screen shows, read from the database in one go. No Textual here:
these functions run on worker threads and hand back plain values."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, and_, exists, func, or_, select

from llmcards import clock
from llmcards.cards import DECK_SEP
from llmcards.config import Settings
from llmcards.scheduling.deck_list import limited_counts
from llmcards.store.models import NEW, Card, Deck, ReviewLog, Source
from llmcards.store.queries import deck_counts
from llmcards.tui.home_rows import DeckRow, HomeData

CARD = Card.__table__  # type: ignore[attr-defined]
DECK = Deck.__table__  # type: ignore[attr-defined]
LOG = ReviewLog.__table__  # type: ignore[attr-defined]
SOURCE = Source.__table__  # type: ignore[attr-defined]

MAX_STREAK_DAYS = 3660


def database_is_empty(conn: Connection) -> bool:
    return conn.execute(select(CARD.c.id).limit(1)).first() is None


def load_home(
    conn: Connection,
    now: datetime,
    rollover_hour: int,
    bundled_dir: Path | None = None,
    settings: Settings | None = None,
) -> HomeData:
    counts = limited_counts(conn, deck_counts(conn), now=now, settings=settings or Settings())
    idle = [c.name for c in counts if not (c.new or c.learning or c.due)]
    next_due = _next_due(conn, idle, now) if idle else {}
    bundled = _bundled_roots(conn, bundled_dir) if bundled_dir else set()
    rows = tuple(
        DeckRow(
            name=c.name,
            new=c.new,
            learning=c.learning,
            due=c.due,
            next_due=next_due.get(c.name),
            bundled=DECK_SEP not in c.name and c.name in bundled,
        )
        for c in counts
    )
    return HomeData(now=now, decks=rows, streak=study_streak(conn, now, rollover_hour))


def _next_due(conn: Connection, names: list[str], now: datetime) -> dict[str, datetime]:
    """The earliest upcoming due moment of each deck, its sub-decks included."""
    waiting = and_(
        CARD.c.retired.is_(False),
        CARD.c.suspended.is_(False),
        CARD.c.state != NEW,
        CARD.c.due.is_not(None),
        or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now),
    )
    rows = conn.execute(
        select(DECK.c.name, func.min(CARD.c.due).label("due"))
        .select_from(CARD.join(DECK, DECK.c.id == CARD.c.deck_id))
        .where(waiting)
        .group_by(DECK.c.name)
    ).all()
    own = {name: clock.ensure_utc(_as_datetime(due)) for name, due in rows if due is not None}
    found: dict[str, datetime] = {}
    for wanted in names:
        candidates = [d for n, d in own.items() if n == wanted or n.startswith(wanted + DECK_SEP)]
        if candidates:
            found[wanted] = min(candidates)
    return found


def _as_datetime(value: object) -> datetime:
    # min() over a typed column loses the type on SQLite: it may come back as text.
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _bundled_roots(conn: Connection, bundled_dir: Path) -> set[str]:
    prefix = str(bundled_dir.resolve())
    rows = conn.execute(select(SOURCE.c.root, SOURCE.c.path)).all()
    return {root for root, path in rows if path.startswith(prefix)}


def study_streak(conn: Connection, now: datetime, rollover_hour: int) -> int:
    """Days in a row with at least one review, ending today (or yesterday, when today
    has no review yet: a streak is not broken before the day is over)."""

    def studied(start: datetime) -> bool:
        end = start + timedelta(days=1)
        query = select(exists().where(LOG.c.reviewed_at >= start, LOG.c.reviewed_at < end))
        return bool(conn.execute(query).scalar())

    start = clock.day_start(now, rollover_hour)
    if not studied(start):
        start -= timedelta(days=1)
    streak = 0
    while streak < MAX_STREAK_DAYS and studied(start):
        streak += 1
        start -= timedelta(days=1)
    return streak
