"""Writing an export file all at once: a temp file beside the target, then a rename.

Interrupted or failed exports leave nothing half-written behind; an existing file is
replaced only with `--force`, and never when it is the live database, its WAL, journal or
backups (`export anki c.db --force` once replaced the collection with a package), or
not a regular file (a FIFO or device would block or be clobbered).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from llmcards.errors import UserError, write_failure


def refuse_folder(path: Path) -> None:
    """UserError when `path` names a folder (`.`, `/`, `~`…) rather than a file."""
    path = path.expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name, e.g. {path / 'llmcards.apkg'}")


def check_target(path: Path, *, force: bool, database: Path | None = None) -> Path:
    """Refuse early (before any work) what the final rename would refuse. `database`: the
    database being exported, which no export may overwrite."""
    path = path.expanduser()
    refuse_folder(path)
    if database is not None and _belongs_to(path, database):
        raise UserError(
            f"{path} is the database {database} or one of its own files; "
            "export to another file name"
        )
    if path.exists() and not path.is_file():
        raise UserError(f"{path} is not a regular file; export to a file name")
    if path.exists() and not force:
        raise UserError(f"{path} already exists; pass --force to replace it or choose another name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(
            f"cannot write {path}: folder {parent} does not exist; create it or choose another place"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(
            f"cannot write {path}: folder {parent} is not writable; choose another place"
        )
    return path


def _belongs_to(path: Path, database: Path) -> bool:
    from llmcards.paths import media_dir
    from llmcards.store.backup import backup_dir

    target = path.resolve()
    db = database.resolve()
    own = {db, *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}
    folders = (backup_dir(db), media_dir(db))
    return target in own or any(target.is_relative_to(folder) for folder in folders)


@contextmanager
def atomic_output(path: Path, *, force: bool, database: Path | None = None) -> Iterator[Path]:
    """Yields a temp path to write; on success it becomes `path`, on failure it is removed."""
    path = check_target(path, force=force, database=database)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}; choose another place") from None
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        os.chmod(temp, 0o644 & ~_umask())
        if path.exists() and not force:  # someone else created it meanwhile
            raise UserError(
                f"{path} already exists; pass --force to replace it or choose another name"
            )
        os.replace(temp, path)
    except (OSError, sqlite3.Error) as exc:
        raise UserError(f"cannot write {path}: {write_failure(exc)}") from None
    finally:
        temp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
