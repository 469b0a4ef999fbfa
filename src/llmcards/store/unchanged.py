"""Is a notes file unchanged since it was imported, and under which deck? Answered with
the standard library.

An unchanged re-import writes nothing, so it should not pay ~0.35 s for importing
SQLAlchemy before it can say so. The import's write transaction asks the same questions
again through `sources.store_query`: every question here (is the file unchanged, the deck
a file was imported under, the files a folder held and no longer does) is asked through a
`Query` on whichever connection the caller holds, so both ways agree.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# Runs SQL with positional parameters on whichever connection the caller holds.
Query = Callable[[str, tuple[Any, ...]], Sequence[Sequence[Any]]]

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
    query: Query, path: str, sha256: str, parser_version: int, deck: str | None
) -> CachedSource | None:
    """The stored outcome of importing `path` when nothing about it changed, else None."""
    rows = query(LATEST_MATCH_SQL, (path, sha256, parser_version, deck or ""))
    if not rows:
        return None
    root, skipped_json = rows[0]
    ((active,),) = query(ACTIVE_CARDS_SQL, (path, root))
    return CachedSource(root, skipped_json, active)


# The --deck of the file's latest import ("" when its root came from the file itself).
REMEMBERED_DECK_SQL = "SELECT deck_arg FROM source WHERE path = ? ORDER BY imported_at DESC LIMIT 1"
# The root decks a file was imported under.
ROOTS_OF_PATH_SQL = "SELECT DISTINCT root FROM source WHERE path = ? ORDER BY root"
# Earlier imports of these very bytes, wherever the file was then.
SAME_BYTES_SQL = "SELECT path, deck_arg FROM source WHERE sha256 = ? ORDER BY imported_at DESC"
# The --decks files inside a folder were last imported with (`prefix` as below).
FOLDER_DECKS_SQL = "SELECT DISTINCT deck_arg FROM source WHERE substr(path, 1, ?) = ?"
# Files imported from inside a folder (`prefix` ends with the path separator).
SOURCES_UNDER_SQL = "SELECT root, path FROM source WHERE substr(path, 1, ?) = ? ORDER BY path"

# The sections a file's last import stored (llmcards.importing.section_state), if they still
# hold, and what it passed over.
SECTIONS_SQL = (
    "SELECT sections, skipped_json FROM source WHERE path = ? AND parser_version = ?"
    " AND deck_arg = ? AND sections IS NOT NULL ORDER BY imported_at DESC LIMIT 1"
)


def remembered_deck(
    query: Query, path: str, sha256: str, folders: Sequence[str] = ()
) -> str | None:
    """The --deck `path` was last imported with (None: its root came from the file). A
    file never imported from `path` but whose bytes were imported from a path that is
    gone is that file, renamed or moved: its deck is remembered too. Else a file new to
    one of the imported `folders` takes the --deck the folder's files were imported
    with, when they agree (`import notes --deck X` once, then `import notes`)."""
    rows = query(REMEMBERED_DECK_SQL, (path,))
    if rows:
        return rows[0][0] or None
    for old_path, deck_arg in query(SAME_BYTES_SQL, (sha256,)):
        if not os.path.exists(old_path):
            return deck_arg or None
    inside = [f for f in folders if path.startswith(f.rstrip(os.sep) + os.sep)]
    if inside:
        prefix = max(inside, key=len).rstrip(os.sep) + os.sep  # the innermost folder named
        decks = query(FOLDER_DECKS_SQL, (len(prefix), prefix))
        if len(decks) == 1:
            return decks[0][0] or None
    return None


def roots_of(query: Query, path: str) -> list[str]:
    """The root decks the file at `path` was imported under (usually one)."""
    return [root for (root,) in query(ROOTS_OF_PATH_SQL, (path,))]


def gone_sources(query: Query, folder: str, imported: set[str]) -> list[tuple[str, str]]:
    """(root, path) of files imported from inside `folder` (resolved) that are gone and
    not among the files this import reads (`imported`, resolved)."""
    prefix = folder.rstrip(os.sep) + os.sep
    return [
        (root, path)
        for root, path in query(SOURCES_UNDER_SQL, (len(prefix), prefix))
        if path not in imported and not os.path.exists(path)
    ]


def stdlib_query(conn: sqlite3.Connection) -> Query:
    return lambda sql, params: conn.execute(sql, params).fetchall()
