"""The SQLite file itself: the engine's connection settings (WAL, FULL sync, busy timeout,
BEGIN IMMEDIATE for writers), creating it private to its owner, backup and restore
through SQLite's backup API, and reading its schema version without SQLAlchemy.

llmcards stores in SQLite only: `fastread` and the stats also speak its SQL directly.

A database path is always a plain file name, never a URI: `a%20b.db` or `c?mode=memory`
name exactly that file. Files llmcards creates (database, backups and their journals,
which SQLite gives the mode of their database) are private to the owner from the first
byte: they hold the whole review history.
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event

from llmcards.errors import DatabaseError
from llmcards.store.new_files import new_private_file

BUSY_TIMEOUT_MS = 30_000
# A connection's page cache, in KB. 64 MB keeps what a session reads again and again warm
# (the statistics over 1M review rows: 0.20 s in place of 0.28 s when asked again). An
# import needs only the card indexes it touches over and over (~2-4 MB each): with 64 MB
# it held most of the 43 MB database it was writing as well, for no measurable speed.
PAGE_CACHE_KB = 65_536
IMPORT_PAGE_CACHE_KB = 8_192


def _file(path: Path) -> str:
    """The name to hand sqlite3: absolute, so that `file:x.db` is never read as a URI."""
    return os.path.abspath(path)


def plain_connection(path: Path) -> sqlite3.Connection:
    """A stdlib connection to the file `path` in autocommit mode, with the busy timeout."""
    return sqlite3.connect(_file(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def create_sqlite_engine(path: Path | None, *, autocheckpoint: bool = True) -> Engine:
    """An engine with WAL, foreign keys, a busy timeout and explicit BEGIN handling.

    `path=None` gives a private in-memory database (dry runs, tests). Without
    `autocheckpoint` no commit of this engine copies the log back into the file: the
    caller checkpoints (`store.checkpoints`); closing the last connection still does.
    """
    if path is None:
        engine = create_engine("sqlite://", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    else:
        # The URL only tells SQLAlchemy "a file" (its pool); `creator` opens the file by
        # its plain name, which SQLAlchemy's URL parsing (`%20`, `?`) would change.
        name = _file(path)
        engine = create_engine(
            URL.create("sqlite", database="llmcards.db"),
            creator=lambda: sqlite3.connect(
                name, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            ),
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own
        # transaction handling defers it and cannot do BEGIN IMMEDIATE).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if path is not None:
            cur.execute("PRAGMA journal_mode=WAL")
            if not autocheckpoint:
                cur.execute("PRAGMA wal_autocheckpoint=0")
        # FULL: a committed rating survives power loss too, not only a killed process.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer that starts with a read and upgrades later can fail at once with
        # "database is locked" when another process wrote in between; taking the write
        # lock up front makes it wait (busy_timeout) instead.
        if conn.get_execution_options().get("llmcards_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def driver_connection(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy one, for bulk work in plain SQL."""
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


@contextmanager
def page_cache(conn: Connection, kb: int) -> Iterator[None]:
    """`conn`'s page cache limited to `kb` KB meanwhile, then back to `PAGE_CACHE_KB`.
    Set on the driver connection: it is no statement of the transaction, and it must
    reset even when the transaction failed. Not on a connection SQLAlchemy invalidated:
    an interrupt (Ctrl-C, any BaseException) inside a statement makes it close the driver
    connection (SQLite rolls the transaction back), and touching that one would replace
    the interrupt with "Cannot operate on a closed database"."""
    driver = driver_connection(conn)
    driver.execute(f"PRAGMA cache_size=-{kb}")
    try:
        yield
    finally:
        if not conn.invalidated:
            driver.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")


def drop_indexes(conn: Connection, table: str) -> list[str]:
    """Drop `table`'s own indexes (not those its constraints need) inside the open
    transaction, and give back their definitions for `create_indexes`. Filling an empty
    table and indexing it afterwards sorts each index once, where inserting keeps seven
    B-trees in random-hash order (~0.12 s of CPU on 67k cards). A failed transaction
    rolls the drop back with everything else."""
    if conn.dialect.name != "sqlite":
        return []
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table,),
    ).all()
    for name, _sql in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def create_indexes(conn: Connection, definitions: list[str]) -> None:
    for sql in definitions:
        conn.exec_driver_sql(sql)


