"""Generated notes through the whole import (parse, sync, database): it never raises, a
second import of the same file is a no-op, and an edit never loses a studied card's
history."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from sqlalchemy import text

from llmcards.importing.files import import_paths
from llmcards.store.db import open_db
from tests.notes.test_property import notes

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def _state(db) -> list[tuple]:
    with db.read() as conn:
        return conn.execute(
            text(
                "SELECT c.id, c.uid, d.name, c.front, c.back, c.retired, c.updated_at FROM card c "
                "JOIN deck d ON d.id = c.deck_id ORDER BY c.id"
            )
        ).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=notes(), second=notes())
def test_import_twice_is_a_no_op_and_edits_keep_history(first: str, second: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        note = Path(tmp) / "fuzz.md"
        note.write_text(first, encoding="utf-8")
        db = open_db(Path(tmp) / "c.db", daily_backup=False)
        try:
            import_paths(db, [note], deck="F", now=NOW)
            before = _state(db)
            again = import_paths(db, [note], deck="F", now=NOW)
            assert (again.total("new"), again.total("updated"), again.total("retired")) == (0, 0, 0)
            assert _state(db) == before
            with db.write() as conn:  # forget the file's hash: parse and match card by card
                conn.execute(text("DELETE FROM source"))
            parsed_again = import_paths(db, [note], deck="F", now=NOW)
            assert parsed_again.files[0].parsed_again
            assert (
                parsed_again.total("new"),
                parsed_again.total("updated"),
                parsed_again.total("retired"),
            ) == (0, 0, 0)
            assert _state(db) == before
            # Study everything, then edit the notes arbitrarily: no card disappears.
            with db.write() as conn:
                conn.execute(text("UPDATE card SET reps = 3, state = 2"))
            note.write_text(second, encoding="utf-8")
            import_paths(db, [note], deck="F", now=NOW)
            after = {row[0]: row for row in _state(db)}
            assert {row[0] for row in before} <= after.keys()
            with db.read() as conn:
                assert conn.execute(
                    text("SELECT COUNT(*) FROM card WHERE reps = 3")
                ).scalar() == len(before)
        finally:
            db.close()
