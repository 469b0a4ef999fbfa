"""Anki GUIDs are stored with the cards: old exports keep matching, edits keep the note."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from sqlalchemy import select, update

from llmcards import clock
from llmcards.cards import guid_for
from llmcards.config import Settings
from llmcards.exchange.apkg_export import export_apkg
from llmcards.importing.files import import_paths
from llmcards.store import db as store_db
from llmcards.store.db import open_db
from llmcards.store.models import CARD


def _database_at_0003(path: Path) -> None:
    from alembic import command

    engine = store_db.sqlite_impl.create_sqlite_engine(path)
    config = store_db._alembic_config()
    with engine.connect().execution_options(llmcards_write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        conn.exec_driver_sql("INSERT INTO deck (id, name) VALUES (1, 'nlp')")
        for uid, note_uid, kind in (("u-basic", "u-basic", "basic"), ("u-c1", "u-c2", "cloze")):
            conn.exec_driver_sql(
                "INSERT INTO card (uid, note_uid, deck_id, root, context, front, back, kind,"
                " cloze_ord, cloze_text, heading_path, source_path, source_line, position,"
                " created_at, updated_at, retired, suspended, tags, state, reps, lapses)"
                " VALUES (?, ?, 1, 'nlp', '', 'f', 'b', ?, 1, 'x', '', 'n.md', 1, 0,"
                " '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000', 0, 0, '', 0, 0, 0)",
                (uid, note_uid, kind),
            )
        conn.commit()
    engine.dispose()


def test_migration_stores_the_guids_old_exports_used(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _database_at_0003(path)
    db = open_db(path, daily_backup=False)
    with db.read() as conn:
        rows = conn.execute(select(CARD.c.uid, CARD.c.note_uid, CARD.c.guid, CARD.c.note_guid))
        assert {(r.guid, r.note_guid) for r in rows} == {
            (guid_for("u-basic"), guid_for("u-basic")),
            (guid_for("u-c1"), guid_for("u-c2")),
        }
    db.close()


def _note_guids(package: Path) -> set[str]:
    with zipfile.ZipFile(package) as archive:
        target = package.with_suffix(".anki2")
        target.write_bytes(archive.read("collection.anki2"))
    con = sqlite3.connect(target)
    try:
        return {row[0] for row in con.execute("select guid from notes")}
    finally:
        con.close()


def test_new_cards_get_their_guid_and_keep_it_when_their_uid_changes(
    tmp_path: Path, notes: Path
) -> None:
    db = open_db(tmp_path / "c.db", daily_backup=False)
    import_paths(db, [notes], now=clock.now())
    with db.read() as conn:
        cards = conn.execute(select(CARD)).all()
    assert all(c.guid == guid_for(c.uid) and c.note_guid == guid_for(c.note_uid) for c in cards)
    first = _note_guids(export_apkg(db, tmp_path / "a.apkg", settings=Settings()).path)

    # A front edit that keeps history gives the row a new uid; Anki must see the same note.
    dropout = next(c for c in cards if c.front == "Dropout")
    with db.write() as conn:
        conn.execute(update(CARD).where(CARD.c.id == dropout.id).values(uid="edited-front"))
    second = _note_guids(export_apkg(db, tmp_path / "b.apkg", settings=Settings()).path)
    assert second == first and guid_for(dropout.uid) in second
    db.close()


def test_guids_are_base91_without_leading_zeros_and_never_change() -> None:
    """A GUID is how Anki and the sync server know a note: the same uid must give the
    same GUID in every version, or a re-export would duplicate every note in Anki."""
    assert guid_for("u-basic") == "E{~/c>F&5y"
    for uid in (f"card-{i}" for i in range(5000)):
        guid = guid_for(uid)
        assert 1 <= len(guid) <= 10 and not guid.startswith("a")
