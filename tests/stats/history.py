"""Building a small collection and its review history for the stats tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from llmcards.cards import CardDraft
from llmcards.store.db import Database, open_db
from llmcards.store.models import CARD, LEARNING, LOG, NEW, RELEARNING, REVIEW
from llmcards.store.sync import sync_file

ROOT = "LLM 学习笔记"


def make_collection(
    path: Path, fronts_by_deck: dict[str, list[str]]
) -> tuple[Database, dict[str, int]]:
    """A database with one notes file per sub-deck; returns it and card ids by front."""
    db = open_db(path)
    created = datetime(2025, 1, 1, tzinfo=UTC)
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
    return datetime.fromisoformat(text + "+08:00").astimezone(UTC)


def add_review(
    conn: Any, card_id: int, at: str, rating: int, state_before: int, seconds: float = 5
) -> None:
    conn.execute(
        insert(LOG).values(
            card_id=card_id,
            rating=rating,
            reviewed_at=local(at),
            duration_ms=int(seconds * 1000),
            state_before=state_before,
            state_after=2 if rating > 1 else 3,
        )
    )


def set_card(conn: Any, card_id: int, **values: Any) -> None:
    conn.execute(update(CARD).where(CARD.c.id == card_id).values(**values))


def hand_checked_collection(path: Path) -> tuple[Database, dict[str, int]]:
    """The history `test_compute.py` checks by hand (now: 2026-11-22 09:30 +08:00)."""
    db, ids = make_collection(
        path,
        {"NLP": ["A", "B", "C", "E", "F", "G"], "RL": ["D"]},
    )
    a, b, c, d, f, g = ids["A"], ids["B"], ids["C"], ids["D"], ids["F"], ids["G"]
    with db.write() as conn:
        add_review(conn, a, "2025-11-22 12:00", 3, REVIEW)  # 365 days ago: outside the year
        add_review(conn, a, "2025-12-01 12:00", 3, REVIEW, seconds=7)
        add_review(conn, a, "2026-11-20 10:00", 3, NEW, seconds=10)
        add_review(conn, a, "2026-11-21 03:59", 3, REVIEW, seconds=5)  # still the 20th
        add_review(conn, b, "2026-11-21 04:00", 1, REVIEW, seconds=20)  # the 21st
        add_review(conn, b, "2026-11-22 08:00", 2, REVIEW, seconds=4)
        add_review(conn, c, "2026-11-22 09:00", 1, LEARNING, seconds=6)  # not a retention review
        add_review(conn, d, "2026-11-22 09:10", 4, REVIEW, seconds=3)
        add_review(conn, d, "2026-11-23 05:00", 3, REVIEW)  # after now: ignored
        set_card(
            conn,
            a,
            state=REVIEW,
            due=local("2026-11-25 10:00"),
            stability=5.0,
            difficulty=1.0,
            lapses=2,
        )
        set_card(
            conn,
            b,
            state=RELEARNING,
            due=local("2026-11-20 10:00"),
            stability=0.5,
            difficulty=10.0,
            lapses=9,
        )
        set_card(
            conn, c, state=LEARNING, due=local("2026-11-22 09:40"), stability=0.2, difficulty=3.25
        )
        set_card(
            conn, d, state=REVIEW, due=local("2026-11-23 03:00"), stability=400.0, difficulty=5.5
        )
        set_card(
            conn,
            f,
            state=REVIEW,
            due=local("2026-11-23 10:00"),
            stability=3.0,
            difficulty=2.0,
            suspended=True,
        )
        set_card(
            conn,
            g,
            state=REVIEW,
            due=local("2026-11-23 10:00"),
            stability=3.0,
            difficulty=2.0,
            lapses=20,
            retired=True,
        )
    return db, ids


def history_of(db: Database) -> Any:
    """The review log as `llmcards optimize` reads it: straight from the file (an `optimize.History`)."""
    from llmcards import clock
    from llmcards.stats.optimize import load_history
    from llmcards.store.fastread import open_fast

    assert db.path is not None
    conn = open_fast(db.path)
    assert conn is not None
    try:
        return load_history(conn, now=clock.now(), rollover_hour=4)
    finally:
        conn.close()


def true_parameters() -> list[float]:
    """A learner who forgets faster than FSRS's defaults assume: smaller first
    stabilities, slower growth after a success."""
    from llmcards.stats.optimize import default_parameters

    parameters = default_parameters()
    parameters[0:4] = [0.1, 0.5, 1.0, 3.0]
    parameters[8] = 1.2
    parameters[11] = 2.2
    return parameters


def synthetic_collection(
    path: Path, *, cards: int = 400, days: int = 120, seed: int = 7
) -> Database:
    """~14 reviews a card, scheduled with the defaults from 2026-01-01 on, 10 new cards a day."""
    from llmcards.stats.synthetic import simulate_learner, write_history

    fronts = [f"术语 {i}" for i in range(cards)]
    db, ids = make_collection(path, {"NLP": fronts})
    reviews, final = simulate_learner(
        cards=cards,
        days=days,
        start=datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
        true_parameters=true_parameters(),
        new_per_day=10,
        seed=seed,
    )
    with db.write() as conn:
        write_history(conn, [ids[f] for f in fronts], reviews, final)
    return db
