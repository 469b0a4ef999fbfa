"""Is a notes file unchanged since it was imported? Answered with the standard library.

An unchanged re-import writes nothing, so it should not pay ~0.35 s for importing
SQLAlchemy before it can say so. `sources.find_unchanged_source` asks the same question
inside the import's write transaction; both run the queries below, so they agree.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# The latest import of this file with these bytes, this importer and this --deck.
LATEST_MATCH_SQL = (
    "SELECT root, skipped_json FROM source"
    " WHERE path = ? AND sha256 = ? AND parser_version = ? AND deck_arg = ?"
    " ORDER BY imported_at DESC LIMIT 1"
)
# The file's cards still in use (retired ones are kept only for their history).
ACTIVE_CARDS_SQL = "SELECT count(*) FROM card WHERE source_path = ? AND root = ? AND retired = 0"


@dataclass
class CachedSource:
    root: str
    skipped_json: str  # what the last parse passed over
    active_cards: int


def find_unchanged(
    conn: sqlite3.Connection, path: str, sha256: str, parser_version: int, deck: str | None
) -> CachedSource | None:
    """The stored outcome of importing `path` when nothing about it changed, else None."""
    row = conn.execute(LATEST_MATCH_SQL, (path, sha256, parser_version, deck or "")).fetchone()
    if row is None:
        return None
    root, skipped_json = row
    (active,) = conn.execute(ACTIVE_CARDS_SQL, (path, root)).fetchone()
    return CachedSource(root, skipped_json, active)
