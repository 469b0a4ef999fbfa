"""Reschedule cards with new FSRS parameters: replay each card's ratings with py-fsrs.

Replaying (through `scheduling.rating`, the one definition of a rating, so study days
and fuzz count as when rating) gives the memory state (stability, difficulty) and due
date the card would have had if it had always been scheduled with these parameters.
Review history is
never touched. Cards whose log does not start with their first rating (imported
mid-life) cannot be replayed and keep their schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update

from llmcards.config import Settings
from llmcards.store.models import CARD, LOG, NEW


@dataclass(frozen=True)
class RescheduleReport:
    rescheduled: int
    skipped: int  # cards whose history could not be replayed


def reschedule_cards(
    conn: Connection, parameters: Sequence[float], settings: Settings, *, now: datetime
) -> RescheduleReport:
    """Inside the caller's write transaction: new schedules for every seen, not retired card."""
    from llmcards.scheduling.rating import Rater, Review

    rater = Rater(replace(settings, fsrs_parameters=list(parameters)))
    rows = conn.execute(
        select(LOG.c.card_id, LOG.c.rating, LOG.c.reviewed_at, LOG.c.state_before)
        .join(CARD, CARD.c.id == LOG.c.card_id)
        .where(CARD.c.retired.is_(False), CARD.c.state != NEW, LOG.c.reviewed_at <= now)
        .order_by(LOG.c.card_id, LOG.c.reviewed_at, LOG.c.id)
    ).all()
    updates: list[dict[str, object]] = []
    skipped = 0
    index = 0
    while index < len(rows):
        card_id = rows[index].card_id
        end = index
        while end < len(rows) and rows[end].card_id == card_id:
            end += 1
        history = rows[index:end]
        index = end
        if history[0].state_before != NEW:
            skipped += 1
            continue
        steps = rater.replay(card_id, [Review(row.reviewed_at, row.rating) for row in history])
        updates.append({"cid": card_id, **steps[-1].after.columns()})
    if updates:
        conn.execute(update(CARD).where(CARD.c.id == bindparam("cid")), updates)
    return RescheduleReport(len(updates), skipped)
