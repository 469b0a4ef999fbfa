"""Building a small collection and its review history for the stats tests."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from llmcards.cards import CardDraft
from llmcards.store.db import Database, open_db
from llmcards.store.models import Card, ReviewLog
from llmcards.store.sync import sync_file

CARD = Card.__table__  # type: ignore[attr-defined]
LOG = ReviewLog.__table__  # type: ignore[attr-defined]
ROOT = "LLM 学习笔记"


def make_collection(path: Path, fronts_by_deck: dict[str, list[str]]) -> tuple[Database, dict[str, int]]:
    """A database with one notes file per sub-deck; returns it and card ids by front."""
    db = open_db(path)
    created = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with db.write() as conn:
        for sub, fronts in fronts_by_deck.items():
            drafts = [
                CardDraft(deck=(ROOT, sub), front=front, back=f"{front} 的解释", line=line + 1)
                for line, front in enumerate(fronts)
            ]
            sync_file(conn, root=ROOT, source_path=f"{sub}.md", drafts=drafts, now=created)
        ids = {front: cid for cid, front in conn.execute(select(CARD.c.id, CARD.c.front))}
    return db, ids


def local(text: str) -> datetime:
    """'2026-11-22 09:30' at +08:00 (the zone LLMCARDS_NOW sets in these tests), as UTC."""
    return datetime.fromisoformat(text + "+08:00").astimezone(timezone.utc)


def add_review(conn: Any, card_id: int, at: str, rating: int, state_before: int, seconds: float = 5) -> None:
    conn.execute(
        insert(LOG).values(
            card_id=card_id, rating=rating, reviewed_at=local(at), duration_ms=int(seconds * 1000),
            state_before=state_before, state_after=2 if rating > 1 else 3,
        )  # fmt: skip
    )


def set_card(conn: Any, card_id: int, **values: Any) -> None:
    conn.execute(update(CARD).where(CARD.c.id == card_id).values(**values))
