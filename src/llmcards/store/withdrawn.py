"""Reviews taken back (undo) after a sync had already sent them.

Anki's sync has no way to delete a review: revlog rows are only ever added, so the
server, the sync mirror and every other device keep one that was undone here. Its
revlog id is kept in this database (`meta`) so that the next sync's pull does not add
it back; the card's schedule from before the rating is what the sync then sends, as
Anki's own undo does.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, delete, insert, select

from llmcards.store.models import META

KEY = "sync_withdrawn_reviews"


def withdrawn_reviews(conn: Connection) -> set[int]:
    """Revlog ids of synced reviews undone here."""
    text = conn.execute(select(META.c.value).where(META.c.key == KEY)).scalar()
    try:
        ids = json.loads(text) if text else []
    except ValueError:
        return set()
    return {i for i in ids if isinstance(i, int)} if isinstance(ids, list) else set()


def withdraw_review(conn: Connection, anki_id: int) -> None:
    """Remember that the review synced as `anki_id` was undone (in the caller's transaction)."""
    ids = withdrawn_reviews(conn) | {anki_id}
    conn.execute(delete(META).where(META.c.key == KEY))
    conn.execute(insert(META).values(key=KEY, value=json.dumps(sorted(ids))))
