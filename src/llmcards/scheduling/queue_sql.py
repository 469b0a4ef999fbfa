"""The queue's reads through SQLAlchemy: any database the store supports.

`store.fastread` answers the same questions straight from a SQLite file for a fast start;
tests check that both build the same queue.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, true

from llmcards.cards import (
    LEARNING,
    NEW,
    RELEARNING,
    REVIEW,
    STUDY_COLUMNS,
    StudyRow,
)
from llmcards.store import upcoming
from llmcards.store.models import CARD, DECK, LOG
from llmcards.store.sources import store_query

CHUNK = 500  # ids per IN (...) list


class SqlQueueReads:
    """`queue.QueueReads` over an open SQLAlchemy connection (inside its transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def deck_names(self) -> dict[int, str]:
        return dict(self._conn.execute(select(DECK.c.id, DECK.c.name)).all())

    def reviewed_since(self, since: datetime) -> list[tuple[int, int]]:
        # Two small queries (this and decks_of) rather than a join: a join lets SQLite
        # walk every card to find today's few log rows; the reviewed_at index finds them.
        query = select(LOG.c.card_id, LOG.c.state_before).where(LOG.c.reviewed_at >= since)
        return list(self._conn.execute(query))

    def decks_of(self, card_ids: list[int]) -> dict[int, int]:
        out: dict[int, int] = {}
        for start in range(0, len(card_ids), CHUNK):
            chunk = card_ids[start : start + CHUNK]
            out.update(
                self._conn.execute(
                    select(CARD.c.id, CARD.c.deck_id).where(CARD.c.id.in_(chunk))
                ).all()
            )
        return out

    def learning(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> list[tuple[int, int, datetime]]:
        query = (
            select(CARD.c.id, CARD.c.deck_id, CARD.c.due)
            .where(
                *_studyable(now, deck_ids),
                CARD.c.state.in_((LEARNING, RELEARNING)),
                CARD.c.due < end,
            )
            .order_by(CARD.c.due, CARD.c.id)
        )
        return list(self._conn.execute(query))

    def reviews(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> Generator[tuple[int, int, str]]:
        query = (
            select(CARD.c.id, CARD.c.deck_id, CARD.c.note_uid)
            .where(*_studyable(now, deck_ids), CARD.c.state == REVIEW, CARD.c.due < end)
            .order_by(CARD.c.due, CARD.c.id)
        )
        result = self._conn.execute(query)
        try:
            yield from result
        finally:
            result.close()

    def new_cards(
        self, deck_id: int, now: datetime, limit: int, offset: int
    ) -> list[tuple[int, str]]:
        query = (
            select(CARD.c.id, CARD.c.note_uid)
            .where(*_studyable(now, None), CARD.c.deck_id == deck_id, CARD.c.state == NEW)
            .order_by(CARD.c.source_path, CARD.c.position, CARD.c.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self._conn.execute(query))

    def all_new_cards(self, now: datetime) -> list[tuple[int, int, str]]:
        """(id, deck id, note uid) of every deck's new cards, each deck's in note order."""
        query = (
            select(CARD.c.id, CARD.c.deck_id, CARD.c.note_uid)
            .where(*_studyable(now, None), CARD.c.state == NEW)
            .order_by(CARD.c.deck_id, CARD.c.source_path, CARD.c.position, CARD.c.id)
        )
        return [tuple(row) for row in self._conn.execute(query)]

    def next_due(self, deck_ids: list[int] | None, now: datetime, end: datetime) -> datetime | None:
        return upcoming.next_due(store_query(self._conn), deck_ids, now, end)

    def due_before(self, deck_ids: list[int] | None, moment: datetime) -> int:
        return upcoming.due_before(store_query(self._conn), deck_ids, moment)

    def waiting_by_deck(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> list[tuple[int, int, int]]:
        return upcoming.waiting_by_deck(store_query(self._conn), deck_ids, now, end)

    def study_rows(self, card_ids: list[int]) -> dict[int, StudyRow]:
        columns = [CARD.c[name] for name in STUDY_COLUMNS]
        out: dict[int, StudyRow] = {}
        for start in range(0, len(card_ids), CHUNK):
            chunk = card_ids[start : start + CHUNK]
            query = (
                select(*columns, DECK.c.name)
                .join(DECK, DECK.c.id == CARD.c.deck_id)
                .where(CARD.c.id.in_(chunk))
            )
            for row in self._conn.execute(query):
                out[row[0]] = _study_row(row)
        return out


def _studyable(now: datetime, deck_ids: list[int] | None) -> list[Any]:
    where = [
        CARD.c.retired.is_(False),
        CARD.c.suspended.is_(False),
        or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now),
    ]
    where.append(CARD.c.deck_id.in_(deck_ids) if deck_ids is not None else true())
    return where


def _study_row(row: Any) -> StudyRow:
    *card, deck = row
    return StudyRow(card[0], deck, *card[1:])
