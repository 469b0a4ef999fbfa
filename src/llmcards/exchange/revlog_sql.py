"""llmcards' review log in Anki's revlog terms, computed by SQLite in one query.

A large collection has a million reviews; doing this per row in Python took most of
the export's 10 s budget, so the arithmetic runs where the rows are. Rules:

- `ms`: review time in ms (Anki's revlog id before it is made unique);
- `ivl`: for a result in the review state, days from the review's study day to the due
  day; for a learning/relearning step, minus the step's length in seconds;
- `factor`: FSRS difficulty as Anki stores it in the revlog: (d - 1) / 9 + 0.1, × 1000;
- `type`: 0 learn (a new or learning card), 1 review, 2 relearn, from the state before;
- `time`: answer time in ms, clamped to Anki's 32-bit column.

Study days are counted like `clock.day_start`: local time (llmcards' zone is a fixed UTC
offset) shifted back by the rollover hour, cut into whole days.
"""

from __future__ import annotations

from sqlalchemy import Connection

from llmcards.store.models import ReviewLog

_TABLE = ReviewLog.__tablename__
_EPOCH = "((julianday({0}) - 2440587.5) * 86400.0)"
_DAY = "CAST((" + _EPOCH + " + :shift) / 86400 AS INTEGER)"

REVLOG_SQL = f"""
SELECT card_id,
       CAST(round({_EPOCH.format("reviewed_at")} * 1000) AS INTEGER) AS ms,
       rating,
       CASE WHEN due_after IS NULL THEN 0
            WHEN state_after = 2 THEN max(1, {_DAY.format("due_after")} - {_DAY.format("reviewed_at")})
            ELSE -max(1, CAST(round({_EPOCH.format("due_after")} - {_EPOCH.format("reviewed_at")}) AS INTEGER))
       END AS ivl,
       CASE WHEN difficulty_after IS NULL THEN 0
            ELSE CAST(round(((difficulty_after - 1.0) / 9.0 + 0.1) * 1000) AS INTEGER)
       END AS factor,
       max(0, min(coalesce(duration_ms, 0), 2147483647)) AS time,
       CASE state_before WHEN 2 THEN 1 WHEN 3 THEN 2 ELSE 0 END AS type
FROM {_TABLE}
ORDER BY reviewed_at, id
"""

# column positions in each returned row
CARD_ID, MS, EASE, IVL, FACTOR, TIME, TYPE = range(7)


def revlog_rows(conn: Connection, shift_seconds: int, batch: int = 100_000) -> list[tuple]:  # type: ignore[type-arg]
    """All reviews (of live and retired cards: the caller keeps what it exports), oldest first."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(REVLOG_SQL, {"shift": shift_seconds})
        rows: list[tuple] = []  # type: ignore[type-arg]
        while chunk := cursor.fetchmany(batch):
            rows.extend(chunk)
        return rows
    finally:
        cursor.close()


def earliest_review(conn: Connection) -> float | None:
    """Unix time of the oldest review, if any."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        value = cursor.execute(f"SELECT {_EPOCH.format('min(reviewed_at)')} FROM {_TABLE}").fetchone()[0]
        return None if value is None else float(value)
    finally:
        cursor.close()
