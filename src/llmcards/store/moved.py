"""A bullet moved to another file of the same root deck, when that file was imported first.

Then the other file's import made a new card (its old home still held the bullet), and
this file's import would retire the old card with its history. When the new card was
never reviewed, the old card takes its place instead: nothing is lost, and the history
follows the bullet. (The other order, the old file imported first, needs nothing here:
the card it retired is matched again by key, `sync.existing_cards` rank 3.)
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from llmcards.store.bulk import MAX_VARIABLES
from llmcards.store.identity import Key
from llmcards.store.models import LOG as REVIEW_LOG

if TYPE_CHECKING:
    from llmcards.store.sync import Existing


def moved_elsewhere(conn: Connection, known: Existing, leaving: list[Any]) -> list[tuple[Any, Any]]:
    """(reviewed card leaving this file, the same card another file of the root holds
    now) where that other card was made by an import and never reviewed: merging loses
    nothing."""
    fresh: dict[Key, list[Any]] = defaultdict(list)
    # By front and answer too: a short front moved under another heading took that
    # heading as its context (pairing rule 1, the same front in the root deck).
    by_front: dict[tuple[str, str, int, str], list[Any]] = defaultdict(list)
    for row in known.rows:
        if row.source_path != known.source_path and not row.retired and row.reps == 0:
            fresh[(row.context, row.front, row.kind, row.cloze_ord)].append(row)
            by_front[(row.front, row.kind, row.cloze_ord, row.back)].append(row)
    wanted = [
        (old, fresh.get(_key_of_row(old)) or by_front.get(_moved_key(old), []))
        for old in leaving
        if old.reps > 0  # a history worth keeping
    ]
    wanted = [(old, rows) for old, rows in wanted if rows]
    if not wanted:
        return []
    ids = [row.id for _old, rows in wanted for row in rows]
    reviewed = {
        card_id
        for start in range(0, len(ids), MAX_VARIABLES)
        for (card_id,) in conn.execute(
            select(REVIEW_LOG.c.card_id)
            .where(REVIEW_LOG.c.card_id.in_(ids[start : start + MAX_VARIABLES]))
            .distinct()
        )
    }
    pairs = []
    taken: set[int] = set()  # a card sits in both indexes: each is taken once
    for old, rows in wanted:
        while rows and (rows[0].id in reviewed or rows[0].id in taken):
            rows.pop(0)
        if rows:
            taken.add(rows[0].id)
            pairs.append((old, rows.pop(0)))
    return pairs


def _moved_key(row: Any) -> tuple[str, str, int, str]:
    return (row.front, row.kind, row.cloze_ord, row.back)


def _key_of_row(row: Any) -> Key:
    return (row.context, row.front, row.kind, row.cloze_ord)
