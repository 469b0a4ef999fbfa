"""What an export takes from llmcards: the live cards of the chosen decks.

Rows come straight from SQLite's cursor, timestamps already as unix seconds (no ORM
objects, no per-value type decorators): 100k cards must take well under a second.
Retired cards (gone from the notes) are not exported. Their reviews: `revlog_sql`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, literal, select

from llmcards.cards import Kind
from llmcards.errors import UserError
from llmcards.store.models import CARD, DECK
from llmcards.store.queries import deck_filter, resolve_deck
from llmcards.store.sqlite import driver_connection


@dataclass(slots=True)
class ExportCard:
    id: int
    uid: str
    note_uid: str
    deck: str
    kind: Kind
    cloze_ord: int
    cloze_text: str
    context: str
    front: str
    back: str
    tags: str
    suspended: bool
    position: int
    created: float  # unix seconds
    updated: float
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: float | None
    last_review: float | None
    reps: int
    lapses: int
    source_path: str  # the notes file: local images are found beside it
    guid: str | None = None  # stored Anki GUIDs (None: a row written before they were)
    note_guid: str | None = None
    origin_guid: str | None = None  # the Anki note it was imported from (`anki_origin`)
    origin_ord: int | None = None


def _epoch(column: Any) -> Any:
    """A timestamp column as unix seconds (whole ms), computed by SQLite itself: parsing
    hundreds of thousands of timestamps in Python would cost seconds."""
    return func.round((func.julianday(column) - 2440587.5) * 86400.0, 3)


def selected_cards(conn: Connection, deck: str | None) -> list[ExportCard]:
    """Live (not retired) cards, in deck and note order; `deck` includes its sub-decks."""
    zero, empty = literal(0), literal("")
    query = (
        select(
            CARD.c.id,
            CARD.c.uid,
            CARD.c.note_uid,
            DECK.c.name,
            CARD.c.kind,
            func.coalesce(CARD.c.cloze_ord, zero),
            func.coalesce(CARD.c.cloze_text, empty),
            func.coalesce(CARD.c.context, empty),
            CARD.c.front,
            func.coalesce(CARD.c.back, empty),
            func.coalesce(CARD.c.tags, empty),
            CARD.c.suspended,
            func.coalesce(CARD.c.position, zero),
            func.coalesce(_epoch(CARD.c.created_at), zero),
            func.coalesce(_epoch(CARD.c.updated_at), zero),
            func.coalesce(CARD.c.state, zero),
            CARD.c.step,
            CARD.c.stability,
            CARD.c.difficulty,
            _epoch(CARD.c.due),
            _epoch(CARD.c.last_review),
            func.coalesce(CARD.c.reps, zero),
            func.coalesce(CARD.c.lapses, zero),
            CARD.c.source_path,
            CARD.c.guid,
            CARD.c.note_guid,
            CARD.c.origin_guid,
            CARD.c.origin_ord,
        )
        .join(DECK, DECK.c.id == CARD.c.deck_id)
        .where(CARD.c.retired.is_(False))
        .order_by(DECK.c.name, CARD.c.source_path, CARD.c.position, CARD.c.id)
    )
    if deck:
        query = query.where(deck_filter(resolve_deck(conn, deck)))
    # straight from the driver's cursor, in ExportCard's field order
    compiled = query.compile(dialect=conn.dialect)
    cursor = driver_connection(conn).cursor()
    try:
        cursor.execute(str(compiled), [compiled.params[k] for k in compiled.positiontup or ()])
        cards = [ExportCard(*row) for row in cursor.fetchall()]
    finally:
        cursor.close()
    if not cards:
        where = f" in deck {deck!r}" if deck else ""
        raise UserError(
            f"no cards to export{where}; import notes first (llmcards import NOTES.md) or pick another --deck"
        )
    return cards
