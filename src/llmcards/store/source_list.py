"""The imported notes files as `llmcards sources` lists them: plain SQL, read straight from
the SQLite file (`fastread`) without SQLAlchemy."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from llmcards.store.fastread import decode_time

_COUNTS_SQL = "SELECT root, source_path, retired, count(*) FROM card GROUP BY 1, 2, 3"
_SOURCES_SQL = "SELECT path, root, deck_arg, imported_at FROM source ORDER BY path, root"


@dataclass(frozen=True)
class SourceInfo:
    """One imported file, as `llmcards sources` lists it."""

    path: str
    root: str
    deck_arg: str  # "" when the root came from the file itself
    imported_at: datetime
    cards: int  # in study
    retired: int
    exists: bool

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "deck": self.root,
            "deck_option": self.deck_arg or None,
            "imported_at": self.imported_at.isoformat(),
            "cards": self.cards,
            "retired": self.retired,
            "exists": self.exists,
        }


def list_sources(conn: sqlite3.Connection) -> list[SourceInfo]:
    """Every imported file with its card counts, by path."""
    counts = {
        (root, path, bool(retired)): n for root, path, retired, n in conn.execute(_COUNTS_SQL)
    }
    found = []
    for path, root, deck_arg, imported_at in conn.execute(_SOURCES_SQL):
        moment = decode_time(imported_at)
        assert moment is not None  # the column is NOT NULL
        found.append(
            SourceInfo(
                path=path,
                root=root,
                deck_arg=deck_arg,
                imported_at=moment,
                cards=counts.get((root, path, False), 0),
                retired=counts.get((root, path, True), 0),
                exists=os.path.exists(path),
            )
        )
    return found
