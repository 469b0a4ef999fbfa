"""Rows of new cards, built as tuples in column order and inserted with one executemany.

Both ways of storing new cards (`sync.sync_file`, `new_root.NewRootImport`) build their
rows here, so a card comes out the same whichever of them stored it. Per-row dicts and
SQLAlchemy's per-row parameter handling cost more than SQLite's own work on a 100k-card
import; the few values that need the dialect's conversion (the import time, False) are
the same in every row and are converted once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Column, Connection, Dialect, insert

from llmcards.cards import CardDraft, guid_for
from llmcards.store.adopt import adopt
from llmcards.store.models import CARD

# In table order; every other column starts NULL (no schedule yet).
COLUMNS = (
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
    "created_at",
    "updated_at",
    "retired",
    "suspended",
    "tags",
    "state",
    "reps",
    "lapses",
    "guid",
    "note_guid",
)
POSITION = COLUMNS.index("position")


class NewCardRows:
    """Collects new cards of one file, imported at `now`, and inserts them in note order."""

    def __init__(
        self,
        conn: Connection,
        *,
        root: str,
        source_path: str,
        now: datetime,
        claims_synced: bool = True,
    ) -> None:
        """`claims_synced=False`: no card came by sync (there was none at all), so none
        is looked for."""
        dialect = conn.dialect
        self._claims_synced = claims_synced
        compiled = insert(CARD).compile(dialect=dialect, column_keys=list(COLUMNS))
        if tuple(compiled.positiontup or ()) != COLUMNS:
            raise AssertionError("card columns are not in table order")
        self._sql = str(compiled)
        self._root = root
        self._source_path = source_path
        self._now = _stored(CARD.c.created_at, dialect, now)
        self._false = _stored(CARD.c.retired, dialect, False)
        self.rows: list[tuple[object, ...]] = []

    def add(
        self,
        draft: CardDraft,
        *,
        uid: str,
        note_uid: str,
        deck_id: int,
        heading: str,
        position: int,
    ) -> None:
        now, false = self._now, self._false
        guid = guid_for(uid)
        # A basic card is its own note: one hash, not two (~0.07 s on 100k bullets).
        note_guid = guid if note_uid == uid else guid_for(note_uid)
        self.rows.append(
            (
                uid,
                note_uid,
                deck_id,
                self._root,
                draft.context,
                draft.front,
                draft.back,
                draft.kind,
                draft.cloze_ord,
                draft.cloze_text,
                heading,
                self._source_path,
                draft.line,
                position,
                now,
                now,
                false,
                false,
                "",
                0,
                0,
                0,
                guid,
                note_guid,
            )
        )

    def insert(self, conn: Connection) -> None:
        """Insert the rows collected so far, in note order (so new ids follow it)."""
        if not self.rows:
            return
        self.rows.sort(key=lambda row: cast(int, row[POSITION]))
        rows = self.rows
        if self._claims_synced:
            rows = adopt(conn, COLUMNS, rows)  # cards that came by sync keep their history
        if rows:
            conn.exec_driver_sql(self._sql, rows)
        self.rows = []


def _stored(column: Column[Any], dialect: Dialect, value: object) -> object:
    processor = column.type.bind_processor(dialect)
    value = value if processor is None else processor(value)
    # What the sqlite3 module's default adapter would make of it for every row (two
    # datetimes a card: ~0.07 s of CPU on 100k bullets), made once.
    return value.isoformat(" ") if isinstance(value, datetime) else value