def create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (with a fresh identity,
    see `database_id`, once SQLite writes its header), in its folder (`make_folder_for`).
    OSError: it cannot be created there."""
    make_folder_for(path)
    new_private_file(path)
    with closing(sqlite3.connect(_file(path))) as con:
        con.execute(f"PRAGMA user_version = {new_database_id()}")


def make_folder_for(path: Path) -> None:
    """Make sure a new database at `path` has its folder. The default database's folder
    (in the user data folder) is made on first run; any other must be there already: a
    mistyped --db must not silently become a new folder tree with an empty database in
    it. DatabaseError when it is not; OSError when the default one cannot be made."""
    from llmcards.paths import default_db_path

    folder = path.parent
    if folder.is_dir():
        return
    if Path(os.path.abspath(path)) == Path(os.path.abspath(default_db_path())):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return
    raise DatabaseError(
        f"no folder {folder} for the database {path}; create it first or check the path"
    )


def new_database_id() -> int:
    return random.SystemRandom().randint(1, 2**31 - 1)


def database_id(path: Path) -> int:
    """The number that tells one llmcards database (and its backups) from another: kept
    in SQLite's `user_version` header field, which backups copy; 0 for a database made
    before llmcards recorded it, or a file that is no database.

    Read through SQLite, never by opening the file directly: closing any other handle on
    a database drops this process's POSIX locks on it, and another process may then
    checkpoint and delete the WAL under a live connection (reviews were lost that way)."""
    if not path.is_file():
        return 0
    try:
        with closing(sqlite3.connect(_file(path), timeout=BUSY_TIMEOUT_MS / 1000)) as con:
            con.execute("PRAGMA query_only = 1")
            return int(con.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error:
        return 0


def ensure_database_id(path: Path) -> None:
    """Give a database made before identities existed its own (one header write)."""
    if database_id(path) == 0:
        with closing(sqlite3.connect(_file(path), timeout=BUSY_TIMEOUT_MS / 1000)) as con:
            con.execute(f"PRAGMA user_version = {new_database_id()}")


def is_regular_or_missing(path: Path) -> bool:
    """A FIFO or a device as a database would hang or write where it must not."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return True


def readonly_uri(path: Path) -> str:
    """A read-only SQLite URI naming exactly `path` (`%`, `?` and `#` escaped)."""
    return Path(os.path.abspath(path)).as_uri() + "?mode=ro"


def quick_check(path: Path) -> bool:
    """Whether SQLite finds the database sound (`PRAGMA quick_check`, a few ms per MB)."""
    try:
        with closing(sqlite3.connect(_file(path), timeout=BUSY_TIMEOUT_MS / 1000)) as con:
            con.execute("PRAGMA query_only = 1")
            return con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except sqlite3.Error:
        return False


def backup_to(source: Path, target: Path) -> None:
    """A consistent copy of a live database (WAL included), via SQLite's backup API, into
    a new file `target` that is private (0600) from its first byte."""
    new_private_file(target)
    # closing(): `with sqlite3.connect()` only commits. Left to the cyclic GC, the open
    # source connection kept its WAL alive, and later opens in this process could read
    # that stale WAL even after the file itself was replaced.
    with (
        closing(sqlite3.connect(_file(source))) as src,
        closing(sqlite3.connect(_file(target))) as dst,
    ):
        src.backup(dst)


def read_schema_version(path: Path) -> tuple[str | None, bool]:
    """(alembic revision or None, whether the file holds any tables)."""
    con = sqlite3.connect(readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        tables = {
            row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "alembic_version" not in tables:
            return None, bool(tables)
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return (row[0] if row else None), True
    finally:
        con.close()


def restore_from(backup: Path, target: Path) -> None:
    """Copy `backup` into the live database `target` page by page (WAL-safe, atomic)."""
    with (
        closing(sqlite3.connect(_file(backup))) as src,
        closing(sqlite3.connect(_file(target), timeout=BUSY_TIMEOUT_MS / 1000)) as dst,
    ):
        src.backup(dst)
