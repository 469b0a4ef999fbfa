"""Small reads the screens and commands need, kept here so SQL stays in the store.

The home screen (`tui.data`), `llmcards due`/`rate` and `llmcards optimize` ask these
questions; they get plain values back and never build a query themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from llmcards import clock
from llmcards.cards import DECK_SEP
from llmcards.store.models import CARD, DECK, NEW, SOURCE
from llmcards.store.queries import select_cards

_CHUNK = 500  # ids per `IN (...)`: well under SQLite's limit on bound parameters


def database_is_empty(conn: Connection) -> bool:
    return conn.execute(select(CARD.c.id).limit(1)).first() is None


def active_card_count(conn: Connection) -> int:
    """Cards that are neither retired nor suspended."""
    query = (
        select(func.count())
        .select_from(CARD)
        .where(CARD.c.retired.is_(False), CARD.c.suspended.is_(False))
    )
    return int(conn.execute(query).scalar_one())


def cards_by_id(conn: Connection, ids: Iterable[int], *extra: Any) -> dict[int, Any]:
    """The `select_cards` row of each card id (with `extra` columns)."""
    wanted = list(ids)
    rows: dict[int, Any] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows.update(
            (r.id, r) for r in conn.execute(select_cards(*extra).where(CARD.c.id.in_(chunk)))
        )
    return rows


def card_by_id(conn: Connection, card_id: int) -> Any:
    return conn.execute(select_cards().where(CARD.c.id == card_id)).one()


def next_due_by_deck(conn: Connection, names: list[str], now: datetime) -> dict[str, datetime]:
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


def roots_under(conn: Connection, folder: Path) -> set[str]:
    """Root decks imported from files inside `folder` (the bundled starter decks)."""
    prefix = str(folder.resolve())
    rows = conn.execute(select(SOURCE.c.root, SOURCE.c.path)).all()
    return {root for root, path in rows if path.startswith(prefix)}
