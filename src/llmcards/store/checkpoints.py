"""WAL checkpoints on a thread of their own, for the study app.

SQLite copies the write-ahead log back into the database file (a checkpoint) inside the
commit that takes the log past 1,000 pages. On a 240 MB database that one commit took
~70 ms, once in ~120 ratings: the learner waited for it before the next card showed.
A database opened for the study app turns that automatic checkpoint off and asks this
thread for a PASSIVE checkpoint a moment after each write instead, when the next card
is already painted. PASSIVE never waits for, nor blocks, a reader or a writer: a rating
committed meanwhile lands in the log as usual, and durability is the log's (each commit
is synced there), so nothing here decides whether a rating survives.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress
from pathlib import Path

from llmcards.store.sqlite import plain_connection

# Long enough for the view that follows a write to be painted first (a frame is ~10 ms),
# short enough that the log holds only a few ratings' pages when the copy starts.
SETTLE_SECONDS = 0.05


class BackgroundCheckpoints:
    """A daemon thread with its own connection that checkpoints `path` on request."""

    def __init__(self, path: Path, *, settle: float = SETTLE_SECONDS) -> None:
        self._path = path
        self._settle = settle
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # one checkpoint at a time; close waits for it
        self.done = 0  # checkpoints run (for tests and the bench)
        self._thread = threading.Thread(target=self._run, name="llmcards-checkpoint", daemon=True)
        self._thread.start()
        self.soon()  # what opening left in the log (a migration, an earlier killed process)

    def idle(self) -> bool:
        """Nothing asked for and no checkpoint under way (tests wait for this)."""
        return not self._wanted.is_set() and not self._lock.locked()

    def soon(self) -> None:
        """Ask for a checkpoint shortly (many asks before it runs make one)."""
        self._wanted.set()

    def _run(self) -> None:
        con: sqlite3.Connection | None = None
        try:
            while True:
                self._wanted.wait()
                if self._stopping.is_set():
                    return
                # Later asks during the wait join this checkpoint.
                if self._stopping.wait(self._settle):
                    return
                with self._lock:
                    self._wanted.clear()  # under the lock: `idle` never sees a gap
                    if self._stopping.is_set():
                        return
                    # A failure (disk full, a locked or vanished file) leaves the log as it
                    # was: it is tried again after the next write, and closing checkpoints
                    # too. Nothing may escape: this thread's traceback would be drawn over
                    # the study screen (Textual draws on stderr).
                    with suppress(Exception):
                        if con is None:
                            con = _connect(self._path)
                        con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                        self.done += 1
        finally:
            if con is not None:
                con.close()

    def close(self) -> None:
        """Stop the thread (waiting for a checkpoint under way) and close its connection."""
        self._stopping.set()
        self._wanted.set()
        self._thread.join()


def _connect(path: Path) -> sqlite3.Connection:
    con = plain_connection(path)
    # FULL: the database file is synced after the copy, before the log may be reused.
    con.execute("PRAGMA synchronous=FULL")
    return con
