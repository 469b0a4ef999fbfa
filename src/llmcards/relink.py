"""`llmcards relink OLD NEW`: a retired card's review history moved onto another card.

Import keeps history through the edits its pairing rules recognise; for any other
rewrite of a front the old card is retired with its history and the new card starts
from zero. Relinking is the hand-made repair: the ratings of both cards become one log,
replayed through the scheduler (`scheduling.rating`, the one definition of a rating)
so the card's memory state is what it would be had every rating been given to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from llmcards.errors import UserError

if TYPE_CHECKING:
    from llmcards.config import Settings
    from llmcards.store.db import Database


@dataclass(frozen=True)
class Relinked:
    old_id: int
    new_id: int
    moved: int  # ratings moved from the old card
    reviews: int  # ratings the card holds now
    state: int
    due: datetime | None


def relink(db: Database, old_id: int, new_id: int, settings: Settings) -> Relinked:
    """Move card `old_id`'s ratings onto `new_id` and replay them all; one transaction."""
    from sqlalchemy import select, update

    from llmcards.scheduling.rating import CardSchedule, Rater, Review
    from llmcards.store.models import CARD, LOG

    card, log = CARD, LOG
    if old_id == new_id:
        raise UserError(f"card #{old_id} given twice; relink OLD NEW takes two different cards")
    with db.write() as conn:
        found = {
            row.id: row
            for row in conn.execute(
                select(card.c.id, card.c.retired).where(card.c.id.in_([old_id, new_id]))
            )
        }
        for card_id in (old_id, new_id):
            if card_id not in found:
                raise UserError(
                    f"no card #{card_id}; run `llmcards cards --state all` to see card ids"
                )
        if not found[old_id].retired:
            raise UserError(
                f"card #{old_id} is not retired; relink moves the history of a retired card "
                "(see `llmcards cards --state retired`)"
            )
        if found[new_id].retired:
            raise UserError(f"card #{new_id} is retired; relink onto a card still in your notes")
        rows = conn.execute(
            select(log.c.id, log.c.card_id, log.c.rating, log.c.reviewed_at, log.c.duration_ms)
            .where(log.c.card_id.in_([old_id, new_id]))
            .order_by(log.c.reviewed_at, log.c.id)
        ).all()
        moved = sum(1 for r in rows if r.card_id == old_id)
        if not moved:
            raise UserError(f"card #{old_id} has no review history to move")
        ratings = [Review(r.reviewed_at, r.rating, r.duration_ms) for r in rows]
        steps = Rater(settings).replay(new_id, ratings)
        # `replay` sorts by time; `rows` already is, so step i belongs to rows[i].
        for row, step in zip(rows, steps, strict=True):
            conn.execute(
                update(log)
                .where(log.c.id == row.id)
                .values(
                    card_id=new_id,
                    state_before=step.before.state,
                    state_after=step.after.state,
                    stability_before=step.before.stability,
                    stability_after=step.after.stability,
                    difficulty_before=step.before.difficulty,
                    difficulty_after=step.after.difficulty,
                    due_before=step.before.due,
                    due_after=step.after.due,
                    card_before=step.before.as_json(),  # so undo restores the merged card
                )
            )
        final = steps[-1].after
        conn.execute(update(card).where(card.c.id == new_id).values(**final.columns()))
        # The old card keeps its row (and its retired place) but no longer claims a history.
        conn.execute(update(card).where(card.c.id == old_id).values(**CardSchedule().columns()))
    return Relinked(old_id, new_id, moved, len(rows), final.state, final.due)
