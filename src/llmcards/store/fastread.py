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

import os
import sqlite3
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from llmcards.cards import StudyRow
from llmcards.clock import StudyCalendar
from llmcards.store.schema import HEAD_REVISION

BUSY_TIMEOUT_S = 30.0
_STORED_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite DATETIME storage


def open_fast(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to an llmcards database at the current schema, or None."""
    try:
        # An unwritable file goes the normal way too: it says so before the app starts.
        if not path.is_file() or path.stat().st_size == 0 or not os.access(path, os.W_OK):
            return None
        # Not `mode=ro`: a read-only open of a WAL database fails when its -shm file is
        # missing; query_only gives the same guarantee without that trap.
        conn = sqlite3.connect(
            os.path.abspath(path),
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
        )
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


@contextmanager
def raw_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection for bulk reads: the fast one when the file allows it,
    else through the full store, which creates, migrates or explains the file first."""
    fast = open_fast(path)
    if fast is not None:
        try:
            yield fast
        finally:
            fast.close()
        return
    from llmcards.store.db import open_db
    from llmcards.store.sqlite import driver_connection

    db = open_db(path)
    try:
        with db.read() as conn:
            yield driver_connection(conn)
    finally:
        db.close()


def encode_time(moment: datetime) -> str:
    """A tz-aware datetime as the stored text it compares with."""
    return moment.astimezone(UTC).strftime(_STORED_FORMAT)


def decode_time(stored: str | None) -> datetime | None:
    if stored is None:
        return None
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)


# -- today's queue (`scheduling.queue.QueueReads`; `scheduling.queue_sql` is the portable twin)

_STUDYABLE = "retired IS 0 AND suspended IS 0 AND (buried_until IS NULL OR buried_until <= ?)"
_CHUNK = 500  # ids per IN (...) list
_STUDY_SELECT = (
    "SELECT card.id, deck.name, front, back, context, kind, source_path, source_line, state, step,"
    " stability, difficulty, due, last_review, reps, lapses FROM card JOIN deck ON deck.id = card.deck_id"
)


class FastQueueReads:
    """Today's queue read from the SQLite file through `open_fast`'s connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def deck_names(self) -> dict[int, str]:
        return dict(self._conn.execute("SELECT id, name FROM deck"))

    def reviewed_since(self, since: datetime) -> list[tuple[int, int]]:
        query = "SELECT card_id, state_before FROM review_log WHERE reviewed_at >= ?"
        return self._conn.execute(query, (encode_time(since),)).fetchall()

    def decks_of(self, card_ids: list[int]) -> dict[int, int]:
        out: dict[int, int] = {}
        for start in range(0, len(card_ids), _CHUNK):
            chunk = card_ids[start : start + _CHUNK]
            query = f"SELECT id, deck_id FROM card WHERE id IN ({_marks(chunk)})"
            out.update(self._conn.execute(query, chunk))
        return out

    def learning(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> list[tuple[int, int, datetime]]:
        where, params = _selection(now, deck_ids)
        query = f"SELECT id, deck_id, due FROM card WHERE {where} AND state IN (1, 3) AND due < ? ORDER BY due, id"
        rows = self._conn.execute(query, (*params, encode_time(end)))
        return [(card_id, deck_id, _due(due)) for card_id, deck_id, due in rows]

    def reviews(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> Generator[tuple[int, int, str]]:
        where, params = _selection(now, deck_ids)
        query = f"SELECT id, deck_id, note_uid FROM card WHERE {where} AND state = 2 AND due < ? ORDER BY due, id"
        cursor = self._conn.execute(query, (*params, encode_time(end)))
        try:
            yield from cursor
        finally:
            cursor.close()

    def new_cards(
        self, deck_id: int, now: datetime, limit: int, offset: int
    ) -> list[tuple[int, str]]:
        query = (
            f"SELECT id, note_uid FROM card WHERE {_STUDYABLE} AND deck_id = ? AND state = 0"
            " ORDER BY source_path, position, id LIMIT ? OFFSET ?"
        )
        return self._conn.execute(query, (encode_time(now), deck_id, limit, offset)).fetchall()

    def all_new_cards(self, now: datetime) -> list[tuple[int, int, str]]:
        query = (
            f"SELECT id, deck_id, note_uid FROM card WHERE {_STUDYABLE} AND state = 0"
            " ORDER BY deck_id, source_path, position, id"
        )
        return self._conn.execute(query, (encode_time(now),)).fetchall()

    def next_due(self, deck_ids: list[int] | None, now: datetime, end: datetime) -> datetime | None:
        from llmcards.store import upcoming
        from llmcards.store.unchanged import stdlib_query

        return upcoming.next_due(stdlib_query(self._conn), deck_ids, now, end)

    def due_before(self, deck_ids: list[int] | None, moment: datetime) -> int:
        from llmcards.store import upcoming
        from llmcards.store.unchanged import stdlib_query

        return upcoming.due_before(stdlib_query(self._conn), deck_ids, moment)

    def waiting_by_deck(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> list[tuple[int, int, int]]:
        from llmcards.store import upcoming
        from llmcards.store.unchanged import stdlib_query

        return upcoming.waiting_by_deck(stdlib_query(self._conn), deck_ids, now, end)

    def study_rows(self, card_ids: list[int]) -> dict[int, StudyRow]:
        out: dict[int, StudyRow] = {}
        for start in range(0, len(card_ids), _CHUNK):
            chunk = card_ids[start : start + _CHUNK]
            for row in self._conn.execute(
                f"{_STUDY_SELECT} WHERE card.id IN ({_marks(chunk)})", chunk
            ):
                out[row[0]] = StudyRow._make(
                    (*row[:12], decode_time(row[12]), decode_time(row[13]), *row[14:])
                )
        return out


def _selection(now: datetime, deck_ids: list[int] | None) -> tuple[str, list[object]]:
    params: list[object] = [encode_time(now)]
    if deck_ids is None:
        return _STUDYABLE, params
    return f"{_STUDYABLE} AND deck_id IN ({_marks(deck_ids)})", params + list(deck_ids)


def _due(stored: str) -> datetime:
    """A due moment the query already required to be set."""
    moment = decode_time(stored)
    assert moment is not None
    return moment


def _marks(values: list[int]) -> str:
    return ", ".join("?" * len(values))


# -- the review log as the optimizer learns from it (`stats.optimize.load_history`)

# Ties in time keep the order they were written in.
_RATED_QUERY = """
SELECT card_id, {day}, rating, state_before
FROM review_log WHERE reviewed_at <= ? AND rating BETWEEN 1 AND 4
ORDER BY card_id, reviewed_at, id
"""


def rated_reviews(
    conn: sqlite3.Connection, *, until: datetime, study_days: StudyCalendar
) -> list[tuple[int, int, int, int]]:
    """(card id, study day number, rating, state before) of every rating up to `until`,
    by card, then in the order they were given."""
    query = _RATED_QUERY.format(day=study_days.sql_day_number("reviewed_at"))
    return conn.execute(query, (encode_time(until),)).fetchall()
