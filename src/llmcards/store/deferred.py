"""A `Database` that opens on first use, or in the background when asked.

The study screen can show its first card from `fastread` (stdlib sqlite3) and open the
store, which imports SQLAlchemy and may take the day's backup, while the learner reads
that card. Whoever needs it earlier simply waits for the open to finish.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from llmcards.store.db import Database


class DeferredDatabase:
    def __init__(self, path: Path, *, background_checkpoints: bool = False) -> None:
        self.path = path
        self._background_checkpoints = background_checkpoints
        self._lock = threading.Lock()
        self._db: Database | None = None
        self._closed = False

    @property
    def is_open(self) -> bool:
        return self._db is not None

    def get(self) -> Database:
        """The open database (opening it now if no one has yet)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("database already closed")
            if self._db is None:
                from llmcards.store.db import open_db

                self._db = open_db(self.path, background_checkpoints=self._background_checkpoints)
            return self._db

    def open_in_background(self, then: Callable[[], None] | None = None) -> None:
        """Open on a daemon thread; `then` runs there afterwards. A failure is not lost:
        the next `get` tries again and raises it where it can be shown."""

        def run() -> None:
            try:
                self.get()
            except Exception:
                return
            if then is not None:
                then()

        threading.Thread(target=run, name="llmcards-open-store", daemon=True).start()

    @property
    def engine(self) -> Any:
        return self.get().engine

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.get().write() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.get().read() as conn:
            yield conn

    def close(self) -> None:
        """Waits for an open under way, so nothing is left half-opened at exit."""
        with self._lock:
            self._closed = True
            if self._db is not None:
                self._db.close()
                self._db = None
