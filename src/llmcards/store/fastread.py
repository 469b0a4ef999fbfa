"""Reading the SQLite file with the standard library alone, for start-up-critical paths.

Importing SQLAlchemy and SQLModel costs ~0.35 s, more than the whole work of what people
run most: opening the study screen on its first card, re-importing notes that did not
change. Those paths read through here first and load the full store only when they
have something to write. Everything here is SQLite-specific by nature: for a database
this cannot read (missing, another schema revision, not SQLite) `open_fast` answers
None and the caller takes the normal path, which creates, migrates or explains.

Column values come back as SQLite stores them; `decode_time`/`encode_time` translate the
datetime columns exactly as SQLAlchemy's SQLite dialect writes them (`UTCDateTime`).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from llmcards.store.schema import HEAD_REVISION

BUSY_TIMEOUT_S = 30.0
_STORED_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite DATETIME storage


def open_fast(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to an llmcards database at the current schema, or None."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        # Not `mode=ro`: a read-only open of a WAL database fails when its -shm file is
        # missing; query_only gives the same guarantee without that trap.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error):
        return None
    try:
        conn.execute("PRAGMA query_only=1")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    if row is None or row[0] != HEAD_REVISION:
        conn.close()
        return None
    return conn


def encode_time(moment: datetime) -> str:
    """A tz-aware datetime as the stored text it compares with."""
    return moment.astimezone(timezone.utc).strftime(_STORED_FORMAT)


def decode_time(stored: str | None) -> datetime | None:
    if stored is None:
        return None
    return datetime.fromisoformat(stored).replace(tzinfo=timezone.utc)
