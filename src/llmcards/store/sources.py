"""Which notes files were imported, and their content hash, so unchanged ones are skipped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, update

from llmcards.cards import Skipped
from llmcards.store.models import Source
from llmcards.store.unchanged import ACTIVE_CARDS_SQL, LATEST_MATCH_SQL, CachedSource

SOURCE = Source.__table__  # type: ignore[attr-defined]


def find_unchanged_source(
    conn: Connection, path: str, sha256: str, parser_version: int, deck: str | None
) -> CachedSource | None:
    """`unchanged.find_unchanged` inside an open SQLAlchemy transaction: the same queries."""
    row = conn.exec_driver_sql(LATEST_MATCH_SQL, (path, sha256, parser_version, deck or "")).first()
    if row is None:
        return None
    root, skipped_json = row
    active = conn.exec_driver_sql(ACTIVE_CARDS_SQL, (path, root)).scalar_one()
    return CachedSource(root, skipped_json, active)


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
) -> None:
    values = {
        "sha256": sha256,
        "parser_version": parser_version,
        "skipped_json": skipped.text,
        "imported_at": now,
        "deck_arg": deck_arg or "",
    }
    changed = conn.execute(
        update(SOURCE).where(SOURCE.c.root == root, SOURCE.c.path == path).values(**values)
    ).rowcount
    if not changed:
        conn.execute(insert(SOURCE).values(root=root, path=path, **values))
