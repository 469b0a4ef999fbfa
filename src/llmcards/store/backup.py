"""Backups like Anki's: one a day on first use (the last 7 kept), and on demand.

A backup is a consistent SQLite copy (the backup API reads through the WAL), named
`llmcards-YYYYMMDD-HHMMSS-<reason>.db` in a `backups/` folder beside the database.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from llmcards.errors import DatabaseError
from llmcards.store import sqlite as sqlite_impl

KEEP_DAILY = 7
_NAME = re.compile(r"^llmcards-(\d{8})-(\d{6})-([a-z0-9-]+)\.db$")


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def list_backups(db_path: Path) -> list[Path]:
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted((folder / n for n in os.listdir(folder) if _NAME.match(n)), key=lambda p: p.name)


def make_backup(db_path: Path, reason: str = "manual", *, when: datetime | None = None) -> Path:
    when = when or datetime.now()
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"llmcards-{when:%Y%m%d-%H%M%S}-{reason}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"llmcards-{when:%Y%m%d-%H%M%S}{n:02d}-{reason}.db"
    tmp = target.with_suffix(".partial")
    try:
        sqlite_impl.backup_to(db_path, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(
            f"cannot write backup {target} ({exc.strerror}); free space or fix permissions"
        ) from None
    return target


def daily_backup_if_due(db_path: Path, *, today: datetime | None = None) -> Path | None:
    """The first open of a calendar day backs up; only the newest KEEP_DAILY are kept."""
    today = today or datetime.now()
    stamp = f"{today:%Y%m%d}"
    daily = [p for p in list_backups(db_path) if p.name.endswith("-daily.db")]
    if any((m := _NAME.match(p.name)) and m.group(1) == stamp for p in daily):
        return None
    made = make_backup(db_path, "daily", when=today)
    daily.append(made)
    for old in sorted(daily, key=lambda p: p.name)[:-KEEP_DAILY]:
        old.unlink(missing_ok=True)
    return made


def restore(db_path: Path, backup: Path) -> Path:
    """Replace the database's content with `backup`; the current state is backed up first."""
    version, _has_tables = sqlite_impl.read_schema_version(backup)
    if version is None:
        raise DatabaseError(
            f"{backup} is not an llmcards backup; pick one from {backup_dir(db_path)}"
        )
    safety = make_backup(db_path, "before-restore") if db_path.exists() else None
    sqlite_impl.restore_from(backup, db_path)
    return safety or backup
