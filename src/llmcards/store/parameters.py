"""FSRS parameters fitted to one database's reviews, kept in that database (`meta` table).

Parameters describe how one person remembers one collection: kept in its database they
go with it (backups, copies, another machine) and never apply to another database, as a
single global setting did. A database without fitted parameters uses `fsrs_parameters`
from the settings file if someone set them there by hand, else FSRS-6's defaults.

Read with the standard library (the start-up paths must not load SQLAlchemy); written
inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection, delete, insert

from llmcards.store.models import META

KEY = "fsrs_parameters"


def read_parameters(db_path: Path) -> list[float] | None:
    """The parameters fitted for this database, or None (none yet, or no database yet)."""
    if not db_path.is_file():
        return None
    try:
        # Not `mode=ro`: that fails on a WAL database whose -shm file is missing.
        conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only=1")
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    except sqlite3.Error:  # not an llmcards database, or one from before `meta`
        return None
    finally:
        conn.close()
    if row is None:
        return None
    try:
        values = json.loads(row[0])
    except ValueError:
        return None
    if not isinstance(values, list) or not all(isinstance(v, int | float) for v in values):
        return None
    return [float(v) for v in values]


def save_parameters(conn: Connection, parameters: Sequence[float]) -> None:
    """Keep these parameters for this database (inside the caller's write transaction)."""
    conn.execute(delete(META).where(META.c.key == KEY))
    conn.execute(insert(META).values(key=KEY, value=json.dumps([float(p) for p in parameters])))
