"""What an export takes from llmcards: live cards of the chosen decks and their history.

Rows are read as plain tuples with raw timestamps (no ORM objects, no per-value type
decorators): an export of 100k cards with 1M reviews must take seconds, not minutes.
Retired cards (gone from the notes) are not exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, select, type_coerce

from llmcards.errors import UserError
from llmcards.store.models import Card, Deck, ReviewLog
from llmcards.store.queries import deck_filter, resolve_deck

CARD = Card.__table__  # type: ignore[attr-defined]
DECK = Deck.__table__  # type: ignore[attr-defined]
REVIEW = ReviewLog.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class ExportCard:
    id: int
    uid: str
    note_uid: str
    deck: str
    kind: str
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


class ExportReview(NamedTuple):
    card_id: int
    reviewed_at: float  # unix seconds
    rating: int
    duration_ms: int
    state_before: int
    state_after: int
    difficulty_after: float | None
    due_after: float | None


_EPOCH = datetime(1970, 1, 1)


def seconds(value: Any) -> float | None:
    """A stored UTC timestamp (SQLite text, or a datetime elsewhere) as unix seconds."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        return moment.timestamp()
    return (moment - _EPOCH).total_seconds()  # stored naive means UTC


def _raw(column: Any) -> Any:
    return type_coerce(column, String)


def selected_cards(conn: Connection, deck: str | None) -> list[ExportCard]:
    """Live (not retired) cards, in deck and note order; `deck` includes its sub-decks."""
    query = (
        select(
            CARD.c.id, CARD.c.uid, CARD.c.note_uid, DECK.c.name, CARD.c.kind, CARD.c.cloze_ord,
            CARD.c.cloze_text, CARD.c.context, CARD.c.front, CARD.c.back, CARD.c.tags,
            CARD.c.suspended, CARD.c.position, _raw(CARD.c.created_at), _raw(CARD.c.updated_at),
            CARD.c.state, CARD.c.step, CARD.c.stability, CARD.c.difficulty, _raw(CARD.c.due),
            _raw(CARD.c.last_review), CARD.c.reps, CARD.c.lapses,
        )  # fmt: skip
        .join(DECK, DECK.c.id == CARD.c.deck_id)
        .where(CARD.c.retired.is_(False))
        .order_by(DECK.c.name, CARD.c.source_path, CARD.c.position, CARD.c.id)
    )
    if deck:
        query = query.where(deck_filter(resolve_deck(conn, deck)))
    cards = [
        ExportCard(
            r[0], r[1], r[2], r[3], r[4], r[5] or 0, r[6] or "", r[7] or "", r[8], r[9] or "",
            r[10] or "", bool(r[11]), r[12] or 0, seconds(r[13]) or 0.0, seconds(r[14]) or 0.0,
            r[15] or 0, r[16], r[17], r[18], seconds(r[19]), seconds(r[20]), r[21] or 0, r[22] or 0,
        )  # fmt: skip
        for r in conn.execute(query)
    ]
    if not cards:
        where = f" in deck {deck!r}" if deck else ""
        raise UserError(f"no cards to export{where}; import notes first (llmcards import NOTES.md) or pick another --deck")
    return cards


def reviews_of(conn: Connection, card_ids: set[int], *, batch: int = 50_000) -> Iterator[ExportReview]:
    """Every review of these cards, oldest first (ties: in the order they were logged).

    Read through the driver's cursor: for a million rows SQLAlchemy's per-row result
    handling would cost more than all the rest of the export.
    """
    query = select(
        REVIEW.c.card_id, _raw(REVIEW.c.reviewed_at), REVIEW.c.rating, REVIEW.c.duration_ms,
        REVIEW.c.state_before, REVIEW.c.state_after, REVIEW.c.difficulty_after, _raw(REVIEW.c.due_after),
    ).order_by(REVIEW.c.reviewed_at, REVIEW.c.id)  # fmt: skip
    compiled = query.compile(dialect=conn.dialect)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), compiled.positiontup and [compiled.params[k] for k in compiled.positiontup] or ())
        while rows := cursor.fetchmany(batch):
            for r in rows:
                if r[0] in card_ids:
                    due_after = r[7]
                    yield ExportReview(
                        r[0], seconds(r[1]) or 0.0, r[2], r[3] or 0, r[4], r[5], r[6],
                        None if due_after is None else seconds(due_after),
                    )  # fmt: skip
    finally:
        cursor.close()


def count_reviews(conn: Connection) -> int:
    from sqlalchemy import func

    return int(conn.execute(select(func.count()).select_from(REVIEW)).scalar() or 0)
