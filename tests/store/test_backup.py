"""Backups: daily on first use (last 7 kept), on demand, and restore with a safety copy."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from llmcards.store.backup import daily_backup_if_due, list_backups, make_backup, restore
from llmcards.store.db import open_db
from tests.clihelp import llmcards


def _decks(path: Path) -> list[str]:
    db = open_db(path, daily_backup=False)
    with db.read() as conn:
        names = list(conn.execute(text("SELECT name FROM deck ORDER BY name")).scalars())
    db.close()
    return names


def _add_deck(path: Path, name: str) -> None:
    db = open_db(path, daily_backup=False)
    with db.write() as conn:
        conn.execute(text("INSERT INTO deck (name) VALUES (:n)"), {"n": name})
    db.close()


def test_daily_backup_once_a_day_keeping_seven(db_path: Path) -> None:
    open_db(db_path, daily_backup=False).close()
    start = datetime(2026, 11, 1, 9)
    for day in range(10):
        assert daily_backup_if_due(db_path, today=start + timedelta(days=day)) is not None
        assert daily_backup_if_due(db_path, today=start + timedelta(days=day, hours=3)) is None
    daily = [p for p in list_backups(db_path) if p.name.endswith("-daily.db")]
    assert len(daily) == 7
    assert daily[0].name.startswith("llmcards-20261104")


def test_restore_brings_back_the_old_state_and_keeps_the_current_one(db_path: Path) -> None:
    open_db(db_path).close()
    _add_deck(db_path, "before")
    saved = make_backup(db_path)
    _add_deck(db_path, "after")
    safety = restore(db_path, saved)
    assert _decks(db_path) == ["before"]
    assert sorted(_decks(safety)) == ["after", "before"]


def test_backup_and_restore_commands(db_path: Path) -> None:
    open_db(db_path).close()
    _add_deck(db_path, "kept")
    result = llmcards("--db", str(db_path), "backup")
    assert result.exit_code == 0, result.stderr
    made = Path(result.stdout.split("Backed up to ", 1)[1].strip())
    _add_deck(db_path, "later")
    refused = llmcards("--db", str(db_path), "restore", str(made))  # no terminal to confirm
    assert refused.exit_code != 0 and _decks(db_path) == ["kept", "later"]
    declined = llmcards("--db", str(db_path), "restore", str(made), stdin="n\n")
    assert declined.exit_code == 1 and _decks(db_path) == ["kept", "later"]  # a script can tell
    done = llmcards("--db", str(db_path), "restore", str(made), "--yes")
    assert done.exit_code == 0, done.stderr
    assert _decks(db_path) == ["kept"]


def test_restore_refuses_a_file_that_is_not_a_backup(db_path: Path, tmp_path: Path) -> None:
    open_db(db_path).close()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"")
    result = llmcards("--db", str(db_path), "restore", str(junk), "--yes")
    assert result.exit_code == 1
    assert (
        result.stderr.startswith("llmcards: error:") and "not an llmcards backup" in result.stderr
    )


def test_a_new_database_has_its_days_backup_at_once(db_path: Path) -> None:
    open_db(db_path).close()
    assert [p.name.endswith("-daily.db") for p in list_backups(db_path)] == [True]
    open_db(db_path).close()  # later the same day: nothing more to copy
    assert len(list_backups(db_path)) == 1
