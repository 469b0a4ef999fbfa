"""The study app's writes leave the WAL checkpoint to a thread of its own.

A rating's commit must not copy the log back into the database file (on a large database
that copy held the next card up ~70 ms); the copy happens right after, off the rating's
way, so the log stays small over a long session and the file itself holds the ratings.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import text

from llmcards.store.db import open_db
from llmcards.store.sqlite import create_sqlite_engine

# ~1,500 pages of 4 KB: more than the 1,000 pages after which a commit checkpoints itself.
BIG = 6_000_000


def _in_file_alone(db_path: Path, tmp_path: Path) -> int:
    """Rows of table t in the database file without its log (what a checkpoint copied);
    -1 when the copy caught a checkpoint half-way."""
    copy = tmp_path / f"file-alone-{time.monotonic_ns()}.db"
    shutil.copyfile(db_path, copy)
    con = sqlite3.connect(copy)
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
        return con.execute("SELECT count(*) FROM t").fetchone()[0] if "t" in tables else 0
    except sqlite3.DatabaseError:
        return -1
    finally:
        con.close()
        copy.unlink()


def _write_big(engine) -> None:
    with engine.connect() as conn, conn.begin():
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x BLOB)"))
        conn.execute(text("INSERT INTO t VALUES (zeroblob(:n))"), {"n": BIG})


def _wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_a_commit_without_autocheckpoint_leaves_its_pages_in_the_log(tmp_path: Path) -> None:
    usual, study = tmp_path / "usual.db", tmp_path / "study.db"
    for path, autocheckpoint in ((usual, True), (study, False)):
        engine = create_sqlite_engine(path, autocheckpoint=autocheckpoint)
        with engine.connect() as conn:  # two connections: none of them is the last one
            _write_big(engine)
            conn.execute(text("SELECT 1"))
            # The usual engine copied the log into the file inside the big commit.
            assert _in_file_alone(path, tmp_path) == (1 if autocheckpoint else 0)
        engine.dispose()
    # Closing the last connection copies the log back all the same: nothing stays behind.
    assert _in_file_alone(study, tmp_path) == 1


def test_the_study_database_copies_the_log_back_soon_after_each_write(tmp_path: Path) -> None:
    path = tmp_path / "cards.db"
    db = open_db(path, daily_backup=False, background_checkpoints=True)
    try:
        assert db.checkpoints is not None
        with db.write() as conn:
            # Only the thread copies the log: no commit of this database does.
            assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
            conn.execute(text("CREATE TABLE t (x BLOB)"))
        checkpoints = db.checkpoints
        for rows in range(1, 5):
            with db.write() as conn:
                conn.execute(text("INSERT INTO t VALUES (zeroblob(:n))"), {"n": BIG})
            assert _wait_for(
                lambda rows=rows: checkpoints.idle() and _in_file_alone(path, tmp_path) == rows
            )
        # After a complete copy the next write reuses the log from its start: four
        # writes of BIG bytes each left a log the size of one, not of four.
        wal = path.with_name(path.name + "-wal")
        assert wal.stat().st_size < 2 * BIG
    finally:
        db.close()
    assert not [t for t in threading.enumerate() if t.name == "llmcards-checkpoint"]


def test_command_line_databases_keep_sqlite_checkpointing_in_the_commit(tmp_path: Path) -> None:
    path = tmp_path / "cards.db"
    db = open_db(path, daily_backup=False)
    try:
        assert db.checkpoints is None
        with db.write() as conn:
            conn.execute(text("CREATE TABLE t (x BLOB)"))
        with db.write() as conn:
            conn.execute(text("INSERT INTO t VALUES (zeroblob(:n))"), {"n": BIG})
        assert _in_file_alone(path, tmp_path) == 1
    finally:
        db.close()


def test_a_checkpoint_that_cannot_run_stays_quiet(tmp_path: Path, monkeypatch) -> None:
    # Its thread's traceback would be drawn over the study screen: a failure (here a
    # database that cannot be opened) is left for the next try, never raised.
    from llmcards.store.checkpoints import BackgroundCheckpoints

    escaped: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: escaped.append(args.exc_value))
    checkpoints = BackgroundCheckpoints(tmp_path / "no such folder" / "cards.db", settle=0)
    checkpoints.soon()
    assert _wait_for(checkpoints.idle)
    checkpoints.close()
    assert escaped == [] and checkpoints.done == 0
