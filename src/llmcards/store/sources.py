"""Which notes files were imported, under which deck, and their content hash: unchanged
files are skipped, a re-import without --deck keeps the file's deck, and the cards of a
file that is gone can be retired (by a folder import, or by hand with `sources forget`)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from llmcards.cards import Skipped
from llmcards.store.models import CARD, SOURCE
from llmcards.store.unchanged import SECTIONS_SQL, Query


def store_query(conn: Connection) -> Query:
    """`unchanged.Query` on an open SQLAlchemy connection: the same SQL as the fast path."""
    return lambda sql, params: conn.exec_driver_sql(sql, params).all()


class SkippedJson:
    """What a file's parse passed over, as stored for unchanged re-imports; built batch
    by batch while the cards are stored, so a large import does not serialize its
    thousands of items after the last batch (~0.04 s on 100k bullets)."""

    def __init__(self, skipped: Sequence[Skipped] = ()) -> None:
        self._pieces: list[str] = []
        self.add(skipped)

    def add(self, skipped: Sequence[Skipped]) -> None:
        if skipped:
            # Plain dicts, not dataclasses.asdict: that deep-copies (~0.5 s per 30k items).
            items = [
                {
                    "line": s.line,
                    "text": s.text,
                    "reason": s.reason,
                    "category": s.category,
                    "deck": s.deck,
                }
                for s in skipped
            ]
            self._pieces.append(json.dumps(items, ensure_ascii=False)[1:-1])

    @property
    def text(self) -> str:
        return "[" + ", ".join(self._pieces) + "]"  # json.dumps of the whole list, exactly


def save_source(
    conn: Connection,
    root: str,
    path: str,
    sha256: str,
    parser_version: int,
    skipped: SkippedJson,
    now: datetime,
    deck_arg: str | None,
    sections: bytes | None = None,
) -> None:
    """Remember the file as imported now (`sections`: llmcards.importing.section_state's)."""
    values = {
        "sha256": sha256,
        "parser_version": parser_version,
        "skipped_json": skipped.text,
        "imported_at": now,
        "deck_arg": deck_arg or "",
        "sections": sections,
    }
    changed = conn.execute(
        update(SOURCE).where(SOURCE.c.root == root, SOURCE.c.path == path).values(**values)
    ).rowcount
    if not changed:
        conn.execute(insert(SOURCE).values(root=root, path=path, **values))


def stored_sections(
    conn: Connection, path: str, parser_version: int, deck_arg: str | None
) -> tuple[bytes, str] | None:
    """The sections the file's last import stored (llmcards.importing.reimport), if they still
    hold, and what it passed over."""
    row = conn.exec_driver_sql(SECTIONS_SQL, (path, parser_version, deck_arg or "")).first()
    return None if row is None else (bytes(row[0]), row[1])


def sources_at(conn: Connection, path: str) -> list[tuple[str, str]]:
    """(root, path) of the imports of `path`, as given or resolved."""
    wanted = {path, os.path.realpath(os.path.expanduser(path))}
    return [
        (root, p)
        for root, p in conn.execute(
            select(SOURCE.c.root, SOURCE.c.path).where(SOURCE.c.path.in_(wanted))
        )
    ]


def forget_source(conn: Connection, root: str, path: str, now: datetime) -> list[str]:
    """Retire the cards the file at `path` made under `root` (kept with their history)
    and forget the file; the fronts retired."""
    active = (CARD.c.root == root, CARD.c.source_path == path, CARD.c.retired.is_(False))
    fronts = [front for (front,) in conn.execute(select(CARD.c.front).where(*active))]
    if fronts:
        conn.execute(
            update(CARD).where(*active).values(retired=True, retired_at=now, updated_at=now)
        )
    conn.execute(delete(SOURCE).where(SOURCE.c.root == root, SOURCE.c.path == path))
    return fronts
