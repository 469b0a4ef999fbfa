"""The numbers of a deck list (home screen, `llmcards decks`): what each deck would show
today, capped by its daily limits minus what was already done today.

A cheap view of the queue's rules: one pass over raw counts instead of building a queue
per deck, so it stays fast with many decks and 100k cards. Studying a deck still uses
the exact queue (`queue.py`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from llmcards.clock import day_start
from llmcards.config import Settings
from llmcards.scheduling.queue import done_today
from llmcards.scheduling.queue_sql import SqlQueueReads
from llmcards.store.queries import DeckCount


def limited_counts(
    conn: Connection, counts: list[DeckCount], *, now: datetime, settings: Settings
) -> list[DeckCount]:
    reads = SqlQueueReads(conn)
    done_new, done_reviews = done_today(
        reads, since=day_start(now, settings.rollover_hour), deck_names=reads.deck_names()
    )
    shown = []
    for count in counts:
        new_limit, review_limit = settings.limits_for(count.name)
        shown.append(
            replace(
                count,
                new=max(0, min(count.new, new_limit - done_new.get(count.name, 0))),
                due=max(0, min(count.due, review_limit - done_reviews.get(count.name, 0))),
            )
        )
    return shown
