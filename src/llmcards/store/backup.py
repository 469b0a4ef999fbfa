"""Backups like Anki's: one a day on first use (the last 7 kept), and on demand.

A backup is a consistent SQLite copy (the backup API reads through the WAL), named
`llmcards-YYYYMMDD-HHMMSS-<reason>.db`, private to the owner from its first byte. Each
database keeps its backups apart, in `backups/<database file name>/` beside it, so two
databases in one folder never share a daily slot or rotate each other's copies away.

Rotation deletes only what it wrote: daily copies of this very database (same identity,
`sqlite.database_id`) dated no later than today. A file someone else put there, with a
foreign name or a date in the future, is left alone and never pushes real copies out.
A database that fails SQLite's quick check is not copied over a good daily backup.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

from llmcards.errors import DatabaseError, write_failure
from llmcards.store import sqlite as sqlite_impl

KEEP_DAILY = 7
_NAME = re.compile(r"^llmcards-(\d{8})-(\d{6})(\d{2})?-([a-z0-9-]+)\.db$")


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups" / db_path.name


def list_backups(db_path: Path) -> list[Path]:
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted((folder / n for n in os.listdir(folder) if _NAME.match(n)), key=lambda p: p.name)


def make_backup(db_path: Path, reason: str = "manual", *, when: datetime | None = None) -> Path:
    when = when or datetime.now()
    folder = backup_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create backup folder {folder} ({exc.strerror}); fix its permissions"
        ) from None
    target = folder / f"llmcards-{when:%Y%m%d-%H%M%S}-{reason}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"llmcards-{when:%Y%m%d-%H%M%S}{n:02d}-{reason}.db"
    tmp = target.with_suffix(".partial")
    tmp.unlink(missing_ok=True)  # left by a process killed while writing it
    try:
        sqlite_impl.backup_to(db_path, tmp)
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"cannot write backup {target}: {write_failure(exc)}") from None
    return target


def daily_backup_if_due(db_path: Path, *, today: datetime | None = None) -> Path | None:
    """The first open of a calendar day backs up; only the newest KEEP_DAILY are kept."""
    today = today or datetime.now()
    stamp = f"{today:%Y%m%d}"
    identity = sqlite_impl.database_id(db_path)
    daily = [
        p
        for p in list_backups(db_path)
        if p.name.endswith("-daily.db")
        and (m := _NAME.match(p.name)) is not None
        and m.group(1) <= stamp
        and p.is_file()
        and not p.is_symlink()
        and sqlite_impl.database_id(p) == identity
    ]
    if any((m := _NAME.match(p.name)) and m.group(1) == stamp for p in daily):
        return None
    if not sqlite_impl.quick_check(db_path):
        return None  # a damaged database must not push a good copy out
    made = make_backup(db_path, "daily", when=today)
    daily.append(made)
    for old in sorted(daily, key=lambda p: p.name)[:-KEEP_DAILY]:
        old.unlink(missing_ok=True)
    return made


def check_backup(db_path: Path, backup: Path) -> None:
    """Refuse (DatabaseError, nothing changed) a file that is not a sound llmcards backup
    this llmcards can open: damaged, another program's SQLite file, or from a newer
    version."""
    from llmcards.store.db import known_revisions

    where = f"pick one from {backup_dir(db_path)}"
    if not backup.is_file():
        raise DatabaseError(f"{backup} is not a regular file; {where}")
    try:
        version, _tables = sqlite_impl.read_schema_version(backup)
    except sqlite3.Error:
        raise DatabaseError(
            f"{backup} is not an llmcards backup (not a database); {where}"
        ) from None
    if version is None:
        raise DatabaseError(f"{backup} is not an llmcards backup; {where}")
    if version not in known_revisions():
        raise DatabaseError(
            f"{backup} was written by a newer llmcards (schema {version}); "
            "upgrade llmcards (uv tool upgrade llmcards / pip install -U llmcards) to restore it"
        )
    if not sqlite_impl.quick_check(backup):
        raise DatabaseError(f"{backup} is damaged (SQLite's integrity check fails); {where}")


def is_other_database(db_path: Path, backup: Path) -> bool:
    """Whether `backup` is a copy of another database than the one at `db_path` (unknown
    for copies made before databases had identities: then False)."""
    mine, theirs = sqlite_impl.database_id(db_path), sqlite_impl.database_id(backup)
    return bool(mine and theirs and mine != theirs)


def restore(db_path: Path, backup: Path) -> Path:
    """Replace the database's content with `backup`; the current state is backed up first.
    A file that is no sound backup is refused before anything is touched."""
    check_backup(db_path, backup)
    safety = make_backup(db_path, "before-restore") if db_path.exists() else None
    if not db_path.exists():
        sqlite_impl.make_folder_for(db_path)
        sqlite_impl.backup_to(backup, db_path)
    else:
        sqlite_impl.restore_from(backup, db_path)
    return safety or backup
