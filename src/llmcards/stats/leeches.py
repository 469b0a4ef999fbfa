"""Leeches: cards forgotten again and again. Like Anki, they are tagged `leech` and
suspended, so they stop eating review time until the note is rewritten.

One function serves both callers: the stats sweep (every card) and the scheduler right
after a lapse (`card_ids=[that card]`). A card already tagged is left alone, so a user
who unsuspends a leech on purpose keeps it unsuspended.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, and_, func, literal, not_, select, update

from llmcards.cards import LEECH_TAG
from llmcards.store.models import CARD


def has_tag(tags: str, tag: str = LEECH_TAG) -> bool:
    return tag in tags.split()


def _tagged_sql(tag: str = LEECH_TAG):
    # Tags are space separated; pad both ends so "leech" never matches "leeches".
    padded = literal(" ") + func.replace(CARD.c.tags, "\t", " ") + literal(" ")
    return padded.like(f"% {tag} %")


def mark_leeches(
    conn: Connection, threshold: int, *, card_ids: Iterable[int] | None = None
) -> list[int]:
    """Tag and suspend untagged cards with at least `threshold` lapses; their ids.

    `threshold` 0 turns leech detection off. Runs inside the caller's write transaction.
    """
    if threshold <= 0:
        return []
    condition = and_(CARD.c.lapses >= threshold, CARD.c.retired.is_(False), not_(_tagged_sql()))
    if card_ids is not None:
        wanted = list(card_ids)
        if not wanted:
            return []
        condition = and_(condition, CARD.c.id.in_(wanted))
    ids = list(conn.execute(select(CARD.c.id).where(condition).order_by(CARD.c.id)).scalars())
    if ids:
        # The same condition rather than the id list: a sweep may find thousands.
        conn.execute(
            update(CARD)
            .where(condition)
            .values(tags=func.trim(CARD.c.tags + literal(" " + LEECH_TAG)), suspended=True)
        )
    return ids
