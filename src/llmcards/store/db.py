"""Opening a database: create it, migrate it (with a backup first), refuse newer ones."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection, Engine

from llmcards.errors import DatabaseError
from llmcards.store import sqlite as sqlite_impl
from llmcards.store.schema import HEAD_REVISION

if TYPE_CHECKING:
    from llmcards.store.checkpoints import BackgroundCheckpoints


class Store(Protocol):
    """What reading and writing code needs of a database: the open `Database`, or the
    `store.deferred.DeferredDatabase` that opens one on first use."""

    @property
    def path(self) -> Path | None: ...

    def write(self) -> AbstractContextManager[Connection]: ...

    def read(self) -> AbstractContextManager[Connection]: ...

    def close(self) -> None: ...


@dataclass
class Database:
    engine: Engine
    path: Path | None
    # Set for the study app: the log is copied back off the rating's way (see there).
    checkpoints: BackgroundCheckpoints | None = None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: all of it commits, or none of it does."""
        with self.engine.connect().execution_options(llmcards_write=True) as conn:
            with conn.begin():
                yield conn
        if self.checkpoints is not None:
            self.checkpoints.soon()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.close()
        self.engine.dispose()


def open_db(
    path: Path | None, *, daily_backup: bool = True, background_checkpoints: bool = False
) -> Database:
    """Open (creating and migrating as needed) the database at `path`; None = in memory.
    `background_checkpoints`: no write waits for the log to be copied into the file
    (`store.checkpoints`), for an app whose writes someone is waiting on."""
    if path is None:
        engine = sqlite_impl.create_sqlite_engine(None)
        _create(engine)
        return Database(engine, None)
    path = path.expanduser()
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory; pass a database file path with --db")
    if not sqlite_impl.is_regular_or_missing(path):
        raise DatabaseError(
            f"{path} is not a regular file (a pipe or a device); pass a database file with --db"
        )
    fresh = not path.exists() or path.stat().st_size == 0
    if not path.exists():
        try:
            sqlite_impl.create_private_file(path)
        except FileExistsError as exc:
            # Another process made it meanwhile (`_create` below then finds its tables);
            # anything else there, such as a dangling link, is never followed.
            if not path.is_file():
                raise _cannot_create(path, exc) from None
        except OSError as exc:
            raise _cannot_create(path, exc) from None
    if not fresh:
        _check_and_backup(path)
    engine = sqlite_impl.create_sqlite_engine(path, autocheckpoint=not background_checkpoints)
    try:
        if fresh:
            _create(engine)
        else:
            with engine.connect() as conn:
                version = _current_revision(conn)
            if version != HEAD_REVISION:
                _upgrade(engine)
    except Exception as exc:
        engine.dispose()
        raise _explain(path, exc) from None
    with suppress(sqlite3.Error):  # read-only: no identity until it can be written
        sqlite_impl.ensure_database_id(path)
    if daily_backup:
        # A new database gets its day's backup while it is still tiny: the first use
        # of the day is its creation, and later opens that day copy nothing.
        take_daily_backup(path)
    if background_checkpoints:
        from llmcards.store.checkpoints import BackgroundCheckpoints

        return Database(engine, path, BackgroundCheckpoints(path))
    return Database(engine, path)


def _cannot_create(path: Path, exc: OSError) -> DatabaseError:
    return DatabaseError(
        f"cannot create database {path} ({exc.strerror}); choose a writable place with --db"
    )


def take_daily_backup(path: Path) -> None:
    """Today's backup of the database at `path`, unless it has one; never fails (for
    callers that open with `daily_backup=False` and take it later, off the UI's way)."""
    from llmcards.store.backup import daily_backup_if_due

    try:
        daily_backup_if_due(path)
    except (OSError, DatabaseError, sqlite3.Error):
        # A backup that cannot be written must not keep anyone from studying.
        pass


def _current_revision(conn: Connection) -> str | None:
    from sqlalchemy import text

    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        conn.rollback()
        return None


def _check_and_backup(path: Path) -> None:
    try:
        version, has_tables = sqlite_impl.read_schema_version(path)
    except sqlite3.DatabaseError as exc:
        raise _explain(path, exc) from None
    if version == HEAD_REVISION:
        return
    if version is None:
        if has_tables:
            raise DatabaseError(
                f"{path} is an SQLite database but not an llmcards one; pass another file with --db"
            )
        return
    known = known_revisions()
    if version not in known:
        raise DatabaseError(
            f"{path} was written by a newer llmcards (schema {version}); "
            "upgrade llmcards (uv tool upgrade llmcards / pip install -U llmcards) to open it"
        )
    from llmcards.store.backup import make_backup

    make_backup(path, f"migration-{version}-to-{HEAD_REVISION}")


def known_revisions() -> set[str]:
    return {script.revision for script in _script_directory().walk_revisions()}


def _script_directory():
    from alembic.script import ScriptDirectory

    from llmcards.paths import migrations_dir

    return ScriptDirectory(str(migrations_dir()))


def _alembic_config():
    from alembic.config import Config

    from llmcards.paths import migrations_dir

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def _create(engine: Engine) -> None:
    """A new database, built from the models and stamped with the newest revision:
    alembic's recipe for a database built from scratch, without loading alembic or
    replaying every revision (~0.15 s of a first run). tests/store/test_db.py checks
    that the result is the schema the migrations build."""
    from sqlmodel import SQLModel

    from llmcards.store import models  # noqa: F401  (registers the tables)

    with engine.connect().execution_options(llmcards_write=True) as conn:
        SQLModel.metadata.create_all(conn)
        conn.exec_driver_sql(ALEMBIC_VERSION_TABLE)
        # Another process may have created it first (both saw no file): then it is done.
        conn.exec_driver_sql(
            "INSERT INTO alembic_version (version_num) SELECT ? "
            "WHERE NOT EXISTS (SELECT 1 FROM alembic_version)",
            (HEAD_REVISION,),
        )
        conn.commit()


# The table alembic keeps its revision in, as `alembic stamp` creates it.
ALEMBIC_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)


def _upgrade(engine: Engine) -> None:
    from alembic import command

    config = _alembic_config()
    with engine.connect().execution_options(llmcards_write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def _explain(path: Path, exc: BaseException) -> DatabaseError:
    message = str(getattr(exc, "orig", None) or exc)
    if "file is not a database" in message or "malformed" in message:
        return DatabaseError(
            f"{path} is not a readable llmcards database ({message}); "
            "restore a backup (llmcards restore) or pass another file with --db"
        )
    if "readonly" in message or "unable to open" in message:
        return DatabaseError(
            f"cannot open {path} for writing ({message}); check its permissions or pass --db"
        )
    return DatabaseError(f"cannot open database {path}: {message}")
