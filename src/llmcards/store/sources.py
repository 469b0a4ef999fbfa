"""Which notes files were imported, and their content hash, so unchanged ones are skipped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, select, update

from llmcards.cards import Skipped
from llmcards.store.models import Card, Source

SOURCE = Source.__table__  # type: ignore[attr-defined]
CARD = Card.__table__  # type: ignore[attr-defined]


@dataclass
class CachedSource:
    root: str
    skipped_json: str
    active_cards: int


def find_unchanged_source(
    conn: Connection, path: str, sha256: str, parser_version: int, deck: str | None
) -> CachedSource | None:
    query = select(SOURCE.c.root, SOURCE.c.skipped_json).where(
        SOURCE.c.path == path, SOURCE.c.sha256 == sha256, SOURCE.c.parser_version == parser_version
    )
    query = query.where(SOURCE.c.deck_arg == (deck or ""))
    row = conn.execute(query.order_by(SOURCE.c.imported_at.desc())).first()
    if row is None:
        return None
    active = conn.execute(
        select(func.count()).where(
            and_(CARD.c.source_path == path, CARD.c.root == row.root, CARD.c.retired.is_(False))
        )
    ).scalar_one()
    return CachedSource(row.root, row.skipped_json, active)


def save_source(
    conn: Connection,
    root: str,
    path: str,
    sha256: str,
    parser_version: int,
    skipped: Sequence[Skipped],
    now: datetime,
    deck_arg: str | None,
) -> None:
    # Plain dicts, not dataclasses.asdict: that deep-copies and costs ~0.5 s per 30k items.
    payload = json.dumps(
        [{"line": s.line, "text": s.text, "reason": s.reason, "category": s.category, "deck": s.deck} for s in skipped],
        ensure_ascii=False,
    )
    values = {"sha256": sha256, "parser_version": parser_version, "skipped_json": payload, "imported_at": now,
              "deck_arg": deck_arg or ""}
    changed = conn.execute(
        update(SOURCE).where(SOURCE.c.root == root, SOURCE.c.path == path).values(**values)
    ).rowcount
    if not changed:
        conn.execute(insert(SOURCE).values(root=root, path=path, **values))
