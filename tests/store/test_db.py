"""Opening databases: fresh, migrated (with a backup first), newer, broken."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from llmcards.errors import DatabaseError
from llmcards.store import db as store_db
from llmcards.store.backup import backup_dir
from llmcards.store.db import HEAD_REVISION, known_revisions, open_db


def _pragma(path: Path, name: str) -> object:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        con.close()


def test_fresh_database_is_private_wal_and_at_head(db_path: Path) -> None:
    db = open_db(db_path)
    with db.read() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        )
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000
    with db.write() as conn:
        conn.execute(text("INSERT INTO deck (name) VALUES ('x')"))
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600  # SQLite copies the mode
    db.close()
    assert _pragma(db_path, "journal_mode") == "wal"
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_new_data_folder_is_private() -> None:
    from llmcards.paths import default_db_path

    default = default_db_path()  # in this test's own home (conftest)
    assert not default.parent.exists()
    open_db(default).close()
    assert stat.S_IMODE(default.parent.stat().st_mode) == 0o700


def test_head_constant_matches_the_migration_scripts() -> None:
    script = store_db._script_directory()
    assert script.get_current_head() == HEAD_REVISION


def _schema(path: Path) -> dict[str, object]:
    """Every table's columns, indexes and foreign keys, in an order-free form."""
    con = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        ]
        shape: dict[str, object] = {}
        for table in tables:
            columns = {row[1]: row[2:] for row in con.execute(f"PRAGMA table_info({table})")}
            indexes = {
                (row[2], tuple(c[2] for c in con.execute(f"PRAGMA index_info('{row[1]}')")))
                for row in con.execute(f"PRAGMA index_list({table})")
            }
            keys = {row[2:5] for row in con.execute(f"PRAGMA foreign_key_list({table})")}
            shape[table] = (columns, indexes, keys)
        shape["triggers"] = set(
            con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
        return shape
    finally:
        con.close()


def test_a_new_database_has_the_schema_the_migrations_build(tmp_path: Path) -> None:
    """New databases are built from the models; an old one reaches head by migrations.
    Both must end up alike, column for column and index for index."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    fresh = tmp_path / "fresh.db"
    open_db(fresh).close()
    migrated = tmp_path / "migrated.db"
    engine = store_db.sqlite_impl.create_sqlite_engine(migrated)
    config = store_db._alembic_config()
    with engine.connect().execution_options(llmcards_write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()
    assert _schema(fresh) == _schema(migrated)
    con = sqlite3.connect(fresh)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]
    con.close()


def test_newer_database_is_refused_with_advice(db_path: Path) -> None:
    open_db(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match=r"newer llmcards.*upgrade llmcards"):
        open_db(db_path)


def test_garbage_file_is_not_a_database(db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite at all\n" * 100)
    with pytest.raises(DatabaseError, match="not a readable llmcards database"):
        open_db(db_path)


def test_foreign_sqlite_database_is_refused(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE photos (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not an llmcards one"):
        open_db(db_path)


def test_older_database_is_backed_up_then_migrated(db_path: Path, tmp_path: Path) -> None:
    """Every earlier revision upgrades to head, keeping data, with a copy made first."""
    revisions = sorted(known_revisions())
    older = [r for r in revisions if r != HEAD_REVISION]
    if not older:
        # With a single revision, an "older" database is one stamped before any
        # migration ran: an empty llmcards file. It must come up at head.
        sqlite3.connect(db_path).close()
        open_db(db_path).close()
        assert _pragma(db_path, "user_version") == 0
        con = sqlite3.connect(db_path)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
        con.close()
        return
    from alembic import command

    for base in older:
        path = tmp_path / f"at-{base}.db"
        engine = store_db.sqlite_impl.create_sqlite_engine(path)
        config = store_db._alembic_config()
        with engine.connect().execution_options(llmcards_write=True) as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, base)
            conn.commit()
            conn.exec_driver_sql("INSERT INTO deck (name) VALUES ('kept')")
            conn.commit()
        engine.dispose()
        db = open_db(path)
        with db.read() as conn:
            assert conn.execute(text("SELECT name FROM deck")).scalars().all() == ["kept"]
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info(review_log)"))}
            assert "origin" in columns
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                == HEAD_REVISION
            )
        db.close()
        backups = list(backup_dir(path).glob(f"llmcards-*-migration-{base}-to-{HEAD_REVISION}.db"))
        assert len(backups) == 1
        con = sqlite3.connect(backups[0])
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == base
        con.close()


def test_unwritable_location_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A path below a regular file cannot be created, even by root (CI runs as root).
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match=r"no folder .*notes\.txt/sub for the database"):
        open_db(blocker / "sub" / "cards.db")  # another folder than the default: never made
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    from llmcards.paths import default_db_path

    with pytest.raises(DatabaseError, match="cannot create database"):
        open_db(default_db_path())  # the default one's folder is made, if it can be


def test_an_import_uses_a_small_page_cache_and_gives_the_large_one_back(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import writes with a small page cache (its peak memory), then the connection a
    session keeps reading with has its large cache again — after a failed import too."""
    from datetime import UTC, datetime

    from llmcards.errors import NoteError
    from llmcards.importing import files as importing
    from llmcards.store.sqlite import IMPORT_PAGE_CACHE_KB, PAGE_CACHE_KB

    seen: list[int] = []
    store = importing._store

    def watched(conn: Connection, *args: Any) -> Any:
        seen.append(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
        return store(conn, *args)

    monkeypatch.setattr(importing, "_store", watched)
    notes = db_path.parent / "notes.md"
    notes.write_text("# LLM\n\n- **Token**：模型读的最小单位\n", encoding="utf-8")
    db = open_db(db_path)
    importing.import_paths(db, [notes], now=datetime(2026, 12, 1, tzinfo=UTC))
    assert seen == [-IMPORT_PAGE_CACHE_KB]
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -PAGE_CACHE_KB
    notes.write_text("# LLM\n\n- **Token**：改过的答案\n", encoding="utf-8")

    def failing(conn: Connection, *args: Any) -> Any:
        raise NoteError(str(notes), "cannot be stored")

    monkeypatch.setattr(importing, "_store", failing)
    with pytest.raises(NoteError):
        importing.import_paths(
            db, [notes], now=datetime(2026, 12, 2, tzinfo=UTC), by_sections=False
        )
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -PAGE_CACHE_KB
    db.close()


def test_a_files_active_cards_are_counted_and_found_by_position_from_the_index(
    db_path: Path,
) -> None:
    """An unchanged re-import counts a file's active cards, an edited one finds the
    cards at its changed sections' positions: neither may read every card row of the
    file (texts included), which on a 67k-card note cost ~0.1 s each."""
    from llmcards.store.narrow import CHANGED_CARDS_SQL
    from llmcards.store.unchanged import ACTIVE_CARDS_SQL

    open_db(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("CREATE TEMP TABLE llmcards_positions (v PRIMARY KEY)")

    def plan(sql: str, params: tuple[object, ...]) -> str:
        return " | ".join(row[-1] for row in con.execute(f"EXPLAIN QUERY PLAN {sql}", params))

    count = plan(ACTIVE_CARDS_SQL, ("/notes/a.md", "A"))
    assert "COVERING INDEX ix_card_source_active" in count
    changed = plan(CHANGED_CARDS_SQL, ("/notes/a.md", "A"))
    assert (
        "ix_card_source_active (source_path=? AND root=? AND retired=? AND position=?)" in changed
    )
    con.close()
