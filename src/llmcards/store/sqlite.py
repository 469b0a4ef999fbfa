"""The SQLite file itself: the engine's connection settings (WAL, FULL sync, busy timeout,
BEGIN IMMEDIATE for writers), creating it private to its owner, backup and restore
through SQLite's backup API, and reading its schema version without SQLAlchemy.

llmcards stores in SQLite only: `fastread` and the stats also speak its SQL directly.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

BUSY_TIMEOUT_MS = 30_000


def create_sqlite_engine(path: Path | None) -> Engine:
    """An engine with WAL, foreign keys, a busy timeout and explicit BEGIN handling.

    `path=None` gives a private in-memory database (dry runs, tests).
    """
    url = f"sqlite:///{path}" if path is not None else "sqlite://"
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own
        # transaction handling defers it and cannot do BEGIN IMMEDIATE).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if path is not None:
            cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed rating survives power loss too, not only a killed process.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # 64 MB page cache: a 100k-card import touches every index page many times.
        cur.execute("PRAGMA cache_size=-65536")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer that starts with a read and upgrades later can fail at once with
        # "database is locked" when another process wrote in between; taking the write
        # lock up front makes it wait (busy_timeout) instead.
        if conn.get_execution_options().get("llmcards_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def driver_connection(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy one, for bulk work in plain SQL."""
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def backup_to(source: Path, target: Path) -> None:
    """A consistent copy of a live database (WAL included), via SQLite's backup API."""
    # closing(): `with sqlite3.connect()` only commits. Left to the cyclic GC, the open
    # source connection kept its WAL alive, and later opens in this process could read
    # that stale WAL even after the file itself was replaced.
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    os.chmod(target, 0o600)


def read_schema_version(path: Path) -> tuple[str | None, bool]:
    """(alembic revision or None, whether the file holds any tables)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        tables = {
            row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "alembic_version" not in tables:
            return None, bool(tables)
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return (row[0] if row else None), True
    finally:
        con.close()


def restore_from(backup: Path, target: Path) -> None:
    """Copy `backup` into the live database `target` page by page (WAL-safe, atomic)."""
    with (
        closing(sqlite3.connect(backup)) as src,
        closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)) as dst,
    ):
        src.backup(dst)
