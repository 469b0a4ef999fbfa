"""Notes that came from Anki, kept as `import-anki` last found them (`anki_note`,
`anki_note_type`), so that `export anki` gives Anki back the very notes it knows.

The store keeps them as plain values; what they mean to Anki (a note type's `spec`
JSON) is the exchange layer's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert

from llmcards.store.bulk import MAX_VARIABLES
from llmcards.store.models import ANKI_NOTE, ANKI_NOTE_TYPE


@dataclass(frozen=True, slots=True)
class OriginNote:
    guid: str
    note_type_id: int
    fields: str  # joined by \x1f
    mtime: int


def save(
    conn: Connection, note_types: dict[int, tuple[str, str]], notes: Iterable[OriginNote]
) -> None:
    """Note types (id -> (name, spec)) and notes, replacing what was kept of them."""
    if note_types:
        statement = insert(ANKI_NOTE_TYPE)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[ANKI_NOTE_TYPE.c.id],
                set_={"name": statement.excluded.name, "spec": statement.excluded.spec},
            ),
            [{"id": i, "name": name, "spec": spec} for i, (name, spec) in note_types.items()],
        )
    rows = [
        {"guid": n.guid, "note_type_id": n.note_type_id, "fields": n.fields, "mtime": n.mtime}
        for n in notes
    ]
    if rows:
        statement = insert(ANKI_NOTE)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[ANKI_NOTE.c.guid],
                set_={
                    "note_type_id": statement.excluded.note_type_id,
                    "fields": statement.excluded.fields,
                    "mtime": statement.excluded.mtime,
                },
            ),
            rows,
        )


def load(
    conn: Connection, guids: Iterable[str]
) -> tuple[dict[str, OriginNote], dict[int, tuple[str, str]]]:
    """The kept notes of these GUIDs, and their note types (id -> (name, spec))."""
    wanted = sorted(set(guids))
    notes: dict[str, OriginNote] = {}
    for start in range(0, len(wanted), MAX_VARIABLES):
        chunk = wanted[start : start + MAX_VARIABLES]
        for row in conn.execute(select(ANKI_NOTE).where(ANKI_NOTE.c.guid.in_(chunk))):
            notes[row.guid] = OriginNote(row.guid, row.note_type_id, row.fields, row.mtime)
    type_ids = sorted({n.note_type_id for n in notes.values()})
    note_types = {
        row.id: (row.name, row.spec)
        for start in range(0, len(type_ids), MAX_VARIABLES)
        for row in conn.execute(
            select(ANKI_NOTE_TYPE).where(
                ANKI_NOTE_TYPE.c.id.in_(type_ids[start : start + MAX_VARIABLES])
            )
        )
    }
    return notes, note_types
