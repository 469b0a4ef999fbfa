"""The numbers of a deck list (home screen, `llmcards decks`): what each deck would show
today, capped by its daily limits minus what was already done today.

A cheap view of the queue's rules: one pass over raw counts instead of building a queue
per deck, so it stays fast with many decks and 100k cards. Studying a deck still uses
the exact queue (`queue.py`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, select

from llmcards.clock import day_start
from llmcards.config import Settings
from llmcards.scheduling.queue import DECK, done_today
from llmcards.store.queries import DeckCount


def limited_counts(conn: Connection, counts: list[DeckCount], *, now: datetime, settings: Settings) -> list[DeckCount]:
    deck_names = dict(conn.execute(select(DECK.c.id, DECK.c.name)).all())
    done_new, done_reviews = done_today(conn, since=day_start(now, settings.rollover_hour), deck_names=deck_names)
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
