"""The fast start reads today's queue straight from the SQLite file (`store.fastread`);
it must build exactly the queue the store's SQLAlchemy reads build, or the first card
shown would not be the one a rating then goes to."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from llmcards.cards import LEARNING, NEW, RELEARNING, REVIEW
from llmcards.config import DeckLimits, Settings
from llmcards.scheduling.queue import build_queue, limits_reached
from llmcards.scheduling.queue_sql import SqlQueueReads
from llmcards.scheduling.review import rate_card
from llmcards.scheduling.types import GOOD
from llmcards.store.db import Database
from llmcards.store.fastread import FastQueueReads, open_fast
from tests.scheduling.helpers import CARD, basic, cloze_note, local, make_db, set_now

DECKS = ("AI", "AI::NLP", "AI::NLP::RNN", "ML")


def _random_collection(tmp_path: Path, seed: int, now) -> Database:
    rng = random.Random(seed)
    files = {
        f"{deck.replace('::', '_')}.md": [basic(deck, f"{deck} 术语 {i}", i + 1) for i in range(25)]
        for deck in DECKS
    }
    files["cloze.md"] = cloze_note(
        "AI::NLP", "LSTM 有 输入门、遗忘门 和 输出门", ["输入门", "遗忘门", "输出门"], 1
    )
    db = make_db(tmp_path, files, now)
    with db.write() as conn:
        ids = [row[0] for row in conn.execute(CARD.select().with_only_columns(CARD.c.id))]
        for card_id in ids:
            state = rng.choice((NEW, NEW, LEARNING, REVIEW, REVIEW, RELEARNING))
            values: dict[str, object] = {"state": state}
            if state != NEW:
                values["due"] = now + timedelta(hours=rng.uniform(-72, 72))
                values["last_review"] = now - timedelta(days=rng.uniform(1, 30))
                values["stability"] = rng.uniform(0.5, 40)
                values["difficulty"] = rng.uniform(1, 10)
                values["reps"] = rng.randint(1, 9)
            roll = rng.random()
            if roll < 0.05:
                values["suspended"] = True
            elif roll < 0.10:
                values["retired"] = True
            elif roll < 0.15:
                values["buried_until"] = now + timedelta(hours=rng.choice((-2, 5)))
            conn.execute(update(CARD).where(CARD.c.id == card_id).values(**values))
    # Some ratings today, so the daily limits have used-up room to account for.
    for card_id in rng.sample(ids, 12):
        with contextlib.suppress(Exception):
            rate_card(
                db,
                card_id,
                GOOD,
                now=now - timedelta(minutes=30),
                duration_ms=1000,
                settings=Settings(fuzz=False),
            )
    return db


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_reads_build_the_same_queue_and_rows_as_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    now = local("2026-11-22 09:00")
    set_now(monkeypatch, now)
    db = _random_collection(tmp_path, seed, now)
    settings = Settings(
        new_per_day=7, reviews_per_day=9, deck_limits={"AI::NLP": DeckLimits(new_per_day=3)}
    )
    fast = open_fast(tmp_path / "cards.db")
    assert fast is not None
    try:
        for deck in (None, *DECKS):
            for moment in (now, now + timedelta(hours=20), now + timedelta(days=2)):
                with db.read() as conn:
                    slow_reads = SqlQueueReads(conn)
                    expected = build_queue(slow_reads, now=moment, settings=settings, deck=deck)
                    ids = [c for _, c in expected.learning] + expected.reviews + expected.new
                    expected_rows = slow_reads.study_rows(ids)
                    limits = limits_reached(slow_reads, now=moment, settings=settings, deck=deck)
                fast_reads = FastQueueReads(fast)
                got = build_queue(fast_reads, now=moment, settings=settings, deck=deck)
                assert got == expected, (deck, moment)
                assert fast_reads.study_rows(ids) == expected_rows
                # What the end of a session says holds cards back: the same both ways.
                assert (
                    limits_reached(fast_reads, now=moment, settings=settings, deck=deck) == limits
                )
        assert expected.new or expected.reviews or expected.learning  # the scenario is not empty
    finally:
        fast.close()
        db.close()


def test_open_fast_declines_what_it_cannot_read_so_the_normal_open_explains(tmp_path: Path) -> None:
    import sqlite3

    assert open_fast(tmp_path / "missing.db") is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert open_fast(tmp_path / "empty.db") is None
    (tmp_path / "text.db").write_text("not a database\n" * 200)
    assert open_fast(tmp_path / "text.db") is None
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    assert open_fast(tmp_path / "other.db") is None
    older = sqlite3.connect(tmp_path / "older.db")
    older.execute("CREATE TABLE alembic_version (version_num TEXT)")
    older.execute("INSERT INTO alembic_version VALUES ('0001')")
    older.commit()
    older.close()
    assert open_fast(tmp_path / "older.db") is None


def test_open_fast_never_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    now = local("2026-11-22 09:00")
    set_now(monkeypatch, now)
    make_db(tmp_path, {"a.md": [basic("D", "Dropout", 1)]}, now).close()
    fast = open_fast(tmp_path / "cards.db")
    assert fast is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        fast.execute("DELETE FROM card")
    fast.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_fast_reads_give_the_deck_list_the_store_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """`llmcards decks` reads straight from the file when it can: same decks, same counts."""
    from llmcards.scheduling.deck_list import limited_counts
    from llmcards.store.deck_counts import DECK_CARDS_SQL, rolled_up
    from llmcards.store.queries import deck_counts

    now = local("2026-11-22 09:00")
    set_now(monkeypatch, now)
    db = _random_collection(tmp_path, seed, now)
    settings = Settings(new_per_day=7, deck_limits={"AI::NLP": DeckLimits(new_per_day=3)})
    with db.read() as conn:
        expected = limited_counts(
            SqlQueueReads(conn), deck_counts(conn), now=now, settings=settings
        )
    db.close()
    fast = open_fast(tmp_path / "cards.db")
    assert fast is not None
    try:
        totals = rolled_up(fast.execute(DECK_CARDS_SQL).fetchall())
        got = limited_counts(FastQueueReads(fast), totals, now=now, settings=settings)
    finally:
        fast.close()
    assert got == expected
    assert [c.name for c in got] == ["AI", "AI::NLP", "AI::NLP::RNN", "ML"]
    assert all(c.new or c.learning or c.due for c in got)  # the scenario is not empty
