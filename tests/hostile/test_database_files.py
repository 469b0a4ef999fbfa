"""Items 2, 10, 12, 14, 16 of issue 16 and items 3, 11 of issue 13: the database file,
its backups and restores cannot be pointed elsewhere, read by others or corrupted."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from llmcards.store import db as store_db
from llmcards.store import sqlite as sqlite_impl
from llmcards.store.backup import backup_dir, daily_backup_if_due, list_backups, make_backup
from tests.clihelp import llmcards
from tests.hostile.helpers import assert_one_line_error, make_db, rows


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name", ["a%20b.db", "c?mode=memory.db", "d#x.db", "file:e.db"])
def test_db_option_is_a_plain_path(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = make_db(tmp_path, name=name)
    assert db.is_file() and _mode(db) == 0o600
    con = sqlite3.connect(db)  # the cards are in exactly that file
    assert con.execute("SELECT count(*) FROM card").fetchone()[0] == 2
    con.close()
    others = [p.name for p in tmp_path.iterdir() if p.is_file() and not p.name.startswith(name)]
    assert others == [], others  # nothing written to a file of another name
    done = llmcards("--db", name, "backup")
    assert done.exit_code == 0, done.stderr
    made = max(list_backups(db), key=lambda p: p.name)
    con = sqlite3.connect(made)
    assert con.execute("SELECT count(*) FROM card").fetchone()[0] == 2  # not an empty copy
    con.close()


def test_backups_are_private_from_the_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_db(tmp_path)
    os.umask(0o022)
    seen: list[int | None] = []
    real = sqlite3.connect

    def spy(name: str, *args: Any, **kw: Any) -> sqlite3.Connection:
        if str(name).endswith(".partial"):  # SQLite is about to write the copy here
            seen.append(_mode(Path(name)) if Path(name).exists() else None)
        return real(name, *args, **kw)

    monkeypatch.setattr(sqlite3, "connect", spy)
    made = make_backup(db, "manual")
    assert seen == [0o600]  # private before a byte of the copy was written
    assert _mode(made) == 0o600 and _mode(backup_dir(db)) == 0o700


def test_rotation_ignores_files_it_did_not_write(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    folder = backup_dir(db)
    future = folder / "llmcards-99991231-000000-daily.db"
    future.write_bytes(b"someone else's")
    foreign = folder / "llmcards-20261101-000000-daily.db"
    other = make_db(tmp_path, name="other.db")
    foreign.write_bytes(list_backups(other)[0].read_bytes())  # another database's copy
    existing = {p.name for p in list_backups(db)}  # today's, from the import
    start = datetime(2026, 11, 2, 9)
    made = [daily_backup_if_due(db, today=start + timedelta(days=d)) for d in range(9)]
    assert all(m is not None for m in made)  # future-dated file did not block a day
    daily = [p.name for p in list_backups(db) if p.name.endswith("-daily.db")]
    assert future.name in daily and foreign.name in daily  # left alone
    mine = [n for n in daily if n not in existing]
    assert len(mine) == 7 and mine[-1].startswith("llmcards-20261110")


def test_a_damaged_database_is_not_backed_up_as_the_daily_copy(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    good = [p for p in list_backups(db) if p.name.endswith("-daily.db")]
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(db.read_bytes())
    data[page * 2 : page * 3] = os.urandom(page)  # one page of garbage
    db.write_bytes(bytes(data))
    assert not sqlite_impl.quick_check(db)
    assert daily_backup_if_due(db, today=datetime(2030, 1, 1)) is None
    assert [p for p in list_backups(db) if p.name.endswith("-daily.db")] == good


def test_each_database_keeps_its_own_backups(tmp_path: Path) -> None:
    first = make_db(tmp_path, name="one.db")
    second = make_db(tmp_path, name="two.db")
    assert backup_dir(first) != backup_dir(second)
    assert len(list_backups(first)) == 1 and len(list_backups(second)) == 1  # both got today's


def test_a_new_database_is_announced_on_stderr(tmp_path: Path) -> None:
    typo = tmp_path / "tpyo.db"
    result = llmcards("--db", str(typo), "decks")
    assert result.exit_code == 0
    assert result.stderr == f"llmcards: created a new database at {typo}\n"
    again = llmcards("--db", str(typo), "decks")
    assert again.exit_code == 0 and again.stderr == ""


def test_a_database_in_a_folder_that_is_not_there_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mistyped --db used to become a whole new folder tree with backups/ and an
    # empty database in it, even for commands that only read.
    notes = tmp_path / "notes.md"
    notes.write_text("- Dropout：随机失活\n", encoding="utf-8")
    backup = make_backup(make_db(tmp_path))
    missing = tmp_path / "no" / "such" / "dir"
    typo = missing / "x.db"
    said = f"llmcards: error: no folder {missing} for the database {typo}; create it first or check the path\n"
    for args in (
        ("decks",),
        ("cards",),
        ("due",),
        ("stats",),
        ("sources",),
        ("import", str(notes)),
        ("restore", str(backup), "-y"),
    ):
        result = llmcards("--db", str(typo), *args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", said), args
    monkeypatch.setenv("LLMCARDS_DB", str(typo))
    result = llmcards("decks")
    assert (result.exit_code, result.stderr) == (1, said)
    assert not (tmp_path / "no").exists()  # nothing was made


def test_the_default_database_and_its_folder_are_made_on_first_run(
    isolated_env: Path, tmp_path: Path
) -> None:
    made = isolated_env / "data" / "llmcards" / "llmcards.db"  # XDG_DATA_HOME/llmcards
    assert not made.parent.exists()
    result = llmcards("decks")
    assert result.exit_code == 0
    assert result.stderr == f"llmcards: created a new database at {made}\n"
    assert made.is_file()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_db_and_config_must_be_regular_files(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kind == "fifo":
        special = tmp_path / "pipe"
        os.mkfifo(special)
    else:
        special = Path("/dev/zero")
    strays = [Path(f"{special}{suffix}") for suffix in ("-journal", "-wal", "-shm")]
    present = [p.exists() for p in strays]
    result = llmcards("--db", str(special), "decks")
    assert_one_line_error(result, "not a regular file", "--db")
    assert [p.exists() for p in strays] == present  # no stray journal beside it
    monkeypatch.setenv("LLMCARDS_CONFIG", str(special))
    assert_one_line_error(
        llmcards("--db", str(tmp_path / "c.db"), "due"), "not a regular file", "LLMCARDS_CONFIG"
    )


# --- restore ---------------------------------------------------------------------------


def _not_sqlite(path: Path) -> None:
    path.write_text("hello, not a database\n" * 100)


def _schema_less(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER)")
    con.commit()
    con.close()


def _newer(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    con.commit()
    con.close()


def _damaged(path: Path) -> None:
    con = sqlite3.connect(path)
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[page * 2 : page * 3] = b"\xff" * page
    path.write_bytes(bytes(data))


BAD_BACKUPS = {
    "not a database": (_not_sqlite, ["not an llmcards backup"]),
    "empty file": (lambda p: p.write_bytes(b""), ["not an llmcards backup"]),
    "schema-less sqlite": (_schema_less, ["not an llmcards backup"]),
    "newer version": (_newer, ["newer llmcards", "upgrade"]),
    "damaged": (_damaged, ["damaged"]),
}


@pytest.mark.parametrize("case", list(BAD_BACKUPS))
def test_restore_refuses_what_is_no_sound_backup(tmp_path: Path, case: str) -> None:
    db = make_db(tmp_path)
    spoil, needles = BAD_BACKUPS[case]
    bad = tmp_path / "bad.db"
    if case in ("newer version", "damaged"):
        bad.write_bytes(make_backup(db).read_bytes())
    spoil(bad)
    before, backups = rows(db), set(list_backups(db))
    result = llmcards("--db", str(db), "restore", str(bad), "-y")
    assert_one_line_error(result, "bad.db", *needles)
    assert rows(db) == before and set(list_backups(db)) == backups  # untouched, nothing made


def test_restoring_another_databases_backup_asks_first(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    other = make_db(tmp_path, "# 别的\n\n1. GRU：两个门\n", name="other.db")
    foreign_backup = make_backup(other)
    before = rows(db)
    refused = llmcards("--db", str(db), "restore", str(foreign_backup), "-y", stdin="n\n")
    assert refused.exit_code != 0 and "different database" in refused.stdout
    assert rows(db) == before
    done = llmcards("--db", str(db), "restore", str(foreign_backup), "-y", stdin="y\n")
    assert done.exit_code == 0, done.stderr
    assert rows(db) == rows(other)
    own = llmcards("--db", str(other), "restore", str(make_backup(other)), "-y")
    assert own.exit_code == 0 and "different database" not in own.stdout  # no question


def test_restore_into_a_new_place_is_private(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    target = tmp_path / "fresh" / "new.db"
    target.parent.mkdir()  # a folder of its own (one that is not there is refused)
    os.umask(0o022)
    done = llmcards("--db", str(target), "restore", str(make_backup(db)), "-y")
    assert done.exit_code == 0, done.stderr
    assert _mode(target) == 0o600 and rows(target) == rows(db)


def test_a_new_database_another_llmcards_builds_at_the_same_time_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two first imports: one has just made the empty file, the other finds it empty,
    # and both build its tables (one after the other, each in its own transaction).
    notes = tmp_path / "notes.md"
    notes.write_text("- Dropout：随机失活\n", encoding="utf-8")
    db = tmp_path / "new.db"
    os.close(os.open(db, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # as made by the other
    other: list[subprocess.CompletedProcess[str]] = []
    real = store_db._create

    def built_by_the_other_first(engine: Any) -> None:
        command = [sys.executable, "-m", "llmcards", "--db", str(db), "import", str(notes)]
        other.append(subprocess.run(command, capture_output=True, text=True, timeout=120))
        real(engine)

    monkeypatch.setattr(store_db, "_create", built_by_the_other_first)
    result = llmcards("--db", str(db), "import", str(notes), "--json")
    assert other and other[0].returncode == 0, other[0].stderr
    assert result.exit_code == 0, result.stderr  # not "trigger … already exists"
    assert result.json()["unchanged"] == 1


@pytest.mark.parametrize("when", ["before-the-open", "before-the-create"])
def test_only_the_llmcards_that_made_a_new_database_says_so(
    tmp_path: Path, when: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two first imports into one new database: both saw no file when they started, and
    # another llmcards makes it while this one is on its way to opening (or creating) it.
    notes = tmp_path / "notes.md"
    notes.write_text("- Dropout：随机失活\n", encoding="utf-8")
    db = tmp_path / "new.db"
    other: list[subprocess.CompletedProcess[str]] = []
    hook = "is_regular_or_missing" if when == "before-the-open" else "create_private_file"
    real = getattr(sqlite_impl, hook)

    def another_llmcards_first(path: Path) -> Any:
        if not other:
            command = [sys.executable, "-m", "llmcards", "--db", str(db), "import", str(notes)]
            other.append(subprocess.run(command, capture_output=True, text=True, timeout=120))
        return real(path)

    monkeypatch.setattr(sqlite_impl, hook, another_llmcards_first)
    result = llmcards("--db", str(db), "import", str(notes), "--json")
    assert other[0].returncode == 0, other[0].stderr
    assert other[0].stderr == f"llmcards: created a new database at {db}\n"
    assert (result.exit_code, result.stderr) == (0, "")  # this one found it made
    assert result.json()["unchanged"] == 1


@pytest.mark.parametrize("where", ["before", "after"])
def test_an_empty_db_option_is_refused_not_read_as_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # `--db "$DB"` with DB unset must not quietly use (and change) the default database.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("LLMCARDS_DB", raising=False)
    args = ("--db", "", "decks") if where == "before" else ("decks", "--db", "")
    result = llmcards(*args)
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        result.stderr
        == "llmcards: error: --db is empty; give the database file's path, or leave --db out\n"
    )
    assert not list(tmp_path.rglob("*.db"))
