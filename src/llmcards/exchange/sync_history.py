"""Reviews made elsewhere merged into a card's history, its FSRS state replayed.

A review from the phone can land between two reviews made here, so appending it is not
enough: the card's whole log, in time order, is replayed through llmcards' scheduler and
every row's before/after columns are rewritten to match. Rows are updated or added,
never removed, so no review is lost; `anki_id` (the revlog id) marks a review as known,
so none is counted twice. This is the single place sync turns ratings into a schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from llmcards import clock
from llmcards.exchange.history import review_rows
from llmcards.scheduling.rating import Applied, Rater, Review
from llmcards.store.models import CARD
from llmcards.store.models import LOG as REVIEW

_DERIVED = (
    "state_before",
    "state_after",
    "stability_before",
    "stability_after",
    "difficulty_before",
    "difficulty_after",
    "due_before",
    "due_after",
    "card_before",
)
_UPDATE_ROW = (
    update(REVIEW)
    .where(REVIEW.c.id == bindparam("_id"))
    .values({c: bindparam(c) for c in _DERIVED})
)


@dataclass(frozen=True, slots=True)
class Incoming:
    """A review from the mirror's revlog."""

    anki_id: int  # revlog id: the review time in ms, made unique
    rating: int
    duration_ms: int

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.anki_id / 1000, UTC)


def merge_reviews(conn: Connection, rater: Rater, card_id: int, incoming: list[Incoming]) -> int:
    """Add `incoming` to the card's log (those not there yet), replay it all, store the
    result. Returns how many reviews were added."""
    rows = conn.execute(
        select(
            REVIEW.c.id,
            REVIEW.c.reviewed_at,
            REVIEW.c.rating,
            REVIEW.c.duration_ms,
            REVIEW.c.anki_id,
        )
        .where(REVIEW.c.card_id == card_id)
        .order_by(REVIEW.c.reviewed_at, REVIEW.c.id)
    ).all()
    known = {row.anki_id for row in rows if row.anki_id is not None}
    fresh = _unclaimed(conn, rows, [r for r in incoming if r.anki_id not in known])
    if not fresh:
        return 0
    # (time, tie-break, rating, existing row id or None, anki id)
    entries: list[tuple[datetime, int, int, int, int | None, int | None]] = [
        (clock.ensure_utc(row.reviewed_at), 0, row.rating, row.duration_ms or 0, row.id, None)
        for row in rows
    ]
    entries += [(r.at, 1, r.rating, r.duration_ms, None, r.anki_id) for r in fresh]
    entries.sort(key=lambda e: (e[0], e[1]))
    reviews = [Review(at, rating, duration) for at, _, rating, duration, _, _ in entries]
    steps = replay_in_order(rater, reviews, card_id)
    updates, inserts = [], []
    for (_, _, _, _, row_id, anki_id), step in zip(entries, steps, strict=True):
        if row_id is None:
            row = review_rows(card_id, [step])[0]
            row["anki_id"] = anki_id
            inserts.append(row)
        else:
            values = review_rows(card_id, [step])[0]
            updates.append({"_id": row_id, **{c: values[c] for c in _DERIVED}})
    if updates:
        conn.execute(_UPDATE_ROW, updates)
    conn.execute(insert(REVIEW), inserts)
    final = steps[-1].after
    conn.execute(update(CARD).where(CARD.c.id == card_id).values(final.columns()))
    return len(inserts)


# A review that reached Anki by an `.apkg` (export, or `import-anki` the other way) has no
# revlog id here yet; its revlog id is its time in ms, nudged a few ms to be unique, and
# `import-anki` rounds that time to the second.
SAME_REVIEW_MS = 1500


def _unclaimed(conn: Connection, rows: Sequence[Any], incoming: list[Incoming]) -> list[Incoming]:
    """`incoming` minus the reviews this log already holds without their revlog id (same
    rating, same moment within `SAME_REVIEW_MS`); those rows take the id, so they are
    neither added again nor pushed again."""
    open_rows = [row for row in rows if row.anki_id is None]
    if not open_rows or not incoming:
        return incoming
    fresh, claimed = [], []
    for review in sorted(incoming, key=lambda r: r.anki_id):
        match = next(
            (
                row
                for row in open_rows
                if row.rating == review.rating
                and abs(clock.ensure_utc(row.reviewed_at).timestamp() * 1000 - review.anki_id)
                <= SAME_REVIEW_MS
            ),
            None,
        )
        if match is None:
            fresh.append(review)
        else:
            open_rows.remove(match)
            claimed.append({"_id": match.id, "a": review.anki_id})
    if claimed:
        conn.execute(
            update(REVIEW).where(REVIEW.c.id == bindparam("_id")).values(anki_id=bindparam("a")),
            claimed,
        )
    return fresh


def replay_in_order(rater: Rater, reviews: list[Review], card_id: int) -> list[Applied]:
    """The schedule each review leads to, from a new card, in the order given (time
    order; Python's sort keeps ties as they are). The rule for applying a rating stays
    the scheduler's (`scheduling.rating.Rater`)."""
    return rater.replay(card_id, reviews)
