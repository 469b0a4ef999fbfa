"""Cards that arrived by sync, claimed by the notes they came from when those are imported.

A second machine that syncs before importing any notes gets every card from the server,
kept under the source `anki-sync` with the Anki note GUID the first machine gave it. When
the same notes are imported here, each new card's GUID (derived from its uid, as on the
first machine) finds that card: the row takes the notes' identity and text and keeps its
schedule and history, instead of a duplicate being made. The match: same note GUID, same
kind and cloze number. Both ways of storing new cards go through `NewCardRows.insert`,
which calls `adopt` first.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select, update

from llmcards.store.models import CARD

SYNC_SOURCE = "anki-sync"  # `exchange.sync_pull` stores synced-in cards under it

# What an adopted row takes from the notes; schedule, tags and history stay.
TAKEN = (
    "uid",
    "note_uid",
    "deck_id",
    "root",
    "context",
    "front",
    "back",
    "kind",
    "cloze_ord",
    "cloze_text",
    "heading_path",
    "source_path",
    "source_line",
    "position",
    "updated_at",
    "guid",
    "note_guid",
)
_ADOPT = (
    update(CARD)
    .where(CARD.c.id == bindparam("_id"))
    .values({c: bindparam(f"v_{c}") for c in TAKEN})
)


Rows = list[tuple[object, ...]]


def adopt(conn: Connection, columns: tuple[str, ...], rows: Rows) -> Rows:
    """The rows no synced-in card claims; the claimed ones are written into those cards."""
    if (
        conn.execute(select(CARD.c.id).where(CARD.c.source_path == SYNC_SOURCE).limit(1)).first()
        is None
    ):
        return rows  # the usual case, one indexed look-up
    at = {name: columns.index(name) for name in (*TAKEN, "note_guid")}
    waiting: dict[tuple[object, object, object], int] = {}
    wanted = list({row[at["note_guid"]] for row in rows})
    for start in range(0, len(wanted), 500):
        for card_id, note_guid, kind, cloze_ord in conn.execute(
            select(CARD.c.id, CARD.c.note_guid, CARD.c.kind, CARD.c.cloze_ord).where(
                CARD.c.source_path == SYNC_SOURCE,
                CARD.c.note_guid.in_(wanted[start : start + 500]),
            )
        ):
            waiting[(note_guid, kind, cloze_ord or 0)] = card_id
    if not waiting:
        return rows
    rest: Rows = []
    claimed = []
    for row in rows:
        key = (row[at["note_guid"]], row[at["kind"]], row[at["cloze_ord"]] or 0)
        card_id = waiting.pop(key, None)
        if card_id is None:
            rest.append(row)
        else:
            claimed.append({"_id": card_id, **{f"v_{c}": row[at[c]] for c in TAKEN}})
    if claimed:
        conn.execute(_ADOPT, claimed)
    return rest
