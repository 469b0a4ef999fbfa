"""What the database knows about an import's files before it starts: the deck each was
imported under (a re-import without --deck keeps it), whether it is unchanged, and which
files the named folders held and no longer do. Asked once with the standard library
before anything heavy loads, and again inside the import's transaction."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmcards.importing.reading import NoteFile
    from llmcards.store.unchanged import CachedSource, Query


@dataclass
class LookUp:
    """What the database says about an import's files before it starts."""

    decks: dict[Path, str | None]  # each file's --deck: as given, else as remembered
    cached: list[CachedSource | None]  # the stored outcome of each unchanged file
    gone: list[tuple[str, str]]  # (root, path): files the named folders held and lost
    # Changed files stored by sections (resolved path -> the stored sections and what
    # the last import passed over): read by llmcards.importing.reimport
    by_sections: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    @property
    def nothing_to_do(self) -> bool:
        return not self.gone and all(c is not None for c in self.cached)


def look_up(
    query: Query,
    files: Sequence[NoteFile],
    *,
    deck: str | None,
    folders: Sequence[str],
    parser_version: int,
) -> LookUp:
    """Each file's deck and stored outcome, and the files `folders` lost (`deck`: the
    --deck as `files.given_deck` spells it)."""
    from llmcards.store.unchanged import (
        SECTIONS_SQL,
        find_unchanged,
        gone_sources,
        remembered_deck,
    )

    if deck is not None:
        _refuse_second_copy(query, files, deck)
    decks = {
        f.path: deck
        if deck is not None
        else _spelled(remembered_deck(query, f.resolved, f.digest, folders))
        for f in files
    }
    cached = [
        find_unchanged(query, f.resolved, f.digest, parser_version, decks[f.path]) for f in files
    ]
    imported = {f.resolved for f in files}
    gone = [found for folder in folders for found in gone_sources(query, folder, imported)]
    by_sections = {}
    for f, c in zip(files, cached, strict=True):
        if c is None:
            rows = query(SECTIONS_SQL, (f.resolved, parser_version, decks[f.path] or ""))
            if rows:
                by_sections[f.resolved] = (bytes(rows[0][0]), rows[0][1])
    return LookUp(decks, cached, list(dict.fromkeys(gone)), by_sections)


def _spelled(remembered: str | None) -> str | None:
    """A remembered --deck as `files.given_deck` spells it: an older llmcards kept it as
    typed (`a::::b `), and one with no name in it (`::`) is no deck."""
    from llmcards.cards import normal_deck

    return normal_deck(remembered or "") or None


def _refuse_second_copy(query: Query, files: Sequence[NoteFile], deck: str) -> None:
    """A file imported under one root deck and now given another `--deck` would become a
    second, separate copy of its cards (the first one never updated again): say so
    instead, and how to do either thing the user may mean. A root stored as spelled
    before roots were spelled as Anki spells them (`a::::b `) is the same deck
    (`store.root_names`)."""
    from llmcards.cards import normal_deck
    from llmcards.errors import UserError
    from llmcards.store.unchanged import roots_of

    for f in files:
        roots = roots_of(query, f.resolved)
        if roots and deck not in {normal_deck(root) for root in roots}:
            raise UserError(
                f"{f.path}: was imported under the deck {roots[0]!r}, not {deck!r}; "
                "re-import it without --deck to update those cards, or run "
                f"`llmcards sources forget {f.path}` first to start it over under {deck!r}"
            )


def fast_look_up(
    db_path: Path,
    files: Sequence[NoteFile],
    *,
    deck: str | None,
    folders: Sequence[str],
    parser_version: int,
) -> LookUp | None:
    """`look_up` in one snapshot read with the standard library; None when the database
    cannot be read that way (missing, another schema revision, locked too long)."""
    import sqlite3

    from llmcards.store.fastread import open_fast
    from llmcards.store.unchanged import stdlib_query

    conn = open_fast(db_path)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN")
        return look_up(
            stdlib_query(conn), files, deck=deck, folders=folders, parser_version=parser_version
        )
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def named_folders(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The named folders, resolved: an import of a folder answers for the files it lost."""
    found = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found.append(str(path.resolve()))
    return found
