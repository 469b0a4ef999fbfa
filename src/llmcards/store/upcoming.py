"""When the seen cards of a selection come due after today's queue ("Next: tomorrow,
12 cards"): one SQL text each, run on whichever connection the caller holds (through
SQLAlchemy in `scheduling.queue_sql`, straight from the file in `fastread`), so `llmcards
due` and the study screen agree."""

from __future__ import annotations

from datetime import datetime

from llmcards.cards import NEW, REVIEW
from llmcards.store.fastread import decode_time, encode_time
from llmcards.store.unchanged import Query

# Seen cards that will be shown again (buried ones too: they come back when due).
_WAITING = f"retired = 0 AND suspended = 0 AND state != {NEW} AND due IS NOT NULL"


def _in(deck_ids: list[int] | None) -> str:
    return "" if deck_ids is None else f" AND deck_id IN ({', '.join('?' * len(deck_ids))})"


def next_due(
    query: Query, deck_ids: list[int] | None, now: datetime, end: datetime
) -> datetime | None:
    """The earliest due moment after today's queue: a review card's from `end` (the
    next study day's start) on, a learning card's after `now`."""
    sql = (
        f"SELECT min(due) FROM card WHERE {_WAITING}{_in(deck_ids)}"
        f" AND ((state = {REVIEW} AND due >= ?) OR (state != {REVIEW} AND due > ?))"
    )
    rows = query(sql, (*(deck_ids or ()), encode_time(end), encode_time(now)))
    return decode_time(rows[0][0]) if rows else None


def due_before(query: Query, deck_ids: list[int] | None, moment: datetime) -> int:
    """How many of those cards are due before `moment`."""
    sql = f"SELECT count(*) FROM card WHERE {_WAITING}{_in(deck_ids)} AND due < ?"
    return int(query(sql, (*(deck_ids or ()), encode_time(moment)))[0][0])


def waiting_by_deck(
    query: Query, deck_ids: list[int] | None, now: datetime, end: datetime
) -> list[tuple[int, int, int]]:
    """(deck id, state, count) of the cards today's daily limits may hold back, per deck:
    new cards, and review cards due before `end`, that could be studied now (not retired,
    suspended or buried)."""
    sql = (
        "SELECT deck_id, state, count(*) FROM card WHERE retired = 0 AND suspended = 0"
        f" AND (buried_until IS NULL OR buried_until <= ?){_in(deck_ids)}"
        f" AND (state = {NEW} OR (state = {REVIEW} AND due < ?)) GROUP BY deck_id, state"
    )
    rows = query(sql, (encode_time(now), *(deck_ids or ()), encode_time(end)))
    return [(int(deck_id), int(state), int(count)) for deck_id, state, count in rows]
